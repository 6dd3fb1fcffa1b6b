import { formatDuration } from '../runbook/duration.js';
import type { CanaryStep } from '../runbook/schema.js';
import type { Verdict } from './verdict.js';

/**
 * The state of one canary stage over its samples (issue #5): rollback streak, stale metrics, the hold
 * timer, and what to do when the hold is over.
 *
 * Decisions taken where the seed and issue are silent:
 * - Rollback streak: counts the ROLLBACK samples at the end of the list. STALE and INSUFFICIENT
 *   samples neither count nor break it (a CloudWatch outage is no evidence of recovery); PASS, WATCH
 *   and NO-GO break it (a measured sample outside the rollback band).
 * - Stale metrics: two STALE samples in a row. The hold timer stops at the second one and runs
 *   again at the next sample that is not STALE; the first stale poll alone does not stop it, so the
 *   timer never jumps backwards on screen.
 * - End of stage, worst first: any NO-GO or ROLLBACK sample -> halt; any STALE or INSUFFICIENT
 *   -> ask (extend or roll back; never an automatic pass, and "advance" is not offered: the
 *   conductor's own advance-now key, with its reason, remains the only way past unknown data);
 *   any WATCH -> ask (extend, advance, roll back); all PASS -> advance. No sample at all -> ask.
 */

export type StageChoice = 'extend' | 'advance' | 'rollback' | 'hold';

export interface StageSample {
  /** Epoch ms when the sample was judged. */
  at: number;
  verdict: Verdict;
}

/** Samples at the end of the list in the rollback band, for "ROLLBACK n/N". */
export function rollbackStreak(verdicts: readonly Verdict[]): number {
  let streak = 0;
  for (let i = verdicts.length - 1; i >= 0; i--) {
    const verdict = verdicts[i];
    if (verdict === 'ROLLBACK') streak++;
    else if (verdict === 'STALE' || verdict === 'INSUFFICIENT') continue;
    else break;
  }
  return streak;
}

/** STALE samples at the end of the list. */
export function staleStreak(verdicts: readonly Verdict[]): number {
  let streak = 0;
  for (let i = verdicts.length - 1; i >= 0 && verdicts[i] === 'STALE'; i--) streak++;
  return streak;
}

/** The rollback band has held for `sustained` samples and the runbook lets the tool roll back itself. */
export function shouldAutoRollback(step: CanaryStep, verdicts: readonly Verdict[]): boolean {
  return step.autoRollback && rollbackStreak(verdicts) >= step.sustained;
}

/** Two stale polls in a row: the screen says metrics are stale and the stage timer holds. */
export function metricsStale(verdicts: readonly Verdict[]): boolean {
  return staleStreak(verdicts) >= 2;
}

/**
 * Where a countdown a person must react to ends, on a clock `speed` times faster than real time.
 * Such a countdown runs in real seconds whatever the speed: a rehearsal at x600 still gives 30 real
 * seconds to press h, while its polls and holds stay accelerated. On the wall clock (speed 1) this
 * is simply `at + countdownMs`.
 */
export function realTimeDeadline(at: number, countdownMs: number, speed: number): number {
  return at + countdownMs * (speed > 0 ? speed : 1);
}

/** Real milliseconds left before a `realTimeDeadline` on a clock of that speed. */
export function realTimeRemaining(deadline: number, now: number, speed = 1): number {
  return Math.max(0, (deadline - now) / (speed > 0 ? speed : 1));
}

/** The countdown before an automatic rollback, during which the conductor may hold (real ms left). */
export function rollbackCountdown(
  step: CanaryStep,
  armedAt: number,
  now: number,
  speed = 1,
): { remainingMs: number; due: boolean } {
  const remainingMs = realTimeRemaining(realTimeDeadline(armedAt, step.rollbackCountdown, speed), now, speed);
  return { remainingMs, due: remainingMs === 0 };
}

export interface StageEnd {
  action: 'advance' | 'ask' | 'halt';
  reason: string;
  /** What the conductor may choose when the action is 'ask' or 'halt'. */
  choices: StageChoice[];
}

function count(verdicts: readonly Verdict[], ...of: Verdict[]): number {
  return verdicts.filter((v) => of.includes(v)).length;
}

/** Passing samples in a row that outweigh earlier unknown ones at the end of a stage. */
export const RECOVERED_AFTER = 3;

export function endOfStage(verdicts: readonly Verdict[]): StageEnd {
  const n = verdicts.length;
  if (n === 0) {
    return {
      action: 'ask',
      reason: 'No sample was judged in this stage; it cannot count as a pass.',
      choices: ['extend', 'rollback'],
    };
  }
  const breaches = count(verdicts, 'NO-GO', 'ROLLBACK');
  if (breaches > 0) {
    return {
      action: 'halt',
      reason: `${breaches} of ${n} samples breached the no-go limits; the stage does not advance. Roll back, or hold to investigate (with a reason).`,
      choices: ['rollback', 'hold'],
    };
  }
  const unknown = count(verdicts, 'STALE', 'INSUFFICIENT');
  const watch = count(verdicts, 'WATCH');
  // Unknown samples early in a stage (a 10% canary's first minutes, a CloudWatch blip) do not
  // hold a stage whose trailing window has since been judged PASS again and again: the last
  // RECOVERED_AFTER samples passed on more data than the unknown ones ever had.
  const recovered = n >= RECOVERED_AFTER && verdicts.slice(-RECOVERED_AFTER).every((v) => v === 'PASS');
  if (unknown > 0 && watch === 0 && recovered) {
    return {
      action: 'advance',
      reason: `The last ${RECOVERED_AFTER} samples passed (${unknown} earlier sample(s) could not be judged).`,
      choices: [],
    };
  }
  if (unknown > 0) {
    const stale = count(verdicts, 'STALE');
    const parts = [
      stale > 0 && `${stale} stale`,
      unknown - stale > 0 && `${unknown - stale} with too little traffic`,
    ];
    return {
      action: 'ask',
      reason: `${unknown} of ${n} samples could not be judged (${parts.filter(Boolean).join(', ')}); unknown data never counts as a pass. Extend the stage or roll back.`,
      choices: ['extend', 'rollback'],
    };
  }
  if (watch > 0) {
    return {
      action: 'ask',
      reason: `${watch} of ${n} samples were outside the pass band (WATCH). Extend, advance, or roll back.`,
      choices: ['extend', 'advance', 'rollback'],
    };
  }
  return { action: 'advance', reason: `All ${n} samples passed.`, choices: [] };
}

export interface StageProgressInput {
  step: CanaryStep;
  /** This stage's hold, including any extensions granted. */
  holdMs: number;
  startedAt: number;
  now: number;
  samples: readonly StageSample[];
  /** Times the conductor paused the hold timer; `to` undefined while still paused. */
  pauses?: ReadonlyArray<{ from: number; to?: number }>;
}

export interface StageProgress {
  verdicts: Verdict[];
  rollbackStreak: number;
  staleStreak: number;
  metricsStale: boolean;
  autoRollback: boolean;
  /** Hold time that has counted so far (excludes pauses and stale stretches). */
  heldMs: number;
  holdMs: number;
  remainingMs: number;
  /** False while paused or while metrics are stale. */
  timerRunning: boolean;
  holdComplete: boolean;
  /** One line for the screen, e.g. "7m30s of 15m held; timer held: metrics stale". */
  summary: string;
}

type Interval = { from: number; to: number };

/** Stretches when the timer stood still because the metrics were stale (from the 2nd stale poll on). */
function staleIntervals(samples: readonly StageSample[], now: number): Interval[] {
  const intervals: Interval[] = [];
  let run = 0;
  let frozenFrom: number | undefined;
  for (const sample of samples) {
    if (sample.verdict === 'STALE') {
      run++;
      if (run === 2) frozenFrom = sample.at;
    } else {
      if (frozenFrom !== undefined) intervals.push({ from: frozenFrom, to: sample.at });
      run = 0;
      frozenFrom = undefined;
    }
  }
  if (frozenFrom !== undefined) intervals.push({ from: frozenFrom, to: now });
  return intervals;
}

/** Total length of the union of intervals, clipped to [from, to]. */
function coveredMs(intervals: Interval[], from: number, to: number): number {
  const clipped = intervals
    .map((i) => ({ from: Math.max(i.from, from), to: Math.min(i.to, to) }))
    .filter((i) => i.to > i.from)
    .sort((a, b) => a.from - b.from);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const interval of clipped) {
    const start = Math.max(interval.from, end);
    if (interval.to > start) total += interval.to - start;
    end = Math.max(end, interval.to);
  }
  return total;
}

export function stageProgress(input: StageProgressInput): StageProgress {
  const { step, holdMs, startedAt, now, samples } = input;
  const verdicts = samples.map((s) => s.verdict);
  const pauses = (input.pauses ?? []).map((p) => ({ from: p.from, to: p.to ?? now }));
  const frozen = [...pauses, ...staleIntervals(samples, now)];
  const elapsed = Math.max(0, now - startedAt);
  const heldMs = Math.min(holdMs, Math.max(0, elapsed - coveredMs(frozen, startedAt, now)));
  const stale = metricsStale(verdicts);
  const paused = (input.pauses ?? []).some((p) => p.to === undefined);
  const holdComplete = heldMs >= holdMs;
  const streak = rollbackStreak(verdicts);

  const notes: string[] = [];
  if (paused) notes.push('timer paused by the conductor');
  if (stale) notes.push('timer held: metrics stale');
  if (streak > 0) notes.push(`rollback band ${streak}/${step.sustained}`);
  const summary = [`${formatDuration(heldMs)} of ${formatDuration(holdMs)} held`, ...notes].join('; ');

  return {
    verdicts,
    rollbackStreak: streak,
    staleStreak: staleStreak(verdicts),
    metricsStale: stale,
    autoRollback: shouldAutoRollback(step, verdicts),
    heldMs,
    holdMs,
    remainingMs: holdMs - heldMs,
    timerRunning: !paused && !stale && !holdComplete,
    holdComplete,
    summary,
  };
}
