import { describe, expect, it } from 'vitest';
import {
  endOfStage,
  metricsStale,
  metricsStaleAfterMs,
  realTimeDeadline,
  realTimeRemaining,
  rollbackCounts,
  rollbackStreak,
  shouldAutoRollback,
  staleStreak,
} from '../../../src/core/canary/stage.js';
import { canaryStepSchema } from '../../../src/core/runbook/schema.js';

const canaryInput = {
  id: 'prod-canary',
  title: 'PROD canary',
  kind: 'canary' as const,
  targets: { lambdas: [{ functionName: 'bbws-prod-order-lambda', alias: 'prod' }] },
  stages: [{ weight: 10, hold: '15m' }],
  bands: {
    pass: { errorRatePct: 0.5, p95OverBaselinePct: 10 },
    nogo: { errorRatePct: 1, p95OverBaselinePct: 20 },
    rollback: { errorRatePct: 5, p95OverBaselinePct: 100 },
  },
};
const step = canaryStepSchema.parse(canaryInput);
const T0 = Date.UTC(2026, 10, 29, 20, 0);

describe('rollback streak and automatic rollback (10.2 "persistent", sustained 3 by default)', () => {
  it('counts the ROLLBACK samples at the end', () => {
    expect(rollbackStreak(['PASS', 'ROLLBACK', 'ROLLBACK'])).toBe(2);
    expect(rollbackStreak(['ROLLBACK', 'PASS'])).toBe(0);
    expect(rollbackStreak([])).toBe(0);
  });

  it('a measured sample outside the rollback band breaks the streak; a stale or thin one does not', () => {
    expect(rollbackStreak(['ROLLBACK', 'NO-GO', 'ROLLBACK'])).toBe(1);
    expect(rollbackStreak(['ROLLBACK', 'WATCH', 'ROLLBACK'])).toBe(1);
    expect(rollbackStreak(['ROLLBACK', 'STALE', 'ROLLBACK', 'INSUFFICIENT', 'ROLLBACK'])).toBe(3);
  });

  it('shows each sample its count toward `sustained`, never past it, as the streak counts it', () => {
    expect(
      rollbackCounts(['PASS', 'ROLLBACK', 'ROLLBACK', 'STALE', 'ROLLBACK', 'ROLLBACK', 'ROLLBACK'], 3),
    ).toEqual([undefined, 1, 2, undefined, 3, 3, 3]);
    expect(rollbackCounts(['ROLLBACK', 'WATCH', 'ROLLBACK'], 3)).toEqual([1, undefined, 1]);
  });

  it('rolls back automatically after `sustained` samples in a row, not one earlier', () => {
    expect(step.sustained).toBe(3);
    expect(shouldAutoRollback(step, ['ROLLBACK', 'ROLLBACK'])).toBe(false);
    expect(shouldAutoRollback(step, ['ROLLBACK', 'ROLLBACK', 'ROLLBACK'])).toBe(true);
    expect(shouldAutoRollback(step, ['ROLLBACK', 'ROLLBACK', 'PASS', 'ROLLBACK'])).toBe(false);
  });

  it('never rolls back by itself when the runbook disables it, and honours its own sustained count', () => {
    const manual = canaryStepSchema.parse({ ...canaryInput, autoRollback: false });
    expect(shouldAutoRollback(manual, ['ROLLBACK', 'ROLLBACK', 'ROLLBACK', 'ROLLBACK'])).toBe(false);
    const quick = canaryStepSchema.parse({ ...canaryInput, sustained: 1 });
    expect(shouldAutoRollback(quick, ['PASS', 'ROLLBACK'])).toBe(true);
  });

  it('counts down before the automatic rollback', () => {
    expect(step.rollbackCountdown).toBe(30_000);
    const deadline = realTimeDeadline(T0, step.rollbackCountdown, 1);
    expect(realTimeRemaining(deadline, T0 + 10_000)).toBe(20_000);
    expect(realTimeRemaining(deadline, T0 + 40_000)).toBe(0);
  });

  it('runs the countdown in real seconds on an accelerated clock', () => {
    const deadline = realTimeDeadline(T0, step.rollbackCountdown, 600);
    expect(deadline).toBe(T0 + 30_000 * 600);
    expect(realTimeRemaining(deadline, T0 + 10_000 * 600, 600)).toBe(20_000);
  });
});

describe('stale metrics', () => {
  it('two stale polls in a row make the metrics stale; one does not', () => {
    expect(metricsStale(['PASS', 'STALE'])).toBe(false);
    expect(metricsStale(['PASS', 'STALE', 'STALE'])).toBe(true);
    expect(metricsStale(['STALE', 'STALE', 'PASS'])).toBe(false);
    expect(staleStreak(['STALE', 'INSUFFICIENT', 'STALE'])).toBe(1);
  });

  it('a poll older than two periods is stale by the same count', () => {
    expect(metricsStaleAfterMs(60_000)).toBe(120_000);
    expect(metricsStaleAfterMs(300_000)).toBe(600_000);
  });
});

describe('endOfStage', () => {
  it('all PASS -> advance', () => {
    expect(endOfStage(['PASS', 'PASS', 'PASS'])).toEqual({
      action: 'advance',
      reason: 'All 3 samples passed.',
    });
  });

  it('any WATCH -> ask', () => {
    expect(endOfStage(['PASS', 'WATCH', 'PASS'])).toEqual({
      action: 'ask',
      reason: '1 of 3 samples were outside the pass band (WATCH).',
    });
  });

  it('any NO-GO -> halt: never advance', () => {
    const end = endOfStage(['PASS', 'NO-GO', 'PASS', 'WATCH']);
    expect(end.action).toBe('halt');
    expect(end.reason).toBe('1 of 4 samples breached the no-go limits; the stage does not advance.');
  });

  it('a single ROLLBACK sample that did not last also halts', () => {
    expect(endOfStage(['PASS', 'ROLLBACK', 'PASS']).action).toBe('halt');
  });

  it('stale or insufficient samples never count as a pass: ask', () => {
    const end = endOfStage(['PASS', 'STALE', 'INSUFFICIENT', 'INSUFFICIENT', 'WATCH']);
    expect(end.action).toBe('ask');
    expect(end.reason).toBe(
      '3 of 5 samples could not be judged (1 stale, 2 with too little traffic); unknown data never counts as a pass.',
    );
  });

  it('early unknown samples do not hold a stage whose last three samples passed', () => {
    const end = endOfStage(['INSUFFICIENT', 'STALE', 'PASS', 'PASS', 'PASS']);
    expect(end.action).toBe('advance');
    expect(end.reason).toBe('The last 3 samples passed (2 earlier sample(s) could not be judged).');
  });

  it('unknown samples at the end still ask, even after passes', () => {
    expect(endOfStage(['PASS', 'PASS', 'PASS', 'INSUFFICIENT']).action).toBe('ask');
  });

  it('a stage without samples cannot advance', () => {
    expect(endOfStage([]).action).toBe('ask');
  });
});
