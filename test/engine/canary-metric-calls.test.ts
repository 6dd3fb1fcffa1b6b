import { describe, expect, it } from 'vitest';
import { advanceAsksBelow, eventsOf, rehearse, until } from './helpers.js';

describe('one GetMetricData call per poll', () => {
  it('asks CloudWatch once per judged sample, whatever the number of targets and series', async () => {
    const r = await rehearse({ scenario: 'healthy' });
    advanceAsksBelow(r, 101);
    let calls = 0;
    r.sandbox.onRequest((q) => {
      if (q.service === 'cloudwatch' && q.operation === 'GetMetricData') calls++;
    });
    // At each sample the poll that made it has had its answer: calls so far == samples so far.
    const mismatches: string[] = [];
    let seen = 0;
    r.conductor.subscribe((s) => {
      const samples =
        (s.canary?.stages.reduce((n, stage) => n + stage.samples.length, 0) ?? 0) +
        (s.canary?.monitor?.samples.length ?? 0);
      if (samples === seen) return;
      seen = samples;
      if (calls !== samples) mismatches.push(`${calls} GetMetricData calls for ${samples} samples`);
    });
    void r.conductor.start();
    await until(r, () => (r.conductor.state.canary?.monitor?.samples.length ?? 0) >= 5, 'monitoring samples');
    r.conductor.stop();
    const samples = eventsOf(r, 'canary.sample');
    // Four stages and the monitoring, each sample judging the four targets.
    expect(samples.length).toBeGreaterThan(20);
    expect(samples[samples.length - 1].targets).toHaveLength(4);
    expect(mismatches).toEqual([]);
    // The conductor counts the calls that answered: a poll that outlived its period on a busy
    // machine (a STALE sample) was asked once too, but gave nothing to count.
    expect(r.conductor.awsCalls.metrics).toBe(samples.filter((s) => s.verdict !== 'STALE').length);
  }, 60_000);
});
