import { describe, expect, it } from 'vitest';
import {
  judgeSample,
  judgeTarget,
  type SeriesStats,
  type TargetSample,
} from '../../../src/core/canary/judge.js';
import { canaryStepSchema } from '../../../src/core/runbook/schema.js';

// The bands of the bbws PROD canary: pass 0.5% / +10% (5.2), no-go 1% / +20% / no throttle (8.2),
// rollback 5% / 2x baseline (10.1).
const canaryInput = {
  id: 'prod-canary',
  title: 'PROD canary',
  kind: 'canary' as const,
  targets: { lambdas: [{ functionName: 'bbws-prod-order-lambda', alias: 'prod' }] },
  stages: [{ weight: 10, hold: '15m' }],
  bands: {
    pass: { errorRatePct: 0.5, p95OverBaselinePct: 10 },
    nogo: { errorRatePct: 1, p95OverBaselinePct: 20, maxThrottles: 0 },
    rollback: { errorRatePct: 5, p95OverBaselinePct: 100 },
  },
};
const step = canaryStepSchema.parse(canaryInput);

function stats(requests: number, errorRatePct: number, p95Ms: number, throttles = 0): SeriesStats {
  return { requests, errors: Math.round((requests * errorRatePct) / 100), errorRatePct, p95Ms, throttles };
}

const stable = stats(9_000, 0.2, 200);

function sample(canary: SeriesStats, overrides: Partial<TargetSample> = {}): TargetSample {
  return {
    targetId: 'order',
    label: 'bbws-prod-order-lambda',
    canary,
    baseline: stable,
    complete: true,
    ...overrides,
  };
}

describe('judgeTarget: the bands', () => {
  it('PASS inside the pass band, with a reason for each figure', () => {
    const judgement = judgeTarget(step, sample(stats(1_000, 0.3, 210)));
    expect(judgement.verdict).toBe('PASS');
    expect(judgement.reasons).toEqual([
      'Error rate 0.3% within the pass limit of 0.5%.',
      'p95 210 ms (+5% vs baseline 200 ms) within the pass limit of +10%.',
    ]);
    expect(judgement.limits.pass).toEqual({ errorRatePct: 0.5, p95Ms: 220, maxThrottles: undefined });
    expect(judgement.limits.nogo.p95Ms).toBe(240);
    expect(judgement.limits.rollback.p95Ms).toBe(400);
  });

  it('an edge value stays inside its band', () => {
    expect(judgeTarget(step, sample(stats(1_000, 0.5, 220))).verdict).toBe('PASS');
    expect(judgeTarget(step, sample(stats(1_000, 1, 240))).verdict).toBe('WATCH');
    expect(judgeTarget(step, sample(stats(1_000, 5, 400))).verdict).toBe('NO-GO');
  });

  it('WATCH outside the pass band but inside no-go', () => {
    const judgement = judgeTarget(step, sample(stats(1_000, 0.8, 210)));
    expect(judgement.verdict).toBe('WATCH');
    expect(judgement.reasons[0]).toBe('Error rate 0.8% above the pass limit of 0.5%.');
  });

  it('NO-GO beyond the no-go error rate (8.2: > 1%)', () => {
    const judgement = judgeTarget(step, sample(stats(1_000, 1.5, 210)));
    expect(judgement.verdict).toBe('NO-GO');
    expect(judgement.reasons[0]).toBe('Error rate 1.5% above the no-go limit of 1%.');
  });

  it('NO-GO on p95 more than 20% over the baseline', () => {
    const judgement = judgeTarget(step, sample(stats(1_000, 0.1, 250)));
    expect(judgement.verdict).toBe('NO-GO');
    expect(judgement.reasons[0]).toBe('p95 250 ms (+25% vs baseline 200 ms) above the no-go limit of +20%.');
  });

  it('ROLLBACK beyond 5% errors or 2x the baseline p95 (10.1)', () => {
    expect(judgeTarget(step, sample(stats(1_000, 7.2, 210))).reasons[0]).toBe(
      'Error rate 7.2% above the rollback limit of 5%.',
    );
    const slow = judgeTarget(step, sample(stats(1_000, 0.1, 450)));
    expect(slow.verdict).toBe('ROLLBACK');
    expect(slow.reasons[0]).toBe('p95 450 ms (+125% vs baseline 200 ms) above the rollback limit of +100%.');
  });

  it('the worse of error rate and p95 decides, and its reason comes first', () => {
    const judgement = judgeTarget(step, sample(stats(1_000, 0.8, 500)));
    expect(judgement.verdict).toBe('ROLLBACK');
    expect(judgement.reasons[0]).toMatch(/^p95 500 ms/);
    expect(judgement.reasons[1]).toMatch(/^Error rate 0.8%/);
  });
});

describe('judgeTarget: throttles, traffic and data quality', () => {
  it('NO-GO on any throttle (8.2: throttling events > 0)', () => {
    const judgement = judgeTarget(step, sample(stats(1_000, 0.1, 200, 3)));
    expect(judgement.verdict).toBe('NO-GO');
    expect(judgement.reasons[0]).toBe('3 throttle(s), more than the no-go limit of 0.');
  });

  it('judges throttles even when traffic is too low to judge rates', () => {
    expect(judgeTarget(step, sample(stats(10, 0, 200, 1))).verdict).toBe('NO-GO');
  });

  it('INSUFFICIENT below the minimum requests, however bad the rate looks, and says so', () => {
    const judgement = judgeTarget(
      step,
      sample({ requests: 40, errors: 40, errorRatePct: 100, p95Ms: 900, throttles: 0 }),
    );
    expect(judgement.verdict).toBe('INSUFFICIENT');
    expect(judgement.reasons).toEqual([
      'Only 40 canary request(s) (40 failed); at least 50 are needed to judge.',
    ]);
    expect(judgeTarget(step, sample(stats(50, 0.1, 200))).verdict).toBe('PASS');
  });

  it('INSUFFICIENT with no canary traffic at all', () => {
    const none = { requests: 0, errors: 0, errorRatePct: null, p95Ms: null, throttles: 0 };
    expect(judgeTarget(step, sample(none)).verdict).toBe('INSUFFICIENT');
  });

  it('cannot PASS on p95 when the stable version has too little traffic to compare with', () => {
    const emptyBaseline = { requests: 0, errors: 0, errorRatePct: null, p95Ms: null, throttles: 0 };
    const judgement = judgeTarget(step, sample(stats(9_000, 0.1, 210), { baseline: emptyBaseline }));
    expect(judgement.verdict).toBe('INSUFFICIENT');
    expect(judgement.reasons[0]).toBe(
      'p95 210 ms cannot be judged: the stable version had fewer than 50 requests to compare with.',
    );
    expect(judgement.limits.pass.p95Ms).toBeNull();
    // ...but a failing error rate still counts.
    expect(judgeTarget(step, sample(stats(9_000, 6, 210), { baseline: emptyBaseline })).verdict).toBe(
      'ROLLBACK',
    );
  });

  it('an incomplete window cannot pass, but a breach it shows stands', () => {
    const incomplete = judgeTarget(step, sample(stats(1_000, 0.1, 200), { complete: false }));
    expect(incomplete.verdict).toBe('INSUFFICIENT');
    expect(incomplete.reasons[0]).toMatch(/has not reported the whole window yet/);
    expect(judgeTarget(step, sample(stats(1_000, 0.8, 200), { complete: false })).verdict).toBe(
      'INSUFFICIENT',
    );
    expect(judgeTarget(step, sample(stats(1_000, 9, 200), { complete: false })).verdict).toBe('ROLLBACK');
  });

  it('uses a fixed baseline from the runbook instead of the stable series', () => {
    const fixed = canaryStepSchema.parse({ ...canaryInput, baseline: { errorRatePct: 0.2, p95: '300ms' } });
    const judgement = judgeTarget(fixed, sample(stats(1_000, 0.1, 320), { baseline: stats(0, 0, 0) }));
    expect(judgement.limits.baselineP95Ms).toBe(300);
    expect(judgement.verdict).toBe('PASS');
    expect(judgeTarget(fixed, sample(stats(1_000, 0.1, 620))).verdict).toBe('ROLLBACK');
  });

  it('honours the minimum requests the runbook sets', () => {
    const strict = canaryStepSchema.parse({ ...canaryInput, minRequests: 500 });
    expect(judgeTarget(strict, sample(stats(499, 0.1, 200))).verdict).toBe('INSUFFICIENT');
  });
});

describe('judgeSample: the worst target decides', () => {
  const api = sample(stats(5_000, 0.1, 200), { targetId: 'api', label: 'bbws-prod-api prod' });

  it('PASS only when every target passes', () => {
    const result = judgeSample(step, { targets: [api, sample(stats(800, 0.2, 205))] });
    expect(result.verdict).toBe('PASS');
    expect(result.reasons).toEqual(['All 2 target(s) within the pass band.']);
    expect(result.targets).toHaveLength(2);
  });

  it('one failing Lambda decides the sample, named in the reason', () => {
    const result = judgeSample(step, { targets: [api, sample(stats(800, 6, 205))] });
    expect(result.verdict).toBe('ROLLBACK');
    expect(result.reasons).toEqual(['bbws-prod-order-lambda: Error rate 6% above the rollback limit of 5%.']);
  });

  it('INSUFFICIENT outranks WATCH: an unknown never looks better than a known concern', () => {
    const result = judgeSample(step, { targets: [sample(stats(800, 0.8, 200)), sample(stats(10, 0, 200))] });
    expect(result.verdict).toBe('INSUFFICIENT');
  });

  it('NO-GO outranks INSUFFICIENT', () => {
    const result = judgeSample(step, { targets: [sample(stats(800, 2, 200)), sample(stats(10, 0, 200))] });
    expect(result.verdict).toBe('NO-GO');
  });

  it('a failed poll is STALE, with its reason', () => {
    const result = judgeSample(step, { stale: true, reason: 'GetMetricData timed out after 10s.' });
    expect(result).toEqual({
      verdict: 'STALE',
      targets: [],
      reasons: ['Metrics are stale: GetMetricData timed out after 10s.'],
    });
  });

  it('a sample with no targets is INSUFFICIENT', () => {
    expect(judgeSample(step, { targets: [] }).verdict).toBe('INSUFFICIENT');
  });
});

describe('judgeTarget: a target judged on its own metrics (issue 13.2)', () => {
  const custom = canaryStepSchema.parse({
    ...canaryInput,
    targets: {
      lambdas: [
        {
          functionName: 'bbws-prod-order-lambda',
          alias: 'prod',
          metrics: {
            versionDimension: 'FunctionVersion',
            errors: {
              numerator: { namespace: 'Shop/Orders', metric: 'OrdersFailed' },
              denominator: { namespace: 'Shop/Orders', metric: 'OrdersPlaced' },
            },
            latency: { namespace: 'Shop/Orders', metric: 'CheckoutTime', stat: 'p99' },
          },
        },
      ],
    },
  });
  const target = { targetId: 'bbws-prod-order-lambda', label: 'bbws-prod-order-lambda:prod' };

  it('names the declared error metric and sets the canary’s rate beside the baseline’s', () => {
    const judgement = judgeTarget(custom, sample(stats(1_000, 6, 210), target));
    expect(judgement.verdict).toBe('ROLLBACK');
    expect(judgement.reasons[0]).toBe(
      'OrdersFailed/OrdersPlaced error rate 6% (baseline 0.2%) above the rollback limit of 5%.',
    );
    expect(judgement.reasons[1]).toBe(
      'CheckoutTime p99 210 ms (+5% vs baseline 200 ms) within the pass limit of +10%.',
    );
  });

  it('a healthy canary on the declared metrics passes', () => {
    const judgement = judgeTarget(custom, sample(stats(1_000, 0.3, 205), target));
    expect(judgement.verdict).toBe('PASS');
    expect(judgement.reasons[0]).toBe(
      'OrdersFailed/OrdersPlaced error rate 0.3% (baseline 0.2%) within the pass limit of 0.5%.',
    );
  });

  it('another target of the same step without a metrics block keeps the plain wording', () => {
    const judgement = judgeTarget(custom, sample(stats(1_000, 0.3, 205), { targetId: 'other' }));
    expect(judgement.reasons[0]).toBe('Error rate 0.3% within the pass limit of 0.5%.');
  });
});
