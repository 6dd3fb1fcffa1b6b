import { currentStage } from '../core/session/selectors.js';
import type { SessionState } from '../core/session/state.js';
import type { FormModel } from './form.js';

/**
 * Why an open form no longer has a subject (the rollback started or finished, the decision was
 * answered elsewhere, a new countdown replaced the held one), in one sentence; undefined while it has.
 */
export function passedSubject(form: FormModel, state: SessionState): string | undefined {
  const purpose = form.purpose;
  const rollback = state.rollback
    ? state.rollback.completedAt !== undefined
      ? 'The rollback has finished'
      : 'The rollback has started'
    : undefined;
  switch (purpose.type) {
    case 'hold-rollback': {
      if (rollback) return `${rollback}: the hold no longer applies, its reason was not recorded.`;
      // A cleared breach leaves the form open (the reason still goes to the hold's record); a new
      // countdown closes it, so h can hold that one.
      const armed = state.canary?.autoRollback;
      if (armed && purpose.deadline !== undefined && armed.deadline !== purpose.deadline && !armed.heldBy)
        return 'A new automatic-rollback countdown has started: press h to hold it (x rolls back).';
      return undefined;
    }
    case 'stage-decision': {
      if (rollback) return `${rollback}: the stage decision no longer applies.`;
      const stage = currentStage(state);
      if (stage?.index !== purpose.stage || stage.decision?.at !== purpose.decidedAt)
        return `The stage ${purpose.stage + 1} decision was already made: this dialog is closed.`;
      return undefined;
    }
    case 'advance': {
      if (rollback) return `${rollback}: there is no stage to advance.`;
      const stage = currentStage(state);
      if (!stage || stage.completedAt !== undefined)
        return 'The stage has ended: there is nothing to advance.';
      return undefined;
    }
    case 'drift':
      if (rollback) return `${rollback}: the drift no longer needs an answer.`;
      if (!state.drift || state.drift.resolved)
        return 'The traffic drift was already resolved: this dialog is closed.';
      return undefined;
    default:
      return undefined;
  }
}
