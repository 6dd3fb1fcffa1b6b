import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/core/session/events.js';
import { GENESIS, JournalWriter, readJournal } from '../../src/services/store/journal.js';
import { SessionStore } from '../../src/services/store/session-store.js';
import { fixtureEvents, RUNBOOK_YAML } from '../core/templates/report-fixture.js';

// Runs the built CLI (`npm run build` first, as `npm test` does) on a real session folder.
const bin = new URL('../../bin/conductor.js', import.meta.url).pathname;
const ID = '20251225-120000-abcd';

/** A session on disk whose journal stops where `until` says (the session never completed). */
function stoppedSession(until: (events: SessionEvent[]) => number) {
  const home = mkdtempSync(join(tmpdir(), 'conductor-abandon-'));
  const runbookFile = join(home, 'shop.yaml');
  writeFileSync(runbookFile, RUNBOOK_YAML);
  const store = new SessionStore(home);
  const events = fixtureEvents({ ending: 'rolled-back' });
  const writer = JournalWriter.open(store.journalFile(ID), { events: [], lastHash: GENESIS, warnings: [] });
  for (const event of events.slice(0, until(events)))
    writer.append(event.type === 'session.created' ? { ...event, runbookFile } : event);
  writer.close();
  return { home, journal: store.journalFile(ID) };
}

const conductor = (home: string, ...args: string[]) =>
  spawnSync('node', [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CONDUCTOR_HOME: home },
    timeout: 30_000,
  });

describe('conductor abandon', () => {
  it('ends a stopped session with its reason journaled and the reports written', () => {
    const { home, journal } = stoppedSession((events) =>
      events.findIndex((e) => e.type === 'session.completed'),
    );
    const run = conductor(home, 'abandon', ID, '--reason', 'the release is cancelled');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/abandoned: the release is cancelled/);
    const read = readJournal(journal);
    expect(read.broken).toBeUndefined();
    expect(read.events.at(-1)).toMatchObject({ type: 'session.completed', outcome: 'abandoned' });
    expect(JSON.stringify(read.events.at(-1))).toContain('the release is cancelled');
    expect(conductor(home, 'report', ID).stdout).toContain('the release is cancelled');
  });

  it('is refused, with one sentence and exit 2, while traffic is on the new version or without a reason', () => {
    const { home, journal } = stoppedSession((events) =>
      events.findIndex((e) => e.type === 'rollback.started'),
    );
    const before = readJournal(journal).events.length;
    const run = conductor(home, 'abandon', ID, '--reason', 'tired');
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/roll back \(x\) first/);
    expect(conductor(home, 'abandon', ID).status).toBe(2);
    expect(readJournal(journal).events.length).toBe(before);
  });
});
