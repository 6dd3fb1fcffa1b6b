import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatAge } from '../../src/components/format.js';
import { statusBarProps } from '../../src/screens/chrome.js';
import { SessionStore } from '../../src/services/store/session-store.js';
import { JournalSession } from '../../src/wiring/journal-session.js';
import { created, MIN, split, T0 } from '../screens/fixtures.js';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const step of cleanup.splice(0).reverse()) step();
});

/** A rehearsal's journal at ×60, written `writtenAgoMs` of real time ago, its lock held by a live engine or not. */
function rehearsalJournal(writtenAgoMs: number, engine: boolean) {
  const home = mkdtempSync(join(tmpdir(), 'conductor-watch-clock-'));
  cleanup.push(() => rmSync(home, { recursive: true, force: true }));
  const store = new SessionStore(home);
  const journal = store.create(T0);
  const at = T0 + 10 * MIN;
  journal.writer.append(created({ sessionId: journal.id, rehearsal: { scenario: 'healthy', speed: 60 } }));
  journal.writer.append({ type: 'traffic.read', at, split: split(25, at) });
  journal.writer.close();
  // This test process stands for the engine that holds the session's lock.
  if (engine)
    writeFileSync(
      join(store.dir(journal.id), 'lock.json'),
      JSON.stringify({ pid: process.pid, host: hostname(), startedAt: Date.now() }),
    );
  const written = (Date.now() - writtenAgoMs) / 1000;
  utimesSync(store.journalFile(journal.id), written, written);
  const session = new JournalSession(store, journal.id);
  cleanup.push(() => session.disconnect());
  return { session, at };
}

describe('a watcher that follows the journal: the footer ages are on the rehearsal clock', () => {
  it('counts from when the last event was written, not from when this screen read it', () => {
    // Written 2 real seconds ago at ×60: 2 minutes of the rehearsal's clock, not "just now".
    const { session, at } = rehearsalJournal(2_000, true);
    const status = statusBarProps(session.state, session.now(), { lastSavedAt: session.lastSavedAt });
    expect(session.lastSavedAt).toBe(at);
    expect(status.journalSavedAgoMs).toBeGreaterThanOrEqual(120_000);
    expect(status.traffic?.readAgoMs).toBeGreaterThanOrEqual(120_000);
    expect(formatAge(status.journalSavedAgoMs ?? 0)).toMatch(/^\dm ago$/);
  });

  it('with no engine the rehearsal clock stands still where the journal ends (a resume starts it there)', () => {
    const { session, at } = rehearsalJournal(60_000, false);
    expect(session.now()).toBe(at);
    expect(formatAge(session.now() - (session.lastSavedAt ?? 0))).toBe('just now');
  });
});
