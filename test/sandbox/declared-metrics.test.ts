import { describe, expect, it } from 'vitest';
import { type Dimension, seriesKey, statisticOf } from '../../src/sandbox/metrics.js';
import { findScenario } from '../../src/sandbox/scenarios.js';
import { MINUTE_MS, World } from '../../src/sandbox/world.js';
import type { Clock } from '../../src/services/clock.js';
import { loadRunbook } from './helpers.js';

/**
 * The sandbox serves every metric a runbook declares (issue 13.2): a canary target's own error and
 * latency series, per version, from the same simulated requests as the AWS series; and a monitor's
 * extra metrics at healthy values by what the runbook says of them, failures shaped by the scenario.
 */

const RUNBOOK = 'test/fixtures/runbooks/good/custom-metrics.yaml';
const START = 1_800_000_000_000 - (1_800_000_000_000 % MINUTE_MS);

function worldOf(scenarioName: string): World {
  const scenario = findScenario(scenarioName);
  if (!scenario) throw new Error(`no scenario ${scenarioName}`);
  let now = START;
  const clock: Clock = { now: () => now, sleep: async () => undefined, speed: 1 };
  const world = new World({ runbook: loadRunbook(RUNBOOK), scenario, clock });
  // Half the alias's traffic on the new version (42) from the first minute on.
  world.moveTraffic({ aliasWeight: 0.5 }, START);
  now = START + 10 * MINUTE_MS;
  return world;
}

function dims(entries: Record<string, string>): Dimension[] {
  return Object.entries(entries).map(([Name, Value]) => ({ Name, Value }));
}

/** A statistic of one complete minute of a series (the third minute: the split is long in place). */
function stat(
  world: World,
  namespace: string,
  metric: string,
  dimensions: Record<string, string>,
  statistic: string,
) {
  const minute = START / MINUTE_MS + 2;
  const bucket = world
    .minute(minute, (minute + 1) * MINUTE_MS)
    ?.get(seriesKey(namespace, metric, dims(dimensions)));
  return bucket ? statisticOf(bucket, statistic) : undefined;
}

function orders(world: World, metric: string, version: string, statistic = 'Sum') {
  return stat(world, 'Shop/Orders', metric, { Service: 'shop-orders', FunctionVersion: version }, statistic);
}

describe('a canary target’s declared metrics', () => {
  it('healthy: each version’s own counts and latency, few failures on either side', () => {
    const world = worldOf('healthy');
    for (const version of ['42', '41']) {
      const placed = orders(world, 'OrdersPlaced', version)!;
      // 6000 requests a minute, half on each version.
      expect(placed).toBeGreaterThan(2_500);
      expect(placed).toBeLessThan(3_500);
      expect(orders(world, 'OrdersFailed', version)! / placed).toBeLessThan(0.005);
      const p95 = orders(world, 'CheckoutTime', version, 'p95')!;
      expect(p95).toBeGreaterThan(150);
      expect(p95).toBeLessThan(215);
    }
  });

  it('error-spike: the canary’s own failure count follows the scenario, the stable one’s does not', () => {
    const world = worldOf('error-spike');
    const canaryRate = orders(world, 'OrdersFailed', '42')! / orders(world, 'OrdersPlaced', '42')!;
    const stableRate = orders(world, 'OrdersFailed', '41')! / orders(world, 'OrdersPlaced', '41')!;
    expect(canaryRate).toBeGreaterThan(0.06);
    expect(canaryRate).toBeLessThan(0.1);
    expect(stableRate).toBeLessThan(0.005);
  });
});

describe('a monitor’s extra metrics', () => {
  it('healthy: inside every declared limit, whatever the unit and statistic', () => {
    const world = worldOf('healthy');
    // A Sum with a max of 5000 over the 5-minute window: a fifth of half the max a minute (it
    // used to be 0.3 * max a second, about 90,000 a minute).
    const sessions = stat(world, 'Shop/Orders', 'CheckoutSessions', { Service: 'shop-orders' }, 'Sum')!;
    expect(sessions).toBeGreaterThan(400);
    expect(sessions).toBeLessThan(600);
    // An error count: 0 while the release is healthy.
    expect(stat(world, 'Shop/Payments', 'PaymentDeclines', { Service: 'shop-payments' }, 'Sum')).toBe(0);
    // Milliseconds with a max of 2000: near half of it, the highest second still below the max.
    const age = stat(world, 'Shop/Fulfilment', 'OldestMessageAge', {}, 'Maximum')!;
    expect(age).toBeGreaterThan(1_000);
    expect(age).toBeLessThan(2_000);
    expect(stat(world, 'Shop/Fulfilment', 'OldestMessageAge', {}, 'Average')).toBeCloseTo(1_000, -2);
  });

  it('error-spike: the error count rises with the canary’s extra failures', () => {
    const world = worldOf('error-spike');
    // 100 requests a second, half on the canary failing 8% instead of 0.05%: about 240 a minute.
    const declines = stat(world, 'Shop/Payments', 'PaymentDeclines', { Service: 'shop-payments' }, 'Sum')!;
    expect(declines).toBeGreaterThan(200);
    expect(declines).toBeLessThan(280);
  });
});
