import { roleListsSigners } from '../../core/approvals/signed-roles.js';
import { checkNewApproval } from '../../core/gates/approvals.js';
import type { ApprovalEventBody } from '../../core/session/events.js';
import { approvalStatusOf, roleTitles } from '../../core/session/gates.js';
import type { StepState } from '../../core/session/state.js';
import type { EngineContext } from '../context.js';

/** Record an approval through the gate's rules; returns why it was refused, if it was. */
export function approveThroughGate(
  c: EngineContext,
  stepId: string,
  record: Omit<ApprovalEventBody, 'step'>,
): string | undefined {
  const def = c.definition(stepId);
  if (def.kind !== 'approval') return 'This step is not an approval gate.';
  const at = c.now();
  const titles = roleTitles(c.runbook);
  const unsigned =
    !record.signed && roleListsSigners(c.runbook, record.role)
      ? `The runbook lists signers for ${titles[record.role] ?? record.role}, so only a signed approval counts: paste the token the approver made with \`conductor approve\`.`
      : undefined;
  const refusal =
    unsigned ??
    checkNewApproval({
      step: def,
      risk: c.state.meta.risk,
      approvals: c.state.approvals.filter((a) => a.step === stepId),
      conductor: c.state.meta.conductor,
      candidate: { ...record, at },
      roleTitles: titles,
    });
  if (refusal) {
    c.dispatch({
      type: 'approval.refused',
      at,
      step: stepId,
      role: record.role,
      approver: record.approver,
      reason: refusal,
    });
    return refusal;
  }
  c.dispatch({ type: 'approval.recorded', at, step: stepId, ...record });
  return undefined;
}

export async function runApproval(c: EngineContext, step: StepState): Promise<void> {
  const def = c.definition(step.id);
  if (def.kind !== 'approval') return;
  if (step.status === 'pending') c.dispatch({ type: 'step.started', at: c.now(), step: step.id, attempt: 1 });
  const status = approvalStatusOf(c.runbook, c.state, def, c.now());
  if (status.satisfied) {
    const who = status.roles.map((r) => `${r.role} ${r.approval?.approver ?? ''}`.trim()).join(', ');
    c.dispatch({
      type: 'step.completed',
      at: c.now(),
      step: step.id,
      outcome: 'passed',
      detail: `approved by ${who}`,
    });
    return;
  }
  // A role with signers waits for a signed token even in a rehearsal: nobody signs for a stand-in.
  const standIns = c.options.autopilot
    ? status.roles.filter((r) => r.state !== 'approved' && !roleListsSigners(c.runbook, r.role))
    : [];
  if (standIns.length > 0) {
    for (const role of standIns) {
      approveThroughGate(c, step.id, {
        role: role.role,
        approver: `@rehearsal-${role.role}`,
        comment: 'rehearsal stand-in approval',
        reference: c.state.meta.ticket,
      });
    }
    return;
  }
  if (status.escalate && !c.state.escalations.some((e) => e.step === step.id)) {
    c.dispatch({ type: 'gate.escalated', at: c.now(), step: step.id, text: status.escalate.text });
  }
  c.setWaiting({
    step: step.id,
    kind: 'approval',
    message: status.problems.join(' ') || 'Waiting for approvals.',
  });
  // An approval awaited with traffic on the new version: the metrics are polled meanwhile and the
  // rollback band stays armed (engine/watch.ts).
  await c.waitWatching(5_000);
}
