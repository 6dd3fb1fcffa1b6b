import { checkNewApproval } from '../../core/gates/approvals.js';
import type { ApprovalEventBody } from '../../core/session/events.js';
import { approvalStatusOf, roleTitles } from '../../core/session/gates.js';
import type { StepState } from '../../core/session/state.js';
import type { Conductor } from '../conductor.js';

/** Record an approval through the gate's rules; returns why it was refused, if it was. */
export function approveThroughGate(
  c: Conductor,
  stepId: string,
  record: Omit<ApprovalEventBody, 'step'>,
): string | undefined {
  const def = c.definition(stepId);
  if (def.kind !== 'approval') return 'This step is not an approval gate.';
  const at = c.now();
  const refusal = checkNewApproval({
    step: def,
    risk: c.state.meta.risk,
    approvals: c.state.approvals.filter((a) => a.step === stepId),
    conductor: c.state.meta.conductor,
    candidate: { ...record, at },
    roleTitles: roleTitles(c.runbook),
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

export async function runApproval(c: Conductor, step: StepState): Promise<void> {
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
  if (c.options.autopilot) {
    for (const role of status.roles.filter((r) => r.state !== 'approved')) {
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
  await c.changed(5_000);
}
