import { describe, expect, it } from 'vitest';
import { canaryWeightAtSandbox, eventsOf, runningRehearsal, until } from './helpers.js';

describe('throttled: CloudWatch answers half the calls with Throttling', () => {
  it('retries through the throttling, completes the promotion, and the retries are in the journal', async () => {
    // On the accelerated wall clock, one file at a time (vitest.config.ts): on the virtual clock its
    // monitoring once judged 7 samples, not 119, beside another file (not understood yet).
    const r = await runningRehearsal({ scenario: 'throttled', advanceBelow: 101, wallClock: true });
    await until(r, () => r.conductor.state.status === 'completed', 'the promotion', 70_000);
    const s = r.conductor.state;
    expect(s.outcome).toBe('promoted');
    expect(s.canary?.stages.map((x) => x.weight)).toEqual([10, 25, 50, 100]);
    const retries = eventsOf(r, 'aws.retry');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.some((e) => /GetMetricData/.test(e.operation))).toBe(true);
    expect(retries.some((e) => /throttl/i.test(e.error))).toBe(true);
    // Journaled once per distinct error with the count of retries each line stands for (issue 12.7).
    expect(s.retries).toBe(retries.reduce((n, e) => n + (e.count ?? 1), 0));
    expect(retries.length).toBeLessThan(s.retries);
    // Throttling never turned into missing data: every stage and the monitoring judged real samples.
    for (const stage of s.canary?.stages ?? [])
      expect(stage.samples.some((x) => x.verdict === 'PASS')).toBe(true);
    expect(s.canary?.monitor?.samples.filter((x) => x.verdict === 'PASS').length).toBeGreaterThan(10);
    expect(canaryWeightAtSandbox(r)).toBe(100);
  }, 90_000);
});
