import { describe, expect, it } from 'vitest';
import { canaryWeightAtSandbox, eventsOf, rehearse, requestsTo, until } from './helpers.js';

/**
 * Issue 13.2: a runbook whose canary declares its own error metric (Shop/Orders OrdersFailed over
 * OrdersPlaced, per FunctionVersion) and latency (CheckoutTime p95) is judged on them, canary
 * against baseline, and rehearses like any other: healthy promotes (its monitor's own metrics stay
 * inside their limits), error-spike rolls back.
 */

const RUNBOOK = 'test/fixtures/runbooks/good/custom-metrics.yaml';

describe('a canary on the team’s own metrics', () => {
  it('healthy: judges the declared series, promotes and monitors to the end', async () => {
    const r = await rehearse({ scenario: 'healthy', runbookFile: RUNBOOK, promotionId: 'staging-to-live' });
    void r.conductor.start();
    await until(r, () => r.conductor.state.status === 'completed', 'the promotion', 150_000);
    const s = r.conductor.state;
    expect(s.outcome).toBe('promoted');
    expect(s.canary?.stages.map((x) => x.weight)).toEqual([20, 50, 100]);

    // The samples name the declared metric and set the canary beside the stable version.
    const passed = eventsOf(r, 'canary.sample').find(
      (x) => x.stage === 0 && x.targets[0]?.verdict === 'PASS',
    );
    expect(passed).toBeDefined();
    const target = passed!.targets[0];
    expect(target.reasons.join(' ')).toMatch(
      /OrdersFailed\/OrdersPlaced error rate [\d.]+% \(baseline [\d.]+%\) within the pass limit of 1%/,
    );
    expect(target.reasons.join(' ')).toMatch(/CheckoutTime p95 \d+ ms/);
    // Both sides had requests: the declared denominator counted them (20% canary, 80% stable).
    expect(target.canary.requests).toBeGreaterThan(0);
    expect(target.baseline.requests).toBeGreaterThan(target.canary.requests);

    // The conductor asked CloudWatch for the declared series, each side by its own version.
    const [asked] = requestsTo(r, 'cloudwatch', 'GetMetricData');
    const queries = (asked.input as { MetricDataQueries: Array<{ MetricStat?: { Metric: unknown } }> })
      .MetricDataQueries;
    const declared = queries
      .map((q) => q.MetricStat?.Metric as { Namespace: string; MetricName: string; Dimensions: unknown[] })
      .filter((m) => m?.Namespace === 'Shop/Orders');
    expect(declared.map((m) => m.MetricName)).toEqual([
      'OrdersPlaced',
      'OrdersFailed',
      'CheckoutTime',
      'OrdersPlaced',
      'OrdersFailed',
      'CheckoutTime',
    ]);
    const versions = s.rollbackTarget!.lambdas[0];
    expect(declared[0].Dimensions).toEqual([
      { Name: 'Service', Value: 'shop-orders' },
      { Name: 'FunctionVersion', Value: versions.canaryVersion },
    ]);
    expect(declared[3].Dimensions).toContainEqual({ Name: 'FunctionVersion', Value: versions.stableVersion });

    // Monitoring judged the extra metrics healthy: no breach of their limits, no rollback.
    const monitored = s.canary?.monitor?.samples ?? [];
    expect(monitored.length).toBeGreaterThan(5);
    for (const x of monitored)
      expect(x.reasons.join(' ')).not.toMatch(/Payment declines|Checkout sessions|queue age/);
    expect(eventsOf(r, 'rollback.started')).toEqual([]);
    expect(canaryWeightAtSandbox(r)).toBe(100);
  }, 180_000);

  it('error-spike: the declared error rate breaches the rollback band at 50% and rolls back by itself', async () => {
    const r = await rehearse({
      scenario: 'error-spike',
      runbookFile: RUNBOOK,
      promotionId: 'staging-to-live',
    });
    void r.conductor.start();
    await until(r, () => r.conductor.state.status === 'completed', 'the rollback', 150_000);
    const s = r.conductor.state;
    expect(s.outcome).toBe('rolled-back');
    expect(s.canary?.stages.map((x) => x.weight)).toEqual([20, 50]);
    const breaches = s.canary!.stages[1].samples.filter((x) => x.verdict === 'ROLLBACK');
    expect(breaches.length).toBeGreaterThanOrEqual(3);
    expect(breaches.at(-1)!.reasons[0]).toMatch(
      /shop-orders:live: OrdersFailed\/OrdersPlaced error rate [\d.]+% \(baseline [\d.]+%\) above the rollback limit of 5%/,
    );
    const [started] = eventsOf(r, 'rollback.started');
    expect(started.trigger).toBe('automatic');
    expect(canaryWeightAtSandbox(r)).toBe(0);
  }, 180_000);
});
