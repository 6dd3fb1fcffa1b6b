import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
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
  }
  return { events, lastHash: prev, warnings };
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

export class JournalWriter {
  private fd: number;
  private seq: number;
  private prev: string;

  private constructor(
    readonly file: string,
    existing: JournalRead,
  ) {
    this.seq = existing.events.length;
    this.prev = existing.lastHash;
    this.fd = openSync(file, 'a', 0o600);
  }

  /** Open for appending after what is already there (a torn tail is rewritten away first). */
  static open(file: string, existing: JournalRead, truncateTo?: string): JournalWriter {
    if (truncateTo !== undefined) {
      const fd = openSync(file, 'w', 0o600);
      writeSync(fd, truncateTo);
      fsyncSync(fd);
      closeSync(fd);
    }
    return new JournalWriter(file, existing);
  }

  append(event: SessionEvent): JournalLine {
    const seq = this.seq + 1;
    const hash = lineHash(seq, this.prev, event);
    const line: JournalLine = { seq, prev: this.prev, hash, event };
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
    fsyncSync(this.fd);
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
