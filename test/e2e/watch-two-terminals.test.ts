import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUICK_FIRST_STAGE, useConductorHome, waitForCanaryStage } from './flows.js';
import { eventsOf, pause, readJournal, sessionDir } from './terminal.js';

/**
 * Issue 16, point 2, "Must show": two terminals. One conducts a rehearsal; the other runs
 * `conductor watch ID` and sees the same stage and verdicts, and the rollback when the first
 * presses x. The watcher's keys change nothing: every event in the journal comes from the
 * conductor's side, whatever the watcher presses.
 */
describe('a second person watches the canary from another terminal', () => {
  const e2e = useConductorHome();

  it('sees the stage, the verdicts and the rollback; its own keys move nothing', async () => {
    const { home } = e2e;
    // 80x: a 15-minute hold lasts about 11 seconds (the 10% stage's 5 minutes about 4).
    const app = e2e.startRehearsal({
      autopilot: true,
      speed: 80,
      runbook: { canaryMinutes: QUICK_FIRST_STAGE },
    });
    await waitForCanaryStage(app, 10, { timeoutMs: 180_000 });
    const dir = sessionDir(home);
    expect(dir).toBeDefined();
    const watcher = e2e.start(['watch', basename(dir!)]);

    // The same canary, seen from the second terminal: its stage strip and its samples.
    const seen = await waitForCanaryStage(watcher, 25, {
      also: [/75% .* 25% canary/, /samples \(\d+\):.*PASS/],
    });
    expect(seen).toMatch(/10% ✓ → \[25%\]/);
    expect(seen).not.toMatch(/x ABORT/);
    expect(seen).toMatch(/q stop watching/);

    // Everything a conductor would press, pressed by the watcher: abort, advance, hold, enter.
    const before = readJournal(home).length;
    await watcher.type('xxx');
    await watcher.press('n');
    await watcher.press('h');
    await watcher.press('enter');
    await watcher.press('A');
    await pause(2_000);
    const after = readJournal(home).slice(before);
    // The engine went on writing its samples; nothing among them came of the watcher's keys: no
    // abort, no hold, no end, and any stage choice is the autopilot's own.
    expect(after.filter((e) => /^rollback\.|auto-rollback\.held|session\.completed/.test(e.type))).toEqual(
      [],
    );
    expect(after.filter((e) => e.type === 'canary.stage.choice' && e.by !== 'rehearsal-autopilot')).toEqual(
      [],
    );
    // The watcher never took the seat: the only screen attached is the conductor's.
    expect(new Set(eventsOf(home, 'session.attached').map((e) => e.pid)).size).toBeLessThanOrEqual(1);

    // The conductor presses x: the watcher sees the rollback.
    await app.type('x');
    const rolled = await watcher.waitForText([/ROLL(ING|ED) BACK/, /why: .*conductor/i], 60_000);
    watcher.show('the watcher after the conductor pressed x');
    expect(rolled).not.toMatch(/x ABORT/);
    const started = eventsOf(home, 'rollback.started');
    expect(started).toHaveLength(1);
    expect(started[0]?.trigger).toBe('conductor');
  }, 300_000);
});
