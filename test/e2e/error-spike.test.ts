import { describe, expect, it } from 'vitest';
import { QUICK_TO_HALF, useConductorHome } from './flows.js';
import { eventsOf } from './terminal.js';

describe('an error spike during the canary, on autopilot', () => {
  const e2e = useConductorHome();

  it('rolls back on its own and shows each rollback step', async () => {
    const { home } = e2e;
    // x120, not faster (as hold-at-once.test.ts): at x300 a poll has 0.2 real s to be answered, and
    // on two busy cores most were STALE; the stage then stopped for a decision instead of judging,
    // and the rehearsal's 4 clock hours of window (48 real s at x300) closed before the spike.
    // The automatic rollback's countdown is real seconds: 10 of them here, not the shipped 30.
    const app = e2e.startRehearsal({
      scenario: 'error-spike',
      autopilot: true,
      speed: 120,
      runbook: { rollbackCountdown: '10s', canaryMinutes: QUICK_TO_HALF },
    });
    // Checklist, approvals and go/no-go first: the budget the other canary tests give them.
    await app.waitForText('ABORT & ROLL BACK', 120_000);
    // One frame with all of it: the banner, why, the read-back split and each procedure step.
    await app.waitForText(
      [
        'ROLLED BACK',
        /automatic/i,
        // The traffic revert is read back from AWS: the stable version has everything again.
        /verified/,
        /v\d{4}\.\d{2}\.\d{2}\.1 100%/,
        // Each step of the runbook's rollback procedure, with its status.
        /✓ reverted +Send all traffic back to the stable/,
        /✓ passed +PROD API health after rollback/,
      ],
      120_000,
    );
    app.show('error-spike rolled back');

    const started = eventsOf(home, 'rollback.started');
    expect(started).toHaveLength(1);
    expect(started[0]?.trigger).toBe('automatic');
    expect(eventsOf(home, 'rollback.completed')[0]?.verified).toBe(true);
    // Never promoted: the canary did not reach 100%.
    expect(eventsOf(home, 'canary.promoted')).toHaveLength(0);

    // Once the rollback is over, q leaves at once and gives the terminal back as it was.
    await app.press('q');
    const exit = await app.waitForExit(30_000);
    expect(exit.exitCode).toBe(0);
    expect(app.onAltScreen).toBe(false);
  }, 300_000);
});
