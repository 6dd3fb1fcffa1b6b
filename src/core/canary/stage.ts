import type { CanaryStep } from '../runbook/schema.js';
import type { Verdict } from './verdict.js';

/**
 * The state of one canary stage over its samples (issue #5): rollback streak, stale metrics, and
 * what to do when the hold is over. The hold timer itself is stageElapsed (session/selectors.ts).
 *
 * Decisions taken where the seed and issue are silent:
 * - Rollback streak: counts the ROLLBACK samples at the end of the list. STALE and INSUFFICIENT
 *   samples neither count nor break it (a CloudWatch outage is no evidence of recovery); PASS, WATCH
 *   and NO-GO break it (a measured sample outside the rollback band).
 * - Stale metrics: two STALE samples in a row. The hold timer stops at the second one and runs
 *   again at the next sample that is not STALE; the first stale poll alone does not stop it, so the
 *   timer never jumps backwards on screen.
 * - End of stage, worst first: any NO-GO or ROLLBACK sample -> halt; any STALE or INSUFFICIENT
 *   -> ask (never an automatic pass); any WATCH -> ask; all PASS -> advance. No sample at all ->
 *   ask. What a person may answer is listed by stageChoices (stage-choices.ts), the one list.
 */

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

/**
 * What "ROLLBACK n/N" shows for each sample: its place in the streak toward the sustained limit,
 * undefined outside the rollback band. The count stops at the limit: past it the number means
 * nothing a person can act on (the automatic rollback is armed, held or not allowed, and the
 * banner says which), and the run of badges already shows how long the band has held.
 */
export function rollbackCounts(verdicts: readonly Verdict[], sustained: number): Array<number | undefined> {
  let streak = 0;
  return verdicts.map((verdict) => {
    if (verdict === 'ROLLBACK') streak++;
    else if (endsRollbackBreach(verdict)) streak = 0;
    return verdict === 'ROLLBACK' ? Math.min(streak, sustained) : undefined;
  });
}

/**
 * A sample that ends a breach of the rollback band: one that judged the canary inside the band.
 * A poll that could not judge (STALE, INSUFFICIENT) neither continues nor ends it, as in
 * rollbackStreak: an armed countdown, and a person's hold on it, stay.
 */
export function endsRollbackBreach(verdict: Verdict): boolean {
  return verdict !== 'ROLLBACK' && verdict !== 'STALE' && verdict !== 'INSUFFICIENT';
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

/** Stale polls in a row after which metrics are stale: the screen says so and the stage timer holds. */
export const STALE_POLLS = 2;

export function metricsStale(verdicts: readonly Verdict[]): boolean {
  return staleStreak(verdicts) >= STALE_POLLS;
}

/**
 * How old the last poll may get before metrics are stale, by the same count: as many poll periods
 * as metricsStale counts stale polls. A runbook that polls every 5 minutes is not stale at 3.
 */
export function metricsStaleAfterMs(periodMs: number): number {
  return STALE_POLLS * periodMs;
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

export interface StageEnd {
  action: 'advance' | 'ask' | 'halt';
  /** What the samples decided, in one sentence; the answers allowed are listed by the screen. */
  reason: string;
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
    };
  }
  const breaches = count(verdicts, 'NO-GO', 'ROLLBACK');
  if (breaches > 0) {
    return {
      action: 'halt',
      reason: `${breaches} of ${n} samples breached the no-go limits; the stage does not advance.`,
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
      reason: `${unknown} of ${n} samples could not be judged (${parts.filter(Boolean).join(', ')}); unknown data never counts as a pass.`,
    };
  }
  if (watch > 0) {
    return {
      action: 'ask',
      reason: `${watch} of ${n} samples were outside the pass band (WATCH).`,
    };
  }
  return { action: 'advance', reason: `All ${n} samples passed.` };
}
