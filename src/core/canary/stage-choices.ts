import type { CanaryStep } from '../runbook/schema.js';
import type { StageChoice } from '../session/events.js';
import type { CanaryStageState, SessionState } from '../session/state.js';
import { endOfStage, RECOVERED_AFTER, type StageEnd } from './stage.js';
import { verdictLabel } from './verdict.js';

/**
 * THE list of what a person may answer at the end of a canary stage, worked out from the stage's
 * samples as they are now. The engine accepts only these answers (and the autopilot picks among
 * them), the waiting screen's hint and the decision form list exactly these, so a sample that
 * arrives while the decision waits changes all of them at once.
 *
 * Advance is offered only when no sample breached the no-go limits, the latest sample passed, and
 * any sample that could not be judged is outweighed by RECOVERED_AFTER passes in a row at the end
 * (as in endOfStage; an earlier WATCH is the person's to weigh). A latest sample that is STALE,
 * INSUFFICIENT or WATCH withholds it: traffic does not move on a canary that is outside the pass
 * band, or unseen, right now.
 */

export interface StageChoiceOption {
  choice: StageChoice;
  /** What the screen calls it: "roll back", not "rollback". */
  label: string;
}

export interface StageChoices {
  /** What the samples say (advance, ask, halt) and why, in one sentence that lists no keys. */
  end: StageEnd;
  /** The answers allowed now, the one a form starts on first. */
  options: StageChoiceOption[];
  /**
   * Why advance is not among the options, as a clause ("the latest sample is STALE") the screen,
   * the form and the engine's refusal each put in their own sentence; undefined when it is.
   */
  advanceWithheld?: string;
}

const LABELS: Record<StageChoice, string> = {
  advance: 'advance',
  extend: 'extend',
  rollback: 'roll back',
  investigate: 'investigate',
};

const option = (choice: StageChoice): StageChoiceOption => ({ choice, label: LABELS[choice] });

function withheldReason(stage: CanaryStageState, end: StageEnd): string | undefined {
  const samples = stage.samples;
  const latest = samples.at(-1);
  if (!latest) return 'no sample was judged in this stage';
  if (end.action === 'halt') {
    const breaches = samples.filter((s) => s.verdict === 'NO-GO' || s.verdict === 'ROLLBACK').length;
    return `${breaches} of ${samples.length} samples breached the no-go limits`;
  }
  if (latest.verdict !== 'PASS') return `the latest sample is ${verdictLabel(latest.verdict)}`;
  // As in endOfStage: unknown samples are outweighed once the last RECOVERED_AFTER all passed.
  const outweighed =
    samples.length >= RECOVERED_AFTER && samples.slice(-RECOVERED_AFTER).every((s) => s.verdict === 'PASS');
  if (!outweighed && samples.some((s) => s.verdict === 'STALE' || s.verdict === 'INSUFFICIENT'))
    return `samples this stage could not judge are not yet outweighed by ${RECOVERED_AFTER} passing ones in a row`;
  return undefined;
}

/**
 * The answers allowed at the end of `stage` now. `definition` is the canary step the stage belongs
 * to: extend is offered only when its runbook extends a hold by something.
 */
export function stageChoices(
  state: SessionState,
  stage: CanaryStageState,
  definition: CanaryStep,
): StageChoices {
  const end = endOfStage(stage.samples.map((s) => s.verdict));
  if (state.rollback || stage.completedAt !== undefined)
    return {
      end,
      options: [],
      advanceWithheld: state.rollback ? 'the rollback has started' : 'the stage has ended',
    };
  const advanceWithheld = withheldReason(stage, end);
  const extend = definition.extendBy > 0;
  const choices: StageChoice[] =
    end.action === 'halt'
      ? ['rollback', 'investigate']
      : end.action === 'advance' && !advanceWithheld
        ? ['advance', ...(extend ? (['extend'] as const) : []), 'rollback', 'investigate']
        : [
            ...(extend ? (['extend'] as const) : []),
            ...(advanceWithheld ? [] : (['advance'] as const)),
            'rollback',
            'investigate',
          ];
  return { end, options: choices.map(option), advanceWithheld };
}

/** Why `choice` is not an answer now, in one sentence; undefined when it is allowed. */
export function stageChoiceRefusal(choices: StageChoices, choice: string): string | undefined {
  if (choices.options.some((o) => o.choice === choice)) return undefined;
  const allowed = choices.options.map((o) => o.label).join(', ');
  if (!allowed)
    return `"${choice}" is not an answer to this stage now: nothing is asked (${choices.advanceWithheld}).`;
  if (choice === 'advance' && choices.end.action === 'halt')
    return `A NO-GO stage never advances: ${choices.advanceWithheld}.`;
  if (choice === 'advance' && choices.advanceWithheld)
    return `Advance is not allowed now: ${choices.advanceWithheld}.`;
  return `"${choice}" is not an answer to this stage now: choose ${allowed}.`;
}
