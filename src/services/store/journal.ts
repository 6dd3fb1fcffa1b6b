import { createHash } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SessionEvent } from '../../core/session/events.js';

/**
 * An append-only JSONL file, one event a line, each line hash-chained to the one before, so a
 * report can prove nothing was edited. Every append is written and fsynced before it returns.
 */

export const GENESIS = '0'.repeat(64);

export interface JournalLine {
  seq: number;
  prev: string;
  hash: string;
  event: SessionEvent;
}

export function lineHash(seq: number, prev: string, event: SessionEvent): string {
  return createHash('sha256')
    .update(`${seq}\n${prev}\n${JSON.stringify(event)}`)
    .digest('hex');
}

export interface JournalRead {
  events: SessionEvent[];
  lastHash: string;
  /** A torn last line (crash mid-write) is dropped with a warning; the rest is kept. */
  warnings: string[];
  /** Set when a line in the middle is unreadable or the chain does not hold: the journal was edited. */
  broken?: string;
  /**
   * Set when the file holds more than its valid lines, each ended by a newline: a torn last line,
   * or a last line whose newline never reached the disk. Appending after it would glue the next
   * line onto it, so the writer's owner cuts it first (see repairJournal).
   */
  tornTail?: boolean;
}

export function readJournal(file: string): JournalRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { events: [], lastHash: GENESIS, warnings: [] };
    throw error;
  }
  return parseJournal(text, file);
}

export function parseJournal(text: string, file = 'journal'): JournalRead {
  const rawLines = text.split('\n');
  const endsClean = text.endsWith('\n') || text.length === 0;
  const lines = rawLines.filter((l, i) => l.length > 0 || i < rawLines.length - 1);
  const events: SessionEvent[] = [];
  const warnings: string[] = [];
  let prev = GENESIS;
  // Characters of the valid prefix, each valid line counted with its newline.
  let validChars = 0;
  for (let i = 0; i < lines.length; i++) {
    const isLast = i === lines.length - 1;
    const raw = lines[i];
    let parsed: JournalLine | undefined;
    try {
      parsed = JSON.parse(raw) as JournalLine;
    } catch {
      parsed = undefined;
    }
    const valid =
      parsed !== undefined &&
      parsed.seq === events.length + 1 &&
      parsed.prev === prev &&
      parsed.hash === lineHash(parsed.seq, parsed.prev, parsed.event);
    if (!valid) {
      if (isLast && (!endsClean || parsed === undefined)) {
        warnings.push(`${file}: the last line was cut off by a crash (line ${i + 1}); it was dropped.`);
        break;
      }
      return {
        events,
        lastHash: prev,
        warnings,
        broken: `${file}:${i + 1}: the hash chain does not hold: the journal was edited or damaged.`,
      };
    }
    events.push(parsed!.event);
    prev = parsed!.hash;
    validChars += raw.length + 1;
  }
  const read: JournalRead = { events, lastHash: prev, warnings };
  if (validChars !== text.length) read.tornTail = true;
  return read;
}

/** Verify a whole journal: every line present, in order, chained. */
export function verifyJournal(file: string): { ok: boolean; events: number; message: string } {
  const read = readJournal(file);
  if (read.broken) return { ok: false, events: read.events.length, message: read.broken };
  return {
    ok: true,
    events: read.events.length,
    message: `${read.events.length} events, hash chain verified (last ${read.lastHash.slice(0, 12)})`,
  };
}

/** Another process appended to a journal this writer holds: two drivers on one session. */
export class JournalConflictError extends Error {
  constructor(file: string, expected: number, found: number) {
    super(
      `${file} grew under this conductor (${found} bytes, ${expected} expected): another conductor writes to this session; this one stops driving it.`,
    );
    this.name = 'JournalConflictError';
  }
}

export class JournalWriter {
  private fd: number;
  private seq: number;
  private prev: string;
  /** The file's size after this writer's last append: any other size means another writer. */
  private size: number;

  private constructor(
    readonly file: string,
    existing: JournalRead,
  ) {
    this.seq = existing.events.length;
    this.prev = existing.lastHash;
    this.fd = openSync(file, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  /** Open for appending after what is already there (a torn tail is rewritten away first). */
  static open(file: string, existing: JournalRead, truncateTo?: string): JournalWriter {
    if (truncateTo !== undefined) replaceDurably(file, truncateTo);
    const writer = new JournalWriter(file, existing);
    // A new file's name must survive a crash too, not only its content.
    if (existing.events.length === 0) fsyncDir(dirname(file));
    return writer;
  }

  append(event: SessionEvent): JournalLine {
    const found = fstatSync(this.fd).size;
    if (found !== this.size) throw new JournalConflictError(this.file, this.size, found);
    const seq = this.seq + 1;
    const hash = lineHash(seq, this.prev, event);
    const line: JournalLine = { seq, prev: this.prev, hash, event };
    const bytes = Buffer.from(`${JSON.stringify(line)}\n`);
    writeFully(this.fd, bytes);
    fsyncSync(this.fd);
    this.size += bytes.length;
    this.seq = seq;
    this.prev = hash;
    return line;
  }

  get length(): number {
    return this.seq;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

/** The text of the valid lines, to rewrite a journal whose last line was torn. */
export function validPrefix(file: string, events: number): string {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').slice(0, events);
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Cut a torn tail away: the journal becomes its valid lines, each ended by a newline. */
export function repairJournal(file: string, read: JournalRead): void {
  if (read.broken) throw new Error(read.broken);
  if (read.tornTail) replaceDurably(file, validPrefix(file, read.events.length));
}

function writeFully(fd: number, bytes: Buffer): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse to fsync a folder; the file's own fsync still holds its content.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Replace a file's content so that a crash at any moment leaves either the old file or the new
 * one, never an empty or half-written journal: write a sibling, fsync it, rename it over.
 */
function replaceDurably(file: string, text: string): void {
  const temporary = `${file}.repair`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeFully(fd, Buffer.from(text));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  fsyncDir(dirname(file));
}
