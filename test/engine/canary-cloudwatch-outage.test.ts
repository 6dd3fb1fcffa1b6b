import { describe, expect, it } from 'vitest';
import { eventsOf, requestsTo, runningRehearsal, until } from './helpers.js';

describe('cloudwatch-outage: GetMetricData hangs for four minutes', () => {
  // 120x, not 600x: a poll is STALE after its period (here half a real second), so the eight-minute
  // outage lasts long enough in real time for the two stale polls that hold the timer.
  it('judges STALE, holds the stage timer, never advances during the outage, and completes the stage once metrics return', async () => {
    const r = await runningRehearsal({ scenario: 'cloudwatch-outage', speed: 120 });
    await until(r, () => (r.conductor.state.canary?.stages.length ?? 0) >= 2, 'the second stage', 60_000);
    const first = r.conductor.state.canary!.stages[0];
    const stale = first.samples.filter((x) => x.verdict === 'STALE');
    expect(stale.length).toBeGreaterThanOrEqual(2);
    expect(stale[0].reasons[0]).toMatch(/CloudWatch did not answer within the 60 s poll period/);

    // The timer held itself at the second stale poll and ran again at the first fresh sample.
    const [paused] = eventsOf(r, 'canary.paused');
    const [resumed] = eventsOf(r, 'canary.resumed');
    expect(paused.by).toBe('metrics-stale');
    expect(resumed.by).toBe('metrics-stale');
    expect(resumed.at).toBeGreaterThan(paused.at);
    expect(first.samples.find((x) => x.at >= resumed.at)?.verdict).not.toBe('STALE');
    expect(first.pausedMs).toBe(resumed.at - paused.at);

    // Never advanced while the metrics were missing: the 25% shift came after the full hold,
    // counting none of the stale stretch.
    const shiftTo25 = eventsOf(r, 'traffic.shifted').find((e) => e.weight === 25)!;
    expect(shiftTo25.at).toBeGreaterThan(resumed.at);
    expect(shiftTo25.at - first.startedAt).toBeGreaterThanOrEqual(first.holdMs + first.pausedMs);
    expect(requestsTo(r, 'apigateway', 'UpdateStage').filter((q) => q.at < resumed.at)).toHaveLength(1);

    // Recovered: the stage ended on judged samples and completed.
    expect(first.samples.slice(-3).every((x) => x.verdict === 'PASS')).toBe(true);
    expect(first.completedAt).toBeDefined();
  }, 70_000);
});
