import { describe, expect, it } from 'vitest';
import { useConductorHome } from './flows.js';
import { eventsOf } from './terminal.js';

describe('an error spike during the canary, on autopilot', () => {
  const e2e = useConductorHome();

  it('rolls back on its own and shows each rollback step', async () => {
    const { home } = e2e;
    const app = e2e.startRehearsal({ scenario: 'error-spike', autopilot: true, speed: 300 });
    await app.waitForText('ABORT & ROLL BACK', 60_000);
    const rolledBack = await app.waitForText('ROLLED BACK', 120_000);
    app.show('error-spike rolled back');
    expect(rolledBack).toMatch(/automatic/i);
    // The traffic revert is read back from AWS: the stable version has everything again.
    expect(rolledBack).toMatch(/verified/);
    expect(rolledBack).toMatch(/v2026\.11\.15\.2 100%/);
    // Each step of the runbook's rollback procedure, with its status.
    expect(rolledBack).toMatch(/✓ reverted +Send all traffic back to the stable/);
    expect(rolledBack).toMatch(/✓ passed +PROD API health after rollback/);

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
  }, 240_000);
});
