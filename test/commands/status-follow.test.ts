import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENESIS, JournalWriter } from '../../src/services/store/journal.js';
import { SessionStore } from '../../src/services/store/session-store.js';
import { JournalSession } from '../../src/wiring/journal-session.js';
import { fixtureEvents, RUNBOOK_YAML } from '../core/templates/report-fixture.js';
import { FIXTURE_ID } from '../services/report/fixture-session.js';

// Runs the built CLI (`npm run build` first, as `npm test` does).
const bin = new URL('../../bin/conductor.js', import.meta.url).pathname;

/** A session whose journal is written as the test goes: the first `upTo` events now, the rest by `more`. */
function growingSession(upTo: number) {
  const home = mkdtempSync(join(tmpdir(), 'conductor-follow-'));
  const runbookFile = join(home, 'shop.yaml');
  writeFileSync(runbookFile, RUNBOOK_YAML);
  const store = new SessionStore(home);
  const runbookHash = createHash('sha256').update(RUNBOOK_YAML).digest('hex');
  const writer = JournalWriter.open(store.journalFile(FIXTURE_ID), {
    events: [],
    lastHash: GENESIS,
    warnings: [],
  });
  const events = fixtureEvents({ ending: 'promoted' }).map((event) =>
    event.type === 'session.created' ? { ...event, runbookFile, runbookHash } : event,
  );
  let written = 0;
  const more = (n: number) => {
    for (const event of events.slice(written, written + n)) writer.append(event);
    written = Math.min(events.length, written + n);
  };
  more(upTo);
  return { home, store, id: FIXTURE_ID, total: events.length, more, close: () => writer.close() };
}

const waitFor = async (check: () => boolean, ms: number, what: string) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('conductor status --json --follow', () => {
  it('prints one JSON line per event as the journal grows, and ends when the session ends', async () => {
    const session = growingSession(10);
    const child = spawn('node', [bin, 'status', session.id, '--json', '--follow'], {
      env: { ...process.env, CONDUCTOR_HOME: session.home, TZ: 'UTC' },
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines = () => out.split('\n').filter(Boolean);
    await waitFor(() => lines().length >= 10, 20_000, 'the first 10 events');
    expect(lines()).toHaveLength(10);
    session.more(5);
    await waitFor(() => lines().length >= 15, 20_000, '5 more events');
    session.more(session.total);
    session.close();
    expect(await exited).toBe(0);
    const parsed = lines().map((line) => JSON.parse(line));
    expect(parsed).toHaveLength(session.total);
    expect(parsed.map((p) => p.seq)).toEqual(parsed.map((_, i) => i + 1));
    expect(parsed[0].event.type).toBe('session.created');
    expect(parsed.at(-1).status).toMatchObject({ status: 'completed', outcome: 'promoted' });
  }, 60_000);
});

describe('watching a session from its journal alone', () => {
  it('follows the journal as it grows, refuses every action, and never writes', async () => {
    const session = growingSession(12);
    const view = new JournalSession(session.store, session.id);
    try {
      expect(view.state.eventCount).toBe(12);
      expect(view.readOnly).toBe(true);
      let heard = 0;
      view.subscribe(() => {
        heard += 1;
      });
      session.more(8);
      await waitFor(() => view.state.eventCount === 20, 10_000, 'the grown journal');
      expect(heard).toBeGreaterThan(0);
      expect(view.confirmStep()).toMatch(/only watches/);
      expect(view.abandon()).toMatch(/only watches/);
      session.more(session.total);
      session.close();
      await waitFor(() => view.state.status === 'completed', 10_000, 'the end');
      // A finished session's clock stands still at its last event.
      expect(view.now()).toBe(view.state.lastEventAt);
      expect(session.store.readJournal(session.id).events).toHaveLength(session.total);
    } finally {
      await view.leave();
    }
  }, 30_000);
});
