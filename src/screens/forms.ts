import { roleListsSigners } from '../core/approvals/signed-roles.js';
import type { ApprovalStep, ManualStep, Runbook, Step } from '../core/runbook/schema.js';
import { approvalStatusOf, roleTitles } from '../core/session/gates.js';
import { currentStage } from '../core/session/selectors.js';
import type { SessionState } from '../core/session/state.js';
import type { Waiting } from '../core/session/waiting.js';
import { withTokenField } from './approval-token.js';
import { type FormModel, makeForm } from './form.js';
import { stageDecisionForm } from './stage-decision-form.js';

/**
 * The session screen's forms, each built from what it asks about and nothing else: the same
 * arguments give the same form.
 */

/** n on the canary screen: cut the hold short. */
export function advanceForm(): FormModel {
  return makeForm(
    { type: 'advance' },
    'Advance to the next stage now?',
    [{ id: 'reason', label: 'reason', value: '', required: true, hint: 'why cut the hold short' }],
    ['This shifts more traffic to the new version before the hold is over. Enter to advance, esc to stay.'],
  );
}

/** h: the countdown ending at `deadline` is held already; this asks why. */
export function holdRollbackForm(deadline: number | undefined): FormModel {
  return makeForm(
    { type: 'hold-rollback', deadline },
    'Automatic rollback HELD: why?',
    [{ id: 'reason', label: 'reason', value: '', required: true, hint: 'what you are checking' }],
    [
      'The countdown has stopped; the breach stays on screen. x still rolls back at once. Esc keeps the hold without a reason.',
    ],
  );
}

/** A: end a stopped session here. */
export function abandonForm(): FormModel {
  return makeForm(
    { type: 'abandon' },
    'Abandon this session?',
    [{ id: 'reason', label: 'reason', value: '', required: true, hint: 'why it ends here' }],
    ['The session ends here, its reason journaled and in the report. Enter to abandon, esc to stay.'],
  );
}

/** space on a manual item that takes a note (evidence 'none' is confirmed without a form). */
export function evidenceForm(def: Pick<ManualStep, 'id' | 'title' | 'evidence'>): FormModel {
  const required = def.evidence === 'required';
  return makeForm({ type: 'evidence', step: def.id }, `Confirm: ${def.title}`, [
    {
      id: 'note',
      label: 'evidence note',
      value: '',
      required,
      hint: required ? 'a link, a ticket or a value (required)' : 'optional',
    },
  ]);
}

/**
 * a on the approval screen: who approves, as which role (the roles still waiting first, else all),
 * what they said; a signed token field when a waiting role lists its signers.
 */
export function approvalForm(
  runbook: Runbook,
  state: SessionState,
  def: ApprovalStep,
  now: number,
): FormModel {
  const status = approvalStatusOf(runbook, state, def, now);
  const titles = roleTitles(runbook);
  const open = status.roles.filter((r) => r.state !== 'approved').map((r) => titles[r.role] ?? r.role);
  const all = status.roles.map((r) => titles[r.role] ?? r.role);
  const options = open.length > 0 ? open : all;
  const signed = status.roles
    .filter((r) => r.state !== 'approved' && roleListsSigners(runbook, r.role))
    .map((r) => titles[r.role] ?? r.role);
  const typed = makeForm({ type: 'approval', step: def.id }, `Record an approval: ${def.title}`, [
    {
      id: 'approver',
      label: 'approver',
      value: '',
      required: true,
      hint: '@handle of the person approving',
    },
    { id: 'role', label: 'role', value: options[0] ?? '', options },
    { id: 'comment', label: 'comment', value: '', required: true, hint: 'what they said' },
    {
      id: 'reference',
      label: 'reference',
      value: state.meta.ticket ?? '',
      hint: 'ticket or Slack link',
    },
  ]);
  return withTokenField(typed, signed);
}

/** The live traffic split differs from the journal: adopt, re-apply or roll back. */
export function driftForm(details: string[] | undefined): FormModel {
  return makeForm(
    { type: 'drift' },
    'The live traffic split differs from the journal',
    [
      {
        id: 'choice',
        label: 'choice',
        value: 'adopt',
        options: ['adopt', 'reapply', 'rollback'],
        hint: 'adopt the live split · re-apply the recorded one · roll back',
      },
    ],
    details,
  );
}

/** The traffic guard holds a step (outside the window, no ticket): `canary` when traffic is what moves. */
export function trafficGuardForm(ticket: string | undefined, message: string, canary: boolean): FormModel {
  return makeForm(
    { type: 'traffic-guard' },
    canary ? 'Before traffic moves' : 'Before this step runs',
    [
      { id: 'ticket', label: 'change ticket', value: ticket ?? '', hint: 'e.g. CHG-1234' },
      {
        id: 'override',
        label: 'window override',
        value: '',
        hint: 'reason to move traffic outside the window',
      },
    ],
    [message],
  );
}

/**
 * The question the engine waits on, as a form: the drift first, then the stage's end, then the
 * traffic guard; undefined when it waits on none of them. `canaryDefinition` is the running
 * canary's step; `definition` reads any step of the promotion.
 */
export function decisionForm(
  state: SessionState,
  waiting: Waiting | undefined,
  canaryDefinition: Step | undefined,
  definition: (stepId: string) => Step,
): FormModel | undefined {
  if (state.drift && !state.drift.resolved) return driftForm(state.drift.details);
  const stage = currentStage(state);
  // The choices are read again from the session on every frame and key (withCurrentStageChoices).
  if (stage?.decision && canaryDefinition) return stageDecisionForm(state, stage, canaryDefinition);
  if (waiting?.kind === 'traffic-guard') {
    const step = waiting.step;
    const canary = !(step && definition(step).kind !== 'canary');
    return trafficGuardForm(state.meta.ticket, waiting.message, canary);
  }
  return undefined;
}
