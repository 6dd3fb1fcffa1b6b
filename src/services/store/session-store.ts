import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import type { EventOf, SessionEvent } from '../../core/session/events.js';
import { UserError } from '../../errors.js';
import {
  cutToVerifiedPrefix,
  diskFailureCode,
  type JournalHealth,
  type JournalRead,
  JournalWriter,
  journalHealth,
  readJournal,
} from './journal.js';
import { conductorHome, ownPrivateDir, privateDir, sessionDir, sessionsDir } from './paths.js';
import { INDEX_DIR, INDEX_NAME, journalIdsIn, newestFirst, type SessionIndexEntry } from './session-index.js';

export type { SessionIndexEntry } from './session-index.js';

interface Preferences {
  sessions: Record<string, SessionIndexEntry>;
  conductor?: string;
}

export interface OpenedJournal {
  id: string;
  dir: string;
  read: JournalRead;
  writer: JournalWriter;
}

/** One sentence for a journal whose chain breaks: where, why, and the way back. */
export function brokenJournalMessage(id: string, health: JournalHealth): string {
  return `The journal of session ${id} does not verify: ${health.message}. \`conductor repair ${id}\` keeps the verified part (the rest is saved beside it) so the session can be resumed or rolled back.`;
}

export function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

export function newSessionId(now: number): string {
  const d = new Date(now);
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(
    d.getUTCMinutes(),
  )}${pad(d.getUTCSeconds())}`;
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** Journals on disk (the truth) and the conf index of sessions (a cache, rebuilt from the journals). */
export class SessionStore {
  readonly home: string;
  private conf: Conf<Preferences>;

  constructor(home = conductorHome()) {
    this.home = privateDir(home);
    this.conf = new Conf<Preferences>({
      projectName: 'conductor',
      // Read without conf by a screen's first frame (session-index.ts): keep the two in step.
      cwd: ownPrivateDir(join(this.home, INDEX_DIR)),
      configName: INDEX_NAME,
      // A cache rebuilt from the journals: an index that does not parse is started afresh.
      clearInvalidConfig: true,
      configFileMode: 0o600,
      defaults: { sessions: {} },
    });
  }

  journalFile(id: string): string {
    return join(sessionDir(id, this.home), 'journal.jsonl');
  }

  dir(id: string): string {
    return sessionDir(id, this.home);
  }

  exists(id: string): boolean {
    return existsSync(join(sessionsDir(this.home), id, 'journal.jsonl'));
  }

  create(now: number): OpenedJournal {
    // Two sessions started in the same second must never share a journal: a taken id is drawn again.
    let id = newSessionId(now);
    while (existsSync(join(sessionsDir(this.home), id))) id = newSessionId(now);
    const dir = sessionDir(id, this.home);
    const read: JournalRead = { events: [], lastHash: '0'.repeat(64), warnings: [] };
    return { id, dir, read, writer: JournalWriter.open(join(dir, 'journal.jsonl'), read) };
  }

  /**
   * Open an existing journal; a torn last line is cut away (with a warning) before appending.
   * A damaged chain throws here. The journal is read again, cut and opened for appending only
   * when `read` or `writer` is first used: a resuming conductor opens it before it has the lock,
   * and everything the previous holder appended until it handed over must be in the state and in
   * the chain this writer continues.
   */
  open(id: string, now: () => number = Date.now): OpenedJournal {
    const file = this.journalFile(id);
    const early = readJournal(file);
    if (early.broken) throw new UserError(brokenJournalMessage(id, journalHealth(early)));
    let opened: { read: JournalRead; writer: JournalWriter } | undefined;
    const use = () => {
      if (!opened) {
        let read = readJournal(file);
        if (read.broken) throw new UserError(brokenJournalMessage(id, journalHealth(read)));
        if (!read.tornTail) {
          opened = { read, writer: JournalWriter.open(file, read) };
        } else {
          // A torn last line is cut away, kept beside the journal, and the cut is journaled, so
          // `status` and the report can say so after this resume.
          const torn = journalHealth(read).tornTail ?? { line: read.events.length + 1, dropped: true };
          const lastAt = read.events.at(-1)?.at ?? 0;
          const cut = cutToVerifiedPrefix(file, read, Math.max(now(), lastAt));
          const writer = JournalWriter.open(file, read);
          if (cut.removedBytes > 0) {
            const event: SessionEvent = {
              type: 'journal.repaired',
              at: Math.max(now(), lastAt),
              reason: 'torn-tail',
              line: torn.line,
              keptEvents: cut.keptEvents,
              removedBytes: cut.removedBytes,
              ...(cut.savedAs && { savedAs: cut.savedAs }),
              by: userName(),
            };
            const line = writer.append(event);
            read = { ...read, events: [...read.events, event], lastHash: line.hash, tornTail: undefined };
          }
          opened = { read, writer };
        }
      }
      return opened;
    };
    return {
      id,
      dir: this.dir(id),
      get read() {
        return use().read;
      },
      get writer() {
        return use().writer;
      },
    };
  }

  /** A session's journal as it reads now, verified line by line (nothing is cut or written). */
  readJournal(id: string): JournalRead {
    return readJournal(this.journalFile(id));
  }

  readEvents(id: string): SessionEvent[] {
    return readJournal(this.journalFile(id)).events;
  }

  /** The event that started a session: which runbook, promotion, version, rehearsal. */
  startOf(id: string): EventOf<'session.created'> {
    if (!this.exists(id)) throw new UserError(`No session ${id}: \`conductor sessions\` lists them.`);
    const created = this.readEvents(id).find(
      (e): e is EventOf<'session.created'> => e.type === 'session.created',
    );
    if (!created) {
      const health = journalHealth(this.readJournal(id));
      throw new UserError(
        health.ok
          ? `Session ${id} has no start event; its journal is damaged.`
          : brokenJournalMessage(id, health),
      );
    }
    return created;
  }

  updateIndex(entry: SessionIndexEntry): void {
    try {
      this.conf.set(`sessions.${entry.id}`, entry);
    } catch (error) {
      // The index is a cache rebuilt from the journals: a full disk that still took the journal's
      // line (the index is rewritten whole, and bigger) is not a reason to stop a session.
      if (!diskFailureCode(error)) throw error;
    }
  }

  index(): SessionIndexEntry[] {
    return newestFirst(Object.values(this.conf.get('sessions') ?? {}));
  }

  /** Session ids found on disk, whether or not the index knows them. */
  journalIds(): string[] {
    return journalIdsIn(this.home);
  }
}
