import { describe, expect, it } from 'vitest';
import { canaryWeightAtSandbox, eventsOf, runbookWithCountdown, runningRehearsal, until } from './helpers.js';

describe('latency-regression: rollback on p95', () => {
  it('rolls back automatically when the canary p95 stays above twice the baseline, and says p95 is why', async () => {
    // The countdown runs in real seconds: 3 s instead of the seed's 30 keep the test short.
    const r = await runningRehearsal({
      scenario: 'latency-regression',
      advanceBelow: 25,
      runbookFile: runbookWithCountdown('3s'),
    });
    await until(r, () => r.conductor.state.status === 'completed', 'the rollback');
    const s = r.conductor.state;
    expect(s.outcome).toBe('rolled-back');
    // Healthy at 10%; the regression starts at 25%, so the canary never gets past that stage.
    expect(s.canary?.stages.map((x) => x.weight)).toEqual([10, 25]);
    const breaches = s.canary!.stages[1].samples.filter((x) => x.verdict === 'ROLLBACK');
    expect(breaches.length).toBeGreaterThanOrEqual(3);
    for (const sample of breaches) expect(sample.reasons.join(' ')).toMatch(/p95/);
    // Errors stayed normal: no rollback sample blames the error rate.
    for (const sample of breaches)
      expect(sample.reasons.join(' ')).not.toMatch(/Error rate .* above the rollback/);
    const [started] = eventsOf(r, 'rollback.started');
    expect(started.trigger).toBe('automatic');
    expect(canaryWeightAtSandbox(r)).toBe(0);
  }, 60_000);
});
