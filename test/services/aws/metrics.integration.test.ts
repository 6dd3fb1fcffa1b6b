import { afterEach, describe, expect, it } from 'vitest';
import { fetchMetrics } from '../../../src/services/aws/metrics.js';
import { readRollbackTarget, rollback, setCanaryWeight } from '../../../src/services/aws/traffic.js';
import type { Clock } from '../../../src/services/clock.js';
import { type Rehearsal, rehearse } from './sandbox-setup.js';

const minute = 60_000;
let rehearsal: Rehearsal | undefined;
afterEach(async () => {
  await rehearsal?.close();
  rehearsal = undefined;
});

/** Waits until the (accelerated) clock has reached `at`. */
async function clockReaches(clock: Clock, at: number): Promise<void> {
  while (clock.now() < at) await clock.sleep(at - clock.now());
}

const nextMinute = (at: number) => Math.ceil(at / minute) * minute;

describe('metrics against the sandbox', () => {
  it('sees a latency regression on the canary, and the canary go quiet after a rollback', async () => {
    rehearsal = await rehearse({ scenario: 'latency-regression', speed: 600 });
    const { clients, clock, canary } = rehearsal;
    const target = await readRollbackTarget(clients, canary.targets);
    await setCanaryWeight(clients, target, 25);

    const start = nextMinute(clock.now());
    const end = start + 3 * minute;
    await clockReaches(clock, end);
    const during = await fetchMetrics(clients.cloudwatch, {
      targets: canary.targets,
      rollbackTarget: target,
      periodSec: 60,
      start,
      end,
    });

    expect(during.calls).toBe(1);
    expect(during.targets.map((sample) => sample.targetId)).toEqual([
      'apigateway',
      ...canary.targets.lambdas.map((lambda) => lambda.functionName),
    ]);
    for (const sample of during.targets) {
      expect(sample.complete).toBe(true);
      expect(sample.canary.requests).toBeGreaterThan(0);
      // A quarter of the traffic: clearly fewer canary requests than baseline ones.
      expect(sample.canary.requests).toBeLessThan(sample.baseline.requests);
      expect(sample.canary.p95Ms).not.toBeNull();
      expect(sample.canary.p95Ms!).toBeGreaterThan(2 * sample.baseline.p95Ms!);
      expect(sample.canary.errorRatePct).not.toBeNull();
    }

    await rollback(clients, target, { promoted: false });
    const after = nextMinute(clock.now());
    await clockReaches(clock, after + 2 * minute);
    const quiet = await fetchMetrics(clients.cloudwatch, {
      targets: canary.targets,
      rollbackTarget: target,
      periodSec: 60,
      start: after,
      end: after + 2 * minute,
    });
    for (const sample of quiet.targets) {
      expect(sample.canary.requests).toBe(0);
      expect(sample.canary.errorRatePct).toBeNull();
      expect(sample.baseline.requests).toBeGreaterThan(0);
    }
  });

  it('flags the minute that is still running as incomplete', async () => {
    rehearsal = await rehearse({ speed: 60 });
    const { clients, clock, canary } = rehearsal;
    const target = await readRollbackTarget(clients, canary.targets);
    const now = clock.now();
    const snapshot = await fetchMetrics(clients.cloudwatch, {
      targets: canary.targets,
      rollbackTarget: target,
      periodSec: 60,
      now,
      start: Math.floor(now / minute) * minute - 2 * minute,
      // The window ends a minute from now: its newest period cannot have data yet.
      end: Math.floor(now / minute) * minute + minute,
    });
    expect(snapshot.targets.some((sample) => sample.complete)).toBe(false);
    expect(snapshot.targets[0].baseline.requests).toBeGreaterThan(0);
  });
});
