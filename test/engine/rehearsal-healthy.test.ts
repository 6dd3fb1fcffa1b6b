import { describe, expect, it } from 'vitest';
import { canaryWeightAtSandbox, rehearse, until } from './helpers.js';

describe('healthy: the real runner against the sandbox', () => {
  it('passes all four stages, promotes, monitors to the end, and leaves all traffic on the new version', async () => {
    const r = await rehearse({ scenario: 'healthy' });
    void r.conductor.start();
    await until(r, () => r.conductor.state.status === 'completed', 'the promotion');
    const s = r.conductor.state;
    expect(s.outcome).toBe('promoted');
    expect(s.canary?.stages.map((x) => x.weight)).toEqual([10, 25, 50, 100]);
    expect(s.canary?.stages.every((x) => x.completedAt !== undefined)).toBe(true);
    expect(s.canary?.promoted).toBe(true);
    expect(s.canary?.monitor?.samples.length).toBeGreaterThan(10);
    // After promotion the stage itself serves the new version: monitoring judges it, not an empty canary stage.
    const monitored = s.canary?.monitor?.samples ?? [];
    expect(monitored.filter((x) => x.verdict === 'PASS').length).toBeGreaterThan(monitored.length / 2);
    expect(s.steps.every((x) => x.status === 'passed')).toBe(true);
    // The sandbox (standing for AWS) has the new version everywhere and no canary left.
    const split = s.lastSplit;
    expect(split?.apiGateway?.canaryPercent).toBe(0);
    const target = s.rollbackTarget!;
    for (const lambda of split?.lambdas ?? []) {
      const recorded = target.lambdas.find((l) => l.functionName === lambda.functionName)!;
      expect(lambda.primaryVersion).toBe(recorded.canaryVersion);
      expect(lambda.additionalWeight).toBe(0);
    }
    expect(canaryWeightAtSandbox(r)).toBe(100);
    // The go/no-go had every input it needs.
    expect(s.gonogo?.decision).toBe('GO-EXTRA-MONITORING');
  }, 120_000);
});
