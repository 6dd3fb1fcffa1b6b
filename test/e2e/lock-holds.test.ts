import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal as verifiedJournal } from '../../src/services/store/journal.js';
import { useConductorHome, waitForCanaryStage } from './flows.js';
import { enginePid, eventsOf, processAlive, sessionDir } from './terminal.js';

describe('a lock deleted while a session is driven, then two resumes', () => {
  const e2e = useConductorHome();

  it('both reach the one engine that drives it (the lock is put back), and the journal verifies', async () => {
    const { home } = e2e;
    const first = e2e.startRehearsal({ autopilot: true, speed: 120 });
    await waitForCanaryStage(first, 10, { holding: true });
    const dir = sessionDir(home) as string;
    const engine = enginePid(dir);
    rmSync(join(dir, 'lock.json'));

    const second = e2e.start(['resume']);
    await second.waitForText(/ABORT & ROLL BACK/, 60_000);
    // The first screen is told another terminal took the seat, and leaves; the engine stays.
    await first.waitForText(['took session', /its engine keeps driving it/], 20_000);
    const third = e2e.start(['resume']);
    await third.waitForText(/ABORT & ROLL BACK/, 60_000);
    await second.waitForText('took session', 20_000);

    // One engine throughout: it put its lock back, nobody started a second one.
    await third.waitFor(() => (enginePid(dir) === engine ? true : undefined), 10_000, 'the lock put back');
    expect(processAlive(engine)).toBe(true);
    expect(eventsOf(home, 'session.resumed')).toHaveLength(0);
    const attached = eventsOf(home, 'session.attached').map((e) => e.pid);
    expect(attached).toEqual([first.pid, second.pid, third.pid]);
    const journal = verifiedJournal(join(dir, 'journal.jsonl'));
    expect(journal.broken).toBeUndefined();
    expect(journal.events.filter((e) => e.type === 'traffic.shifted').length).toBeGreaterThan(0);
  }, 240_000);
});
