import { stageChoices } from '../core/canary/stage-choices.js';
import type { Step } from '../core/runbook/schema.js';
import { currentStage, stageWeight } from '../core/session/selectors.js';
import type { CanaryStageState, SessionState } from '../core/session/state.js';
import { type FormModel, makeForm } from './form.js';

/**
 * The end-of-stage form. Its choices are not fixed when it opens: every frame and every key reads
 * them again from the session (withCurrentStageChoices), from the same list the engine accepts and
 * the screen's hint shows (core/canary/stage-choices.ts).
 */
export function stageDecisionForm(state: SessionState, stage: CanaryStageState, definition: Step): FormModel {
  const decision = stage.decision;
  const form = makeForm(
    {
      type: 'stage-decision',
      halt: decision?.action === 'halt',
      stage: stage.index,
      decidedAt: decision?.at ?? stage.startedAt,
    },
    `Stage ${stage.index + 1} (${stageWeight(stage)}%): what now?`,
    [
      { id: 'choice', label: 'choice', value: '', options: [] },
      { id: 'reason', label: 'reason', value: '', hint: 'required to investigate' },
    ],
  );
  const live = withCurrentStageChoices(form, state, definition);
  const first = live.fields[0].options?.[0] ?? '';
  return { ...live, fields: live.fields.map((f) => (f.id === 'choice' ? { ...f, value: first } : f)) };
}

/**
 * A stage-decision form with the choices allowed now, and the reason advance is not among them.
 * The person's pick stays as they left it (see noLongerAllowed). The engine's refusal of the last
 * enter goes once the choices or their reason change: it spoke of a moment that has passed (advance
 * refused on a STALE sample is allowed again after passes), and noLongerAllowed says what holds now.
 * Other forms, and a form whose decision has passed (passedSubject closes it), come back as they
 * are. Nothing in the result is worked out from one moment only, so it may be kept as the form's state.
 */
export function withCurrentStageChoices(
  form: FormModel,
  state: SessionState,
  definition: Step | undefined,
): FormModel {
  const live = liveChoices(form, state, definition);
  if (!live) return form;
  const { stage, choices } = live;
  const withheld =
    stage.decision?.action !== 'halt' && choices.advanceWithheld
      ? [`Advance is not offered: ${choices.advanceWithheld}.`]
      : [];
  const allowed = choices.options.map((o) => o.choice as string);
  const lines = [stage.decision?.reason ?? '', ...withheld];
  const before = form.fields.find((f) => f.id === 'choice')?.options ?? [];
  const changed = !sameList(before, allowed) || !sameList(form.lines ?? [], lines);
  return {
    ...form,
    lines,
    fields: form.fields.map((f) => (f.id === 'choice' ? { ...f, options: allowed } : f)),
    error: changed ? undefined : form.error,
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/**
 * When the person's pick stopped being allowed after they made it (a STALE sample arrived), the
 * sentence that says so; the form shows it instead of switching the pick to another answer under
 * their finger, and enter is refused by the engine. Undefined while the pick is allowed.
 */
export function noLongerAllowed(
  form: FormModel,
  state: SessionState,
  definition: Step | undefined,
): string | undefined {
  const live = liveChoices(form, state, definition);
  if (!live) return undefined;
  const chosen = form.fields.find((f) => f.id === 'choice')?.value ?? '';
  if (!chosen || live.choices.options.some((o) => o.choice === chosen)) return undefined;
  return chosen === 'advance' && live.choices.advanceWithheld
    ? `advance is no longer allowed: ${live.choices.advanceWithheld}. Choose again with ↑/↓.`
    : `${chosen} is no longer allowed. Choose again with ↑/↓.`;
}

/** The form as drawn: the choices allowed now and, over them, why the pick no longer is. */
export function shownStageDecision(
  form: FormModel,
  state: SessionState,
  definition: Step | undefined,
): FormModel {
  const live = withCurrentStageChoices(form, state, definition);
  const gone = noLongerAllowed(live, state, definition);
  return gone && !live.error ? { ...live, error: gone } : live;
}

function liveChoices(form: FormModel, state: SessionState, definition: Step | undefined) {
  if (form.purpose.type !== 'stage-decision' || definition?.kind !== 'canary') return undefined;
  const stage = currentStage(state);
  if (!stage?.decision || stage.index !== form.purpose.stage) return undefined;
  return { stage, choices: stageChoices(state, stage, definition) };
}
