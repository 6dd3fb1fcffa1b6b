import type { CanaryStep } from '../runbook/schema.js';
import type { StageChoice } from '../session/events.js';
import { currentStage, stageTimeLeft } from '../session/selectors.js';
import type { CanaryStageState, SessionState } from '../session/state.js';
import type { Waiting } from '../session/waiting.js';
import { endOfStage, metricsStale, realTimeDeadline, shouldAutoRollback } from './stage.js';
import { stageChoices } from './stage-choices.js';
import type { Verdict } from './verdict.js';

/**
 * The canary's policy, in one pure function: given the session and the clock, what the canary
 * runner (engine/runners/canary.ts) does next. The runner only carries the action out (AWS calls,
 * waits, events) and asks again; every rule of the staged canary is decided here, where a unit
 * test reaches it without a sandbox or a clock:
 * - the order of things: promoted -> drift -> next stage or promotion -> the rollback band ->
 *   the end of the hold -> the autopilot's answer -> waiting -> polling;
 * - the sample window and the first-window rule (no judgement before whole periods of traffic);
 * - the stage verdict at the hold's end, the decision asked of a person, the autopilot's answer;
 * - the pause of the hold while metrics are stale, and its resumption.
 */

/** Who the canary's pause for stale metrics is recorded as (canary.paused `by`). */
export const STALE_BY = 'metrics-stale';
/** Whole periods of canary traffic before the first sample is judged. */
export const FIRST_WINDOW_PERIODS = 2;
/** How often a halted or waiting canary looks again when nothing changes (clock ms). */
export const RECHECK_MS = 5_000;
/** The autopilot extends a stage this many times at most. */
export const AUTOPILOT_MAX_EXTENSIONS = 3;

export interface CanaryPlanInput {
  state: SessionState;
  def: CanaryStep;
  stepId: string;
  now: number;
  /** A headless guard never advances a stage nor promotes; it may still roll back. */
  mode: 'interactive' | 'guard';
  /** The rehearsal autopilot answers for the people. */
  autopilot: boolean;
  /** The clock's speed over real time: a countdown a person must react to runs in real seconds. */
  speed: number;
  /** No metrics exist before this moment (a resumed rehearsal's new sandbox). */
  metricsSince?: number;
  /** The environment the canary moves traffic in, as the runbook titles it. */
  envTitle: string;
}

/** How the runner waits: watching shifted traffic (polls go on), or until the state changes. */
export type WaitKind = 'watching' | 'changed';

/** What moves traffic, once the credentials are proven again. */
export type Move =
  | { kind: 'halt'; message: string }
  | { kind: 'confirm-start' }
  | { kind: 'ask-start'; message: string }
  | { kind: 'shift'; weight: number; holdMs: number }
  | { kind: 'promote' };

export type CanaryAction =
  /** Every stage passed and the canary is promoted: the step is done. */
  | { kind: 'complete-step' }
  /** Nothing to do before `forMs` of clock time pass (or something changes). */
  | { kind: 'wait'; waiting: Waiting | undefined; forMs: number; how: WaitKind }
  /** The next stage (stage is its index), or the promotion after the last (stage undefined). */
  | { kind: 'move'; stage?: number; move: Move }
  /** `at`: the moment it was decided, which the deadline counts from. */
  | { kind: 'arm-rollback'; at: number; deadline: number; reason: string; speed?: number }
  | { kind: 'fire-rollback'; reason: string; trigger: 'guard' | 'automatic' }
  | { kind: 'complete-stage'; stage: number; verdict: 'PASS' | 'WATCH'; summary: string }
  | { kind: 'ask-decision'; stage: number; action: 'ask' | 'halt'; reason: string }
  | { kind: 'answer'; choice: StageChoice; reason: string; waiting: Waiting }
  | { kind: 'poll'; stage: number; waiting: Waiting | undefined };

const driftPendingIn = (state: SessionState) =>
  state.drift !== undefined && state.drift.resolved === undefined;

/** The first moment with canary metrics: the first shift, or a resumed rehearsal's new sandbox. */
export function metricsFrom(firstShift: number, metricsSince: number | undefined): number {
  return Math.max(firstShift, metricsSince ?? firstShift);
}

/**
 * The window a poll at `now` judges: whole periods ending at the last period boundary, as long as
 * the step's window, never reaching before the first period boundary after the first shift (a
 * window cut by the shift mixes traffic from before it), and at least one period.
 */
export function sampleWindow(
  now: number,
  periodMs: number,
  windowMs: number,
  firstShift: number,
): { start: number; end: number } {
  const end = Math.floor(now / periodMs) * periodMs;
  const notBefore = Math.ceil(firstShift / periodMs) * periodMs;
  const start = Math.min(end - periodMs, Math.max(end - Math.max(windowMs, periodMs), notBefore));
  return { start, end };
}

/**
 * When the next poll of a stage is due: a period after its last sample, and never before whole
 * periods of canary traffic (FIRST_WINDOW_PERIODS) exist: a window cut by the first shift holds too
 * few requests to say anything but INSUFFICIENT DATA.
 */
export function nextPollAt(
  state: SessionState,
  stage: CanaryStageState,
  periodMs: number,
  metricsSince?: number,
): number {
  const lastSampleAt = stage.samples.at(-1)?.at ?? stage.startedAt;
  const firstShift = metricsFrom(state.canary?.stages[0]?.startedAt ?? stage.startedAt, metricsSince);
  const firstJudgeable = (Math.ceil(firstShift / periodMs) + FIRST_WINDOW_PERIODS) * periodMs;
  return Math.max(lastSampleAt + periodMs, firstJudgeable);
}

/** The rollback band after a sample: arm the countdown, fire it when it ran out, or nothing. */
export function rollbackBandAction(
  input: Pick<CanaryPlanInput, 'state' | 'def' | 'now' | 'mode' | 'speed'>,
  verdicts: readonly Verdict[],
): Extract<CanaryAction, { kind: 'arm-rollback' | 'fire-rollback' }> | undefined {
  const { state, def, now, mode, speed } = input;
  const canary = state.canary;
  if (!canary || !def.autoRollback) return undefined;
  const armed = canary.autoRollback;
  if (!armed && shouldAutoRollback(def, verdicts)) {
    // A person must be able to react: the countdown runs in real seconds even on a rehearsal's
    // accelerated clock (30 s stay 30 s at x600), while the polls go on at the clock's pace.
    return {
      kind: 'arm-rollback',
      at: now,
      deadline: realTimeDeadline(now, def.rollbackCountdown, speed),
      reason: `rollback band held for ${def.sustained} samples in a row`,
      ...(speed !== 1 ? { speed } : {}),
    };
  }
  if (armed && !armed.heldBy && now >= armed.deadline)
    return { kind: 'fire-rollback', reason: armed.reason, trigger: mode === 'guard' ? 'guard' : 'automatic' };
  return undefined;
}

/** The hold's pause while metrics are stale, after a sample with `verdict`: pause, resume or nothing. */
export function staleHoldChange(stage: CanaryStageState, verdict: Verdict): 'pause' | 'resume' | undefined {
  if (metricsStale(stage.samples.map((s) => s.verdict)) && stage.pausedAt === undefined) return 'pause';
  if (verdict !== 'STALE' && stage.pausedBy === STALE_BY) return 'resume';
  return undefined;
}

/**
 * The rehearsal autopilot answers a stage like a careful conductor: it advances a stage that
 * passed; it extends (a few times at most) a stage that only lacked data (a loaded machine, a
 * slow poll) or had a sample outside the pass band (WATCH: a healthy canary at 10% can show 3
 * errors in 400 requests), and after such an extension advances only when every sample taken
 * since passed. It never advances past a WATCH it has not seen cleared, and never answers a
 * NO-GO: that stays with the person at the keyboard. Only answers the screen offers are picked.
 */
export function autopilotAnswer(
  state: SessionState,
  def: CanaryStep,
  stage: CanaryStageState,
): { choice: StageChoice; reason: string } | undefined {
  const { end, options } = stageChoices(state, stage, def);
  const offered = (choice: StageChoice) => options.some((o) => o.choice === choice);
  if (end.action === 'advance' && offered('advance')) return { choice: 'advance', reason: end.reason };
  if (end.action !== 'ask') return undefined;
  const extensions = stage.choices.filter((ch) => ch.choice === 'extend');
  const watched = stage.samples.some((s) => s.verdict === 'WATCH');
  const lastExtension = extensions.at(-1);
  if (watched && lastExtension && offered('advance')) {
    const since = stage.samples.filter((s) => s.at > lastExtension.at);
    if (since.length > 0 && since.every((s) => s.verdict === 'PASS'))
      return {
        choice: 'advance',
        reason: `rehearsal autopilot: all ${since.length} samples since the extension passed`,
      };
  }
  if (extensions.length >= AUTOPILOT_MAX_EXTENSIONS || !offered('extend')) return undefined;
  return {
    choice: 'extend',
    reason: watched
      ? 'rehearsal autopilot: a sample was outside the pass band, extend to see more'
      : 'rehearsal autopilot: too little data to judge, extend',
  };
}

/** The stage's hold is over (or a person advanced it): what its samples decide. */
function finishStage(input: CanaryPlanInput, stage: CanaryStageState): CanaryAction {
  const { def, stepId, mode } = input;
  const verdicts = stage.samples.map((s) => s.verdict);
  const lastChoice = stage.choices.at(-1);
  const advancedByPerson =
    lastChoice?.choice === 'advance' && lastChoice.at >= (stage.decision?.at ?? stage.startedAt);
  const end = endOfStage(verdicts);
  const complete = (summary: string): CanaryAction => ({
    kind: 'complete-stage',
    stage: stage.index,
    verdict: end.action === 'advance' ? 'PASS' : verdicts.includes('WATCH') ? 'WATCH' : 'PASS',
    summary,
  });
  if (advancedByPerson && end.action !== 'halt')
    return complete(`advanced by ${lastChoice.by}${lastChoice.reason ? `: ${lastChoice.reason}` : ''}`);
  if (end.action === 'advance' && (def.advance === 'auto' || advancedByPerson)) {
    if (mode === 'guard')
      return {
        kind: 'wait',
        waiting: { step: stepId, kind: 'halted', message: 'Stage passed; a headless guard never advances.' },
        forMs: RECHECK_MS,
        how: 'watching',
      };
    return complete(end.reason);
  }
  // The reason says what the samples decided; the answers are listed by the screen from the
  // samples as they are then (stage-choices.ts), never fixed here.
  if (!stage.decision)
    return {
      kind: 'ask-decision',
      stage: stage.index,
      action: end.action === 'halt' ? 'halt' : 'ask',
      reason: end.reason,
    };
  return {
    kind: 'wait',
    waiting: { step: stepId, kind: 'stage-decision', message: stage.decision.reason },
    forMs: RECHECK_MS,
    how: 'watching',
  };
}

/** Between stages: start the next one, or promote after the last. */
function nextMove(input: CanaryPlanInput, stage: CanaryStageState | undefined): CanaryAction {
  const { state, def, stepId, mode, autopilot } = input;
  const next = stage ? stage.index + 1 : 0;
  if (next >= def.stages.length)
    return {
      kind: 'move',
      move:
        mode === 'guard'
          ? { kind: 'halt', message: 'A headless guard never promotes.' }
          : { kind: 'promote' },
    };
  // Traffic stays where the last stage put it: the guard keeps polling it, the band armed.
  if (mode === 'guard')
    return {
      kind: 'move',
      stage: next,
      move: { kind: 'halt', message: 'A headless guard never advances a stage.' },
    };
  const { weight, hold: holdMs } = def.stages[next];
  const startConfirmed = state.steps.find((s) => s.id === stepId)?.startConfirmedBy !== undefined;
  if (next === 0 && def.start === 'manual' && !startConfirmed) {
    // The autopilot stands in for the person at the screen, and answers as they would.
    if (autopilot) return { kind: 'move', stage: next, move: { kind: 'confirm-start' } };
    return {
      kind: 'move',
      stage: next,
      move: {
        kind: 'ask-start',
        message: `Start the canary: move ${weight}% of ${input.envTitle} traffic to ${state.meta.version}? Enter to start.`,
      },
    };
  }
  return { kind: 'move', stage: next, move: { kind: 'shift', weight, holdMs } };
}

/** What the canary runner does next. */
export function nextCanaryAction(input: CanaryPlanInput): CanaryAction {
  const { state, def, stepId, now, mode, autopilot } = input;
  if (state.canary?.promoted) return { kind: 'complete-step' };
  // A drift waits for the person, but traffic is still shifted: nothing moves, the polls and
  // the rollback band go on.
  const driftPending = driftPendingIn(state);
  const stage = currentStage(state);
  if (!stage || stage.completedAt !== undefined) {
    if (driftPending)
      return {
        kind: 'wait',
        waiting: { step: stepId, kind: 'drift', message: 'The live traffic split differs from the journal.' },
        forMs: def.period,
        how: 'watching',
      };
    return nextMove(input, stage);
  }
  const band = rollbackBandAction(
    input,
    stage.samples.map((s) => s.verdict),
  );
  if (band) return band;
  const lastChoice = stage.choices.at(-1);
  const answered = lastChoice !== undefined && lastChoice.at >= (stage.decision?.at ?? stage.startedAt);
  const holdOver = stageTimeLeft(stage, now) <= 0 || lastChoice?.choice === 'advance';
  if (
    !driftPending &&
    ((!stage.decision && holdOver) || (stage.decision && answered && lastChoice?.choice === 'advance'))
  )
    return finishStage(input, stage);
  // While a decision waits for the person, traffic is still shifted: keep polling, keep the
  // rollback band armed (a guard must be able to roll back here too).
  let waiting: Waiting | undefined;
  if (driftPending)
    waiting = {
      step: stepId,
      kind: 'drift',
      message:
        'The live traffic split differs from the journal: adopt it, re-apply the recorded split, or roll back.',
    };
  else if (stage.decision) {
    waiting = { step: stepId, kind: 'stage-decision', message: stage.decision.reason };
    // A person's answer (investigate keeps the decision open) is never overridden; a guard alone
    // answers nothing.
    const decision = stage.decision;
    const unanswered = !stage.choices.some((ch) => ch.at >= decision.at);
    const answer =
      autopilot && mode !== 'guard' && unanswered ? autopilotAnswer(state, def, stage) : undefined;
    if (answer) return { kind: 'answer', ...answer, waiting };
  }
  const pollAt = nextPollAt(state, stage, def.period, input.metricsSince);
  const armed = state.canary?.autoRollback;
  const wakeAt = Math.min(pollAt, armed && !armed.heldBy ? armed.deadline : Number.POSITIVE_INFINITY);
  if (now < pollAt) {
    const untilHoldEnds =
      stage.decision || driftPending ? Number.POSITIVE_INFINITY : Math.max(1, stageTimeLeft(stage, now));
    return {
      kind: 'wait',
      waiting,
      forMs: Math.max(1, Math.min(wakeAt - now, untilHoldEnds)),
      how: 'changed',
    };
  }
  return { kind: 'poll', stage: stage.index, waiting };
}
