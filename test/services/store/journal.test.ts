import { appendFileSync, mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../src/core/session/events.js';
import {
  GENESIS,
  JournalConflictError,
  type JournalLine,
  journalHealth,
  lineHash,
  readJournal,
} from '../../../src/services/store/journal.js';
import { SessionStore } from '../../../src/services/store/session-store.js';

const T0 = Date.UTC(2026, 10, 29, 20, 0);

function sampleEvents(): SessionEvent[] {
  return [
    {
      type: 'session.created',
      at: T0,
      sessionId: 's1',
      runbookFile: '/runbooks/bbws.yaml',
      runbookId: 'bbws',
      runbookTitle: 'BBWS',
      runbookHash: 'abc',
      promotionId: 'sit-to-prod',
      from: 'sit',
      to: 'prod',
      version: 'v2026.11.29.1',
      conductor: '@conductor',
      risk: 'medium',
    },
    { type: 'ticket.recorded', at: T0 + 1_000, ticket: 'CHG-2041' },
    {
      type: 'approval.recorded',
      at: T0 + 2_000,
      step: 'prod-approval',
      role: 'tech-lead',
      approver: '@jane.doe',
      comment: 'Performance baseline met — ready for PROD ✓',
      reference: 'CHG-2041',
    },
    {
      type: 'gonogo.decided',
      at: T0 + 3_000,
      step: 'gonogo-prod',
      decision: 'GO',
      rows: [{ input: 'coverage', value: '84%', limit: '>= 80%', verdict: 'ok', reason: 'met' }],
      whatWouldChange: [],
    },
  ];
}

function newStore() {
  const home = mkdtempSync(join(tmpdir(), 'conductor-journal-'));
  return { home, store: new SessionStore(home) };
}

/** A session whose journal holds `events`, closed again. */
function writtenSession(events = sampleEvents()) {
  const { home, store } = newStore();
  const opened = store.create(T0);
  for (const event of events) opened.writer.append(event);
  opened.writer.close();
  return { home, store, id: opened.id, file: store.journalFile(opened.id) };
}

function rawLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('journal: append and read', () => {
  it('reads back every event in order, each line chained to the one before', () => {
    const events = sampleEvents();
    const { file } = writtenSession(events);
    const read = readJournal(file);
    expect(read.events).toEqual(events);
    expect(read.warnings).toEqual([]);
    expect(read.broken).toBeUndefined();
    expect(read.tornTail).toBeUndefined();

    const lines = rawLines(file).map((l) => JSON.parse(l) as JournalLine);
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4]);
    let prev = GENESIS;
    for (const line of lines) {
      expect(line.prev).toBe(prev);
      expect(line.hash).toBe(lineHash(line.seq, line.prev, line.event));
      prev = line.hash;
    }
    expect(read.lastHash).toBe(prev);
    expect(journalHealth(readJournal(file))).toMatchObject({ ok: true, events: 4 });
  });

  it('keeps the journal private: the file 0600, its folders 0700', () => {
    const { home, store, id, file } = writtenSession();
    expect(mode(file)).toBe(0o600);
    expect(mode(store.dir(id))).toBe(0o700);
    expect(mode(join(home, 'sessions'))).toBe(0o700);
    expect(mode(home)).toBe(0o700);
    store.updateIndex({
      id,
      title: 't',
      runbookFile: 'r',
      promotionId: 'p',
      version: 'v',
      status: 'active',
      currentStep: 's',
      createdAt: T0,
      updatedAt: T0,
      rehearsal: false,
    });
    expect(mode(join(home, 'config'))).toBe(0o700);
    expect(mode(join(home, 'config', 'config.json'))).toBe(0o600);
  });
});

describe('journal: a torn last line after a crash', () => {
  it('is dropped with a warning naming the line, and the rest still verifies', () => {
    const { file } = writtenSession();
    const size = statSync(file).size;
    truncateSync(file, size - 25);
    const read = readJournal(file);
    expect(read.broken).toBeUndefined();
    expect(read.events).toEqual(sampleEvents().slice(0, 3));
    expect(read.warnings).toHaveLength(1);
    expect(read.warnings[0]).toMatch(/last line was cut off by a crash \(line 4\); it was dropped/);
    expect(read.tornTail).toBe(true);
    expect(journalHealth(readJournal(file))).toMatchObject({ ok: true, events: 3 });
  });

  it('is cut away when the session is opened again, and new events chain onto the valid prefix', () => {
    const { store, id, file } = writtenSession();
    truncateSync(file, statSync(file).size - 25);
    const opened = store.open(id);
    expect(opened.read.warnings).toHaveLength(1);
    // The cut is journaled (and the torn bytes kept beside), so status and the report can say so.
    expect(opened.writer.length).toBe(4);
    const cut = opened.read.events[3];
    expect(cut).toMatchObject({ type: 'journal.repaired', reason: 'torn-tail', line: 4, keptEvents: 3 });
    const next: SessionEvent = { type: 'risk.set', at: T0 + 9_000, risk: 'high', mitigation: 'feature flag' };
    opened.writer.append(next);
    opened.writer.close();

    const read = readJournal(file);
    expect(read.warnings).toEqual([]);
    expect(read.broken).toBeUndefined();
    expect(read.events).toEqual([...sampleEvents().slice(0, 3), cut, next]);
    expect(rawLines(file)).toHaveLength(5);
    expect(mode(file)).toBe(0o600);
  });

  it('keeps a whole last line whose newline was lost, and the next event starts on a line of its own', () => {
    const { store, id, file } = writtenSession();
    truncateSync(file, statSync(file).size - 1);
    expect(readJournal(file).events).toHaveLength(4);
    const opened = store.open(id);
    opened.writer.append({ type: 'warning', at: T0 + 9_000, message: 'resumed' });
    opened.writer.close();
    const read = readJournal(file);
    expect(read.broken).toBeUndefined();
    expect(read.events).toHaveLength(5);
  });

  it('reads at open time what a previous holder appended after the session was opened', () => {
    const { store, id, file } = writtenSession();
    // The resuming conductor opens the journal, then waits for the holder to hand over.
    const opened = store.open(id);
    const holder = store.open(id);
    holder.writer.append({ type: 'session.detached', at: T0 + 5_000, pid: 1, host: 'h', mode: 'guard' });
    holder.writer.close();
    expect(opened.read.events.at(-1)?.type).toBe('session.detached');
    opened.writer.append({ type: 'session.resumed', at: T0 + 6_000, pid: 2, host: 'h' });
    opened.writer.close();
    const read = readJournal(file);
    expect(read.broken).toBeUndefined();
    expect(read.events.map((e) => e.type).slice(-2)).toEqual(['session.detached', 'session.resumed']);
  });
});

describe('journal: two writers', () => {
  it('refuses to append after another writer appended to the same file, and the chain stays whole', () => {
    const { store, id, file } = writtenSession();
    const first = store.open(id);
    const second = store.open(id);
    // Both open their writers on the same journal (two drivers on one session).
    expect(first.writer.length).toBe(second.writer.length);
    second.writer.append({ type: 'warning', at: T0 + 5_000, message: 'the second driver' });
    expect(() =>
      first.writer.append({ type: 'warning', at: T0 + 6_000, message: 'the first driver' }),
    ).toThrow(JournalConflictError);
    first.writer.close();
    second.writer.close();
    const read = readJournal(file);
    expect(read.broken).toBeUndefined();
    expect(read.events.at(-1)).toMatchObject({ message: 'the second driver' });
  });
});

describe('journal: an edited journal', () => {
  it('breaks the chain at the edited line when one value in the middle changes', () => {
    const { file, store, id } = writtenSession();
    const lines = rawLines(file);
    lines[1] = lines[1].replace('CHG-2041', 'CHG-2042');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const read = readJournal(file);
    expect(read.broken).toMatch(/:2: the hash chain does not hold/);
    expect(read.events).toHaveLength(1);
    expect(journalHealth(readJournal(file))).toMatchObject({ ok: false, events: 1 });
    expect(() => store.open(id)).toThrow(/chain broken at line 2: its hash does not match its content/);
  });

  it('breaks the chain when an approval line is removed', () => {
    const { file } = writtenSession();
    const lines = rawLines(file);
    lines.splice(2, 1);
    writeFileSync(file, `${lines.join('\n')}\n`);
    expect(readJournal(file).broken).toMatch(/:3: the hash chain does not hold/);
  });

  it('breaks the chain when a re-hashed line no longer links to the one after it', () => {
    const { file } = writtenSession();
    const lines = rawLines(file).map((l) => JSON.parse(l) as JournalLine);
    const edited = { ...lines[1], event: { ...lines[1].event, ticket: 'CHG-9999' } as SessionEvent };
    edited.hash = lineHash(edited.seq, edited.prev, edited.event);
    lines[1] = edited;
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    expect(readJournal(file).broken).toMatch(/:3: the hash chain does not hold/);
  });

  it('does not mistake an edited last line for a torn one', () => {
    const { file } = writtenSession();
    const lines = rawLines(file);
    lines[3] = lines[3].replace('"GO"', '"NO-GO"');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const read = readJournal(file);
    expect(read.broken).toMatch(/:4: the hash chain does not hold/);
    expect(read.warnings).toEqual([]);
  });

  it('treats garbage appended after a complete line as torn only when it is the unterminated end', () => {
    const { file } = writtenSession();
    appendFileSync(file, '{"seq":5,"prev":"x');
    const torn = readJournal(file);
    expect(torn.broken).toBeUndefined();
    expect(torn.tornTail).toBe(true);
    appendFileSync(file, '\n{"seq":6}\n');
    expect(readJournal(file).broken).toMatch(/:5: the hash chain does not hold/);
  });
});

describe('session store', () => {
  it('never gives two sessions started in the same second one journal', () => {
    const { store } = newStore();
    // 800 ids drawn for one second: with 65,536 suffixes, two would collide 99% of the time.
    const opened = Array.from({ length: 800 }, (_, i) => {
      const journal = store.create(T0);
      journal.writer.append({ type: 'warning', at: T0, message: `session ${i}` });
      journal.writer.close();
      return journal.id;
    });
    expect(new Set(opened).size).toBe(800);
    for (const id of opened.slice(0, 50)) expect(store.readEvents(id)).toHaveLength(1);
  }, 60_000);

  it('finds sessions on disk that the index does not know', () => {
    const { store, id } = writtenSession();
    expect(store.index()).toEqual([]);
    expect(store.journalIds()).toEqual([id]);
    expect(store.exists(id)).toBe(true);
    expect(store.readEvents(id)).toEqual(sampleEvents());
  });
});
