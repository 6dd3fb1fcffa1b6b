import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
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
  /** Where the chain breaks (1-based line) and why, when `broken` is set. */
  brokenAt?: { line: number; why: string };
  /** The torn last line (1-based) when `tornTail` is set; `dropped` when it held no valid event. */
  tornLine?: { line: number; dropped: boolean };
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
  let tornLine: JournalRead['tornLine'];
  for (let i = 0; i < lines.length; i++) {
    const isLast = i === lines.length - 1;
    const raw = lines[i];
    let parsed: JournalLine | undefined;
    try {
      parsed = JSON.parse(raw) as JournalLine;
    } catch {
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== 'object') parsed = undefined;
    const why = invalidBecause(parsed, events.length + 1, prev);
    if (why !== undefined) {
      if (isLast && (!endsClean || parsed === undefined)) {
        warnings.push(`${file}: the last line was cut off by a crash (line ${i + 1}); it was dropped.`);
        tornLine = { line: i + 1, dropped: true };
        break;
      }
      return {
        events,
        lastHash: prev,
        warnings,
        broken: `${file}:${i + 1}: the hash chain does not hold: the journal was edited or damaged.`,
        brokenAt: { line: i + 1, why },
      };
    }
    events.push(parsed!.event);
    prev = parsed!.hash;
    validChars += raw.length + 1;
  }
  const read: JournalRead = { events, lastHash: prev, warnings };
  if (validChars !== text.length) {
    read.tornTail = true;
    // A valid last line whose newline never reached the disk: nothing is dropped, the newline is added.
    read.tornLine = tornLine ?? { line: lines.length, dropped: false };
  }
  return read;
}

/** Why one line does not continue the chain, or undefined when it does. */
function invalidBecause(parsed: JournalLine | undefined, seq: number, prev: string): string | undefined {
  if (parsed === undefined || typeof parsed !== 'object' || parsed === null) return 'the line is not JSON';
  if (parsed.seq !== seq) return `its sequence number is ${String(parsed.seq)}, ${seq} was expected`;
  if (parsed.prev !== prev) return 'it does not chain to the line before it';
  if (parsed.hash !== lineHash(parsed.seq, parsed.prev, parsed.event))
    return 'its hash does not match its content (the line was edited or damaged)';
  return undefined;
}

/** What a reader found in a journal, said the same way by `status`, `sessions`, `report` and resume. */
export interface JournalHealth {
  /** The whole chain holds (a torn last line, cut away on resume, does not make it fail). */
  ok: boolean;
  /** Events in the verified prefix. */
  events: number;
  broken?: { line: number; why: string };
  tornTail?: { line: number; dropped: boolean };
  /** One line: "chain verified: N events", "... torn last line (line N) ignored", "chain broken at line N: why". */
  message: string;
}

export function journalHealth(read: JournalRead): JournalHealth {
  const n = read.events.length;
  if (read.broken) {
    const at = read.brokenAt ?? { line: n + 1, why: 'the hash chain does not hold' };
    return {
      ok: false,
      events: n,
      broken: at,
      message: `chain broken at line ${at.line}: ${at.why}; ${n} events verified before it`,
    };
  }
  const health: JournalHealth = { ok: true, events: n, message: `chain verified: ${n} events` };
  if (read.tornTail) {
    const torn = read.tornLine ?? { line: n + 1, dropped: true };
    health.tornTail = torn;
    health.message += torn.dropped
      ? `; torn last line (line ${torn.line}) ignored`
      : `; the last line (line ${torn.line}) has no newline`;
  }
  return health;
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

/** The error codes of a disk that refuses a write: full (or over quota), read-only, failing. */
export const DISK_WRITE_FAILURES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO']);

/** The code of a disk's refusal (ENOSPC, EROFS...), when `error` is one. */
export function diskFailureCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && DISK_WRITE_FAILURES.has(code) ? code : undefined;
}

/**
 * The disk refused a journal line (full, read-only, failing): nothing more of the session can be
 * made durable, so the engine stops (commands/engine.ts). The line is not in the journal: the file
 * is cut back to the last whole line, and this writer writes nothing more.
 */
export class JournalWriteError extends Error {
  constructor(
    readonly file: string,
    /** ENOSPC, EDQUOT, EROFS, EIO, or the errno code of another failed write. */
    readonly code: string,
    /** Events durable in the journal: nothing after this one was recorded. */
    readonly recorded: number,
    options?: { cause?: unknown },
  ) {
    super(
      `${file}: the journal could not be written (${code}); nothing after event ${recorded} was recorded.`,
      options,
    );
    this.name = 'JournalWriteError';
  }
}

/**
 * The one sentence a full (or read-only, or failing) disk is said with, by the engine to its
 * screens and its log: what happened, what was kept, `also` (what became of the traffic), and the
 * way back.
 */
export function journalFailureSentence(
  error: { code: string; recorded: number },
  sessionDir: string,
  sessionId: string,
  also?: string,
): string {
  const kept = `nothing after event ${error.recorded} was recorded${also ? `; ${also}` : ''}`;
  const resume = `\`conductor resume ${sessionId}\``;
  if (error.code === 'ENOSPC' || error.code === 'EDQUOT')
    return `The disk holding ${sessionDir} is full: the journal cannot be written; ${kept}; free space and run ${resume}.`;
  if (error.code === 'EROFS')
    return `The disk holding ${sessionDir} became read-only: the journal cannot be written; ${kept}; make it writable and run ${resume}.`;
  return `The disk holding ${sessionDir} failed to write the journal (${error.code}); ${kept}; check the disk and run ${resume}.`;
}

export class JournalWriter {
  private fd: number;
  private seq: number;
  private prev: string;
  /** The file's size after this writer's last append: any other size means another writer. */
  private size: number;
  /** Set once a write failed: the file's end is not known for sure, so nothing more is written. */
  private failed?: JournalWriteError;

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
    if (this.failed) throw this.failed;
    const found = fstatSync(this.fd).size;
    if (found !== this.size) throw new JournalConflictError(this.file, this.size, found);
    const seq = this.seq + 1;
    const hash = lineHash(seq, this.prev, event);
    const line: JournalLine = { seq, prev: this.prev, hash, event };
    const bytes = Buffer.from(`${JSON.stringify(line)}\n`);
    try {
      writeFully(this.fd, bytes);
      fsyncSync(this.fd);
    } catch (error) {
      // A full disk may have taken part of the line: cut it away (that frees space, so it works
      // on a full disk), so the journal ends with its last whole line and still verifies.
      try {
        ftruncateSync(this.fd, this.size);
        fsyncSync(this.fd);
      } catch {
        // a torn last line is cut away (with a warning) by the next resume
      }
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      this.failed = new JournalWriteError(this.file, code, this.seq, { cause: error });
      throw this.failed;
    }
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

/** What cutting a journal back to its verified prefix did. */
export interface JournalCut {
  keptEvents: number;
  removedBytes: number;
  /** Where the removed bytes were saved (beside the journal), when there were any. */
  savedAs?: string;
}

/**
 * Cut a journal back to its verified prefix: the bytes after it (a broken chain and everything
 * after the break, or a torn last line) are first saved beside it as
 * `journal.jsonl.damaged-<timestamp>` (0600, fsynced), then the journal is replaced durably by
 * its valid lines. A crash at any moment leaves the old journal or the cut one, and the copy.
 */
export function cutToVerifiedPrefix(file: string, read: JournalRead, now: number): JournalCut {
  const raw = readFileSync(file);
  const prefix = validPrefix(file, read.events.length);
  const keptBytes = Buffer.byteLength(prefix);
  // A last line whose newline never reached the disk gains one: nothing of the file is removed.
  const rest = keptBytes < raw.length ? raw.subarray(keptBytes) : Buffer.alloc(0);
  let savedAs: string | undefined;
  if (rest.length > 0) {
    const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
    savedAs = `${file}.damaged-${stamp}`;
    for (let n = 2; existsSync(savedAs); n++) savedAs = `${file}.damaged-${stamp}-${n}`;
    const fd = openSync(savedAs, 'wx', 0o600);
    try {
      writeFully(fd, rest);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    fsyncDir(dirname(file));
  }
  replaceDurably(file, prefix);
  return { keptEvents: read.events.length, removedBytes: rest.length, ...(savedAs && { savedAs }) };
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
export function replaceDurably(file: string, text: string): void {
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
