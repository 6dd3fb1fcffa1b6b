import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import type { EventOf, SessionEvent } from '../../core/session/events.js';
import { UserError } from '../../errors.js';
import { type JournalRead, JournalWriter, readJournal, repairJournal } from './journal.js';
import { conductorHome, ownPrivateDir, privateDir, sessionDir, sessionsDir } from './paths.js';

export interface SessionIndexEntry {
  id: string;
  title: string;
  runbookFile: string;
  promotionId: string;
  version: string;
  status: string;
  currentStep: string;
  createdAt: number;
  updatedAt: number;
  rehearsal: boolean;
}

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
      cwd: ownPrivateDir(join(this.home, 'config')),
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
    const id = newSessionId(now);
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
  open(id: string): OpenedJournal {
    const file = this.journalFile(id);
    const early = readJournal(file);
    if (early.broken) throw new Error(early.broken);
    let opened: { read: JournalRead; writer: JournalWriter } | undefined;
    const use = () => {
      if (!opened) {
        const read = readJournal(file);
        repairJournal(file, read);
        opened = { read, writer: JournalWriter.open(file, read) };
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

  readEvents(id: string): SessionEvent[] {
    return readJournal(this.journalFile(id)).events;
  }

  /** The event that started a session: which runbook, promotion, version, rehearsal. */
  startOf(id: string): EventOf<'session.created'> {
    if (!this.exists(id)) throw new UserError(`No session ${id}: \`conductor sessions\` lists them.`);
    const created = this.readEvents(id).find(
      (e): e is EventOf<'session.created'> => e.type === 'session.created',
    );
    if (!created) throw new UserError(`Session ${id} has no start event; its journal is damaged.`);
    return created;
  }

  updateIndex(entry: SessionIndexEntry): void {
    this.conf.set(`sessions.${entry.id}`, entry);
  }

  index(): SessionIndexEntry[] {
    return Object.values(this.conf.get('sessions') ?? {}).sort((a, b) => b.updatedAt - a.updatedAt);
  }

  /** Session ids found on disk, whether or not the index knows them. */
  journalIds(): string[] {
    return readdirSync(sessionsDir(this.home)).filter((id) =>
      existsSync(join(sessionsDir(this.home), id, 'journal.jsonl')),
    );
  }

  preference<K extends keyof Preferences>(key: K): Preferences[K] {
    return this.conf.get(key);
  }

  setPreference<K extends keyof Preferences>(key: K, value: Preferences[K]): void {
    this.conf.set(key, value);
  }
}
