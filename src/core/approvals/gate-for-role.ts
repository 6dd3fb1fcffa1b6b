import { requiredRoles } from '../gates/approvals.js';
import type { ApprovalStep, Promotion } from '../runbook/schema.js';
import { approvalSteps } from '../session/gates.js';
import type { SessionState } from '../session/state.js';

/**
 * The approval gate a new approval for `role` is meant for: the open gate when it asks for the
 * role, else the first gate still ahead that does, else the last gate that asked for it.
 */
export function gateForRole(
  promotion: Promotion,
  state: SessionState,
  role: string,
): ApprovalStep | undefined {
  const asking = approvalSteps(promotion).filter((step) =>
    requiredRoles(step, state.meta.risk).some((r) => r.role === role),
  );
  const statusOf = (id: string) => state.steps.find((s) => s.id === id)?.status;
  return (
    asking.find((step) => statusOf(step.id) === 'running') ??
    asking.find((step) => statusOf(step.id) === 'pending' || statusOf(step.id) === undefined) ??
    asking.at(-1)
  );
}
