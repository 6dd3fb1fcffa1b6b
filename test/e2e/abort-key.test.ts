import { describe, expect, it } from 'vitest';
import { QUICK_FIRST_STAGE, useConductorHome, waitForCanaryStage } from './flows.js';
import { eventsOf, readJournal } from './terminal.js';

interface Split {
  apiGateway?: { canaryPercent: number };
  lambdas: Array<{ functionName: string; additionalWeight: number }>;
}

describe('x in the middle of the 25% stage', () => {
  const e2e = useConductorHome();

  it('rolls back at once, by the conductor, and the traffic is read back on the stable version', async () => {
    const { home } = e2e;
    // 80x: the 15-minute hold at 25% lasts about 11 seconds, ample time to land a key in it; the
    // 10% stage before it holds 5 minutes (about 4 seconds).
    const app = e2e.startRehearsal({
      autopilot: true,
      speed: 80,
      runbook: { canaryMinutes: QUICK_FIRST_STAGE },
    });
    // The stage strip and the split line come from different events: one frame that shows both.
    const during = await waitForCanaryStage(app, 25, { holding: true, also: [/75% .* 25% canary/] });
    expect(during).toMatch(/10% ✓ → \[25%\] → 50%/);
    // Three x in one write, as a laggy link delivers them: an abort, and only one.
    await app.type('xxx');

    await app.waitForText([/ROLL(ING|ED) BACK/, /why: .*conductor/i], 30_000);
    // The banner, the read-back split and the procedure's steps: one frame that shows them all.
    await app.waitForText(
      [
        'ROLLED BACK',
        /Read back from AWS after the revert \(verified\)/,
        /stable v\d{4}\.\d{2}\.\d{2}\.1 100%/,
        /✓ reverted +Send all traffic back to the stable/,
      ],
      120_000,
    );
    app.show('after x at 25%');

    // The journal: the rollback was the conductor's, started while 25% was the live stage.
    const events = readJournal(home);
    const rollbackAt = events.findIndex((e) => e.type === 'rollback.started');
    expect(rollbackAt).toBeGreaterThan(0);
    expect(events[rollbackAt]?.trigger).toBe('conductor');
    expect(events.filter((e) => e.type === 'rollback.started')).toHaveLength(1);
    const stagesBefore = events.slice(0, rollbackAt).filter((e) => e.type === 'canary.stage.started');
    expect(stagesBefore.map((e) => e.weight)).toEqual([10, 25]);
    expect(eventsOf(home, 'canary.stage.started')).toHaveLength(2);

    const reverted = eventsOf(home, 'rollback.traffic-reverted');
    expect(reverted).toHaveLength(1);
    expect(reverted[0]?.verified).toBe(true);
    const split = reverted[0]?.split as Split;
    expect(split.lambdas.length).toBeGreaterThan(0);
    for (const lambda of split.lambdas) expect(lambda.additionalWeight).toBe(0);
    if (split.apiGateway) expect(split.apiGateway.canaryPercent).toBe(0);
    expect(eventsOf(home, 'rollback.completed')[0]?.verified).toBe(true);
  }, 240_000);
});
