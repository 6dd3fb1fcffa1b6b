import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeSample, judgeTarget, type SeriesStats } from '../../../src/core/canary/judge.js';
import { rollbackStreak, shouldAutoRollback } from '../../../src/core/canary/stage.js';
import { type Verdict, verdictRank } from '../../../src/core/canary/verdict.js';
import { canaryStepSchema } from '../../../src/core/runbook/schema.js';

const step = canaryStepSchema.parse({
  id: 'prod-canary',
  title: 'PROD canary',
  kind: 'canary',
  targets: { lambdas: [{ functionName: 'fn', alias: 'prod' }] },
  stages: [{ weight: 10, hold: '15m' }],
  bands: {
    pass: { errorRatePct: 0.5, p95OverBaselinePct: 10 },
    nogo: { errorRatePct: 1, p95OverBaselinePct: 20, maxThrottles: 0 },
    rollback: { errorRatePct: 5, p95OverBaselinePct: 100 },
  },
});

const seriesArb = fc.record({
  requests: fc.integer({ min: 0, max: 5_000 }),
  errorRatePct: fc.double({ min: 0, max: 100, noNaN: true }),
  p95Ms: fc.double({ min: 1, max: 5_000, noNaN: true }),
  throttles: fc.integer({ min: 0, max: 5 }),
});

function toStats(s: {
  requests: number;
  errorRatePct: number;
  p95Ms: number;
  throttles: number;
}): SeriesStats {
  return s.requests === 0
    ? { requests: 0, errors: 0, errorRatePct: null, p95Ms: null, throttles: s.throttles }
    : { ...s, errors: Math.round((s.requests * s.errorRatePct) / 100) };
}

describe('judge (property)', () => {
  it('a worse canary never gets a better verdict', () => {
    fc.assert(
      fc.property(
        seriesArb,
        seriesArb,
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 3_000, noNaN: true }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        (canary, baseline, moreErrors, moreLatency, moreThrottles, complete) => {
          const better = toStats(canary);
          const worse = toStats({
            ...canary,
            errorRatePct: Math.min(100, canary.errorRatePct + moreErrors),
            p95Ms: canary.p95Ms + moreLatency,
            throttles: canary.throttles + moreThrottles,
          });
          const target = { targetId: 't', label: 't', baseline: toStats(baseline), complete };
          const a = judgeTarget(step, { ...target, canary: better });
          const b = judgeTarget(step, { ...target, canary: worse });
          // Among measured verdicts (not INSUFFICIENT), worse inputs never rank lower.
          if (a.verdict !== 'INSUFFICIENT' && b.verdict !== 'INSUFFICIENT') {
            expect(verdictRank(b.verdict)).toBeGreaterThanOrEqual(verdictRank(a.verdict));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never PASSes on too little traffic, an incomplete window or a thin baseline', () => {
    fc.assert(
      fc.property(seriesArb, seriesArb, fc.boolean(), (canary, baseline, complete) => {
        const verdict = judgeTarget(step, {
          targetId: 't',
          label: 't',
          canary: toStats(canary),
          baseline: toStats(baseline),
          complete,
        }).verdict;
        if (canary.requests < step.minRequests || !complete || baseline.requests < step.minRequests) {
          expect(verdict).not.toBe('PASS');
          expect(verdict).not.toBe('WATCH');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('the sample verdict is the worst of its targets', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(seriesArb, seriesArb), { minLength: 1, maxLength: 5 }), (pairs) => {
        const targets = pairs.map(([c, b], i) => ({
          targetId: `t${i}`,
          label: `t${i}`,
          canary: toStats(c),
          baseline: toStats(b),
          complete: true,
        }));
        const result = judgeSample(step, { targets });
        const worst = Math.max(...result.targets.map((t) => verdictRank(t.verdict)));
        expect(verdictRank(result.verdict)).toBe(worst);
      }),
      { numRuns: 500 },
    );
  });

  it('automatic rollback happens only after `sustained` ROLLBACK samples with no measured recovery between', () => {
    const verdictArb = fc.constantFrom<Verdict>(
      'PASS',
      'WATCH',
      'NO-GO',
      'ROLLBACK',
      'INSUFFICIENT',
      'STALE',
    );
    fc.assert(
      fc.property(fc.array(verdictArb, { maxLength: 30 }), (verdicts) => {
        const measured = verdicts.filter((v) => v !== 'STALE' && v !== 'INSUFFICIENT');
        let tail = 0;
        while (tail < measured.length && measured[measured.length - 1 - tail] === 'ROLLBACK') tail++;
        expect(rollbackStreak(verdicts)).toBe(tail);
        expect(shouldAutoRollback(step, verdicts)).toBe(tail >= step.sustained);
      }),
      { numRuns: 500 },
    );
  });
});
