/** The last `max` lines, in a ring so memory stays bounded however much a command prints. */
export class TailLines {
  private readonly ring: string[] = [];
  private next = 0;

  constructor(private readonly max: number) {}

  push(line: string): void {
    if (this.max <= 0) return;
    if (this.ring.length < this.max) {
      this.ring.push(line);
      return;
    }
    this.ring[this.next] = line;
    this.next = (this.next + 1) % this.max;
  }

  lines(): string[] {
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }
}

/** The last `limit` characters of a text, trimmed in batches so appending stays cheap. */
export class BoundedText {
  private buffer = '';

  constructor(private readonly limit: number) {}

  append(text: string): void {
    this.buffer += text;
    if (this.buffer.length > this.limit * 2) this.buffer = this.buffer.slice(-this.limit);
  }

  text(): string {
    return this.buffer.length > this.limit ? this.buffer.slice(-this.limit) : this.buffer;
  }
}
