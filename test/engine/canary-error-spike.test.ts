import { describe, expect, it } from 'vitest';
import {
  aliasesAtSandbox,
  canaryWeightAtSandbox,
  eventsOf,
  runbookWithCountdown,
  runningRehearsal,
  until,
} from './helpers.js';

describe('error-spike: the automatic rollback', () => {
  it('rolls back by itself in the 50% stage after the sustained breach and its countdown, and leaves no canary traffic', async () => {
    // The countdown runs in real seconds: 3 s instead of the seed's 30 keep the test short.
    const r = await runningRehearsal({
      scenario: 'error-spike',
      advanceBelow: 50,
      runbookFile: runbookWithCountdown('3s'),
    });
    await until(r, () => r.conductor.state.status === 'completed', 'the rollback');
    const s = r.conductor.state;
    expect(s.outcome).toBe('rolled-back');

    // Stages 10% and 25% passed; the breach came at 50%.
    expect(s.canary?.stages.map((x) => x.weight)).toEqual([10, 25, 50]);
    const half = s.canary!.stages[2];
    const verdicts = half.samples.map((x) => x.verdict);
    expect(verdicts.filter((v) => v === 'ROLLBACK').length).toBeGreaterThanOrEqual(3);
    expect(s.canary?.promoted).toBe(false);

    // Armed after the sustained count, fired after the countdown, by the tool itself.
    const [armed] = eventsOf(r, 'canary.auto-rollback.armed');
    const [started] = eventsOf(r, 'rollback.started');
    expect(armed).toBeDefined();
    expect(started.trigger).toBe('automatic');
    expect(started.at).toBeGreaterThanOrEqual(armed.deadline);
    expect(eventsOf(r, 'rollback.completed')).toHaveLength(1);
    const [completed] = eventsOf(r, 'session.completed');
    expect(completed.outcome).toBe('rolled-back');

    // AWS (the sandbox) has no canary traffic and the stage no canary; aliases on the stable version.
    expect(canaryWeightAtSandbox(r)).toBe(0);
    const stage = r.sandbox.world.describe().apiGateway;
    expect(stage?.canary === null || stage?.canary.percentTraffic === 0).toBe(true);
    // Read back over the wire (GetStage, GetAlias) as the conductor would.
    const live = await r.conductor.awsFor().readTrafficSplit(s.rollbackTarget!);
    expect(live.apiGateway?.canaryPercent).toBe(0);
    expect(live.apiGateway?.canaryDeploymentId).toBeUndefined();
    expect(live.lambdas.every((l) => l.additionalWeight === 0)).toBe(true);
    for (const alias of aliasesAtSandbox(r)) {
      expect(alias.functionVersion).toBe(alias.stableVersion);
      expect(Object.keys(alias.additionalVersionWeights)).toEqual([]);
    }
    // The 10.3 PROD rollback notice was rendered.
    expect(s.notifications.some((n) => n.template === 'prod-rollback-completed')).toBe(true);
  }, 60_000);
});
