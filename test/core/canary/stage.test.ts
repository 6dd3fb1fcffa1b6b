import { describe, expect, it } from 'vitest';
import {
  endOfStage,
  metricsStale,
  rollbackCountdown,
  rollbackStreak,
  type StageSample,
  shouldAutoRollback,
  stageProgress,
  staleStreak,
} from '../../../src/core/canary/stage.js';
import type { Verdict } from '../../../src/core/canary/verdict.js';
import { canaryStepSchema } from '../../../src/core/runbook/schema.js';

const MIN = 60_000;
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

/** One sample a minute from T0 + 1 min. */
function everyMinute(verdicts: Verdict[]): StageSample[] {
  return verdicts.map((verdict, i) => ({ at: T0 + (i + 1) * MIN, verdict }));
}

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
    expect(rollbackCountdown(step, T0, T0 + 10_000)).toEqual({ remainingMs: 20_000, due: false });
    expect(rollbackCountdown(step, T0, T0 + 30_000)).toEqual({ remainingMs: 0, due: true });
  });
});

describe('stale metrics', () => {
  it('two stale polls in a row make the metrics stale; one does not', () => {
    expect(metricsStale(['PASS', 'STALE'])).toBe(false);
    expect(metricsStale(['PASS', 'STALE', 'STALE'])).toBe(true);
    expect(metricsStale(['STALE', 'STALE', 'PASS'])).toBe(false);
    expect(staleStreak(['STALE', 'INSUFFICIENT', 'STALE'])).toBe(1);
  });
});

describe('endOfStage', () => {
  it('all PASS -> advance', () => {
    expect(endOfStage(['PASS', 'PASS', 'PASS'])).toEqual({
      action: 'advance',
      reason: 'All 3 samples passed.',
      choices: [],
    });
  });

  it('any WATCH -> ask: extend, advance or roll back', () => {
    expect(endOfStage(['PASS', 'WATCH', 'PASS'])).toEqual({
      action: 'ask',
      reason: '1 of 3 samples were outside the pass band (WATCH). Extend, advance, or roll back.',
      choices: ['extend', 'advance', 'rollback'],
    });
  });

  it('any NO-GO -> halt: never advance; roll back or hold to investigate', () => {
    const end = endOfStage(['PASS', 'NO-GO', 'PASS', 'WATCH']);
    expect(end.action).toBe('halt');
    expect(end.choices).toEqual(['rollback', 'hold']);
    expect(end.reason).toBe(
      '1 of 4 samples breached the no-go limits; the stage does not advance. Roll back, or hold to investigate (with a reason).',
    );
  });

  it('a single ROLLBACK sample that did not last also halts', () => {
    expect(endOfStage(['PASS', 'ROLLBACK', 'PASS']).action).toBe('halt');
  });

  it('stale or insufficient samples never count as a pass: ask to extend or roll back, advance not offered', () => {
    const end = endOfStage(['PASS', 'STALE', 'INSUFFICIENT', 'INSUFFICIENT', 'WATCH']);
    expect(end.action).toBe('ask');
    expect(end.choices).toEqual(['extend', 'rollback']);
    expect(end.reason).toBe(
      '3 of 5 samples could not be judged (1 stale, 2 with too little traffic); unknown data never counts as a pass. Extend the stage or roll back.',
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

describe('stageProgress: the hold timer', () => {
  const base = { step, holdMs: 15 * MIN, startedAt: T0 };

  it('runs with the clock while samples arrive', () => {
    const progress = stageProgress({
      ...base,
      now: T0 + 7.5 * MIN,
      samples: everyMinute(['PASS', 'PASS', 'WATCH']),
    });
    expect(progress).toMatchObject({
      heldMs: 7.5 * MIN,
      remainingMs: 7.5 * MIN,
      timerRunning: true,
      holdComplete: false,
      metricsStale: false,
      verdicts: ['PASS', 'PASS', 'WATCH'],
    });
    expect(progress.summary).toBe('7m30s of 15m held');
  });

  it('holds from the second stale poll until metrics return', () => {
    // Samples at +1..+6 min: PASS, STALE, STALE, STALE, PASS, PASS. Frozen from +3 (2nd stale) to +5.
    const samples = everyMinute(['PASS', 'STALE', 'STALE', 'STALE', 'PASS', 'PASS']);
    const during = stageProgress({ ...base, now: T0 + 4.5 * MIN, samples: samples.slice(0, 4) });
    expect(during.metricsStale).toBe(true);
    expect(during.timerRunning).toBe(false);
    expect(during.heldMs).toBe(3 * MIN);
    expect(during.summary).toBe('3m of 15m held; timer held: metrics stale');

    const after = stageProgress({ ...base, now: T0 + 6 * MIN, samples });
    expect(after.metricsStale).toBe(false);
    expect(after.heldMs).toBe(4 * MIN);
    expect(after.timerRunning).toBe(true);
  });

  it('never advances during a CloudWatch outage, however long it lasts', () => {
    const outage = everyMinute(['PASS', ...Array<Verdict>(60).fill('STALE')]);
    const progress = stageProgress({ ...base, now: T0 + 61 * MIN, samples: outage });
    // PASS at +1, first stale at +2 (timer still runs), second stale at +3: frozen from then on.
    expect(progress.holdComplete).toBe(false);
    expect(progress.heldMs).toBe(3 * MIN);
    expect(progress.metricsStale).toBe(true);
  });

  it('does not count paused time, and shows the pause', () => {
    const pauses = [{ from: T0 + 2 * MIN, to: T0 + 4 * MIN }, { from: T0 + 8 * MIN }];
    const progress = stageProgress({ ...base, now: T0 + 10 * MIN, samples: everyMinute(['PASS']), pauses });
    expect(progress.heldMs).toBe(6 * MIN);
    expect(progress.timerRunning).toBe(false);
    expect(progress.summary).toBe('6m of 15m held; timer paused by the conductor');
  });

  it('counts a pause that overlaps a stale stretch only once', () => {
    const samples = everyMinute(['STALE', 'STALE', 'STALE', 'PASS']); // frozen +2..+4
    const pauses = [{ from: T0 + 3 * MIN, to: T0 + 5 * MIN }]; // union +2..+5
    const progress = stageProgress({ ...base, now: T0 + 10 * MIN, samples, pauses });
    expect(progress.heldMs).toBe(7 * MIN);
  });

  it('completes the hold (with extensions counted in holdMs) and stops there', () => {
    const samples = everyMinute(Array<Verdict>(20).fill('PASS'));
    const done = stageProgress({ ...base, now: T0 + 20 * MIN, samples });
    expect(done).toMatchObject({ heldMs: 15 * MIN, remainingMs: 0, holdComplete: true, timerRunning: false });
    const extended = stageProgress({ ...base, holdMs: 30 * MIN, now: T0 + 20 * MIN, samples });
    expect(extended.holdComplete).toBe(false);
    expect(extended.remainingMs).toBe(10 * MIN);
  });

  it('shows the rollback count and arms the automatic rollback', () => {
    const samples = everyMinute(['PASS', 'ROLLBACK', 'ROLLBACK']);
    const two = stageProgress({ ...base, now: T0 + 3 * MIN, samples });
    expect(two.summary).toBe('3m of 15m held; rollback band 2/3');
    expect(two.autoRollback).toBe(false);
    const three = stageProgress({
      ...base,
      now: T0 + 4 * MIN,
      samples: everyMinute(['PASS', 'ROLLBACK', 'ROLLBACK', 'ROLLBACK']),
    });
    expect(three.rollbackStreak).toBe(3);
    expect(three.autoRollback).toBe(true);
  });
});
