import { formatDuration } from '../runbook/duration.js';
import type { ApprovalStep, Risk } from '../runbook/schema.js';

/**
 * Approval gates (seed 3.2, 6.1-6.4). Pure: the time is always passed in.
 *
 * Decisions taken where the seed is silent:
 * - Handles are compared without case and without the leading "@": "@Jane.Doe" is "jane.doe".
 * - Newest approval wins per role (by `at`; on a tie, the one recorded later in the list).
 * - An approval counts from its `at` for `step.expiry`; at exactly `at + expiry` it has expired.
 * - Distinct approvers: only approvals still standing (not expired) are compared, so a person whose
 *   old approval has lapsed may approve another role instead. When two standing approvals come from
 *   the same person, the earlier one keeps its role and the later one does not count.
 * - An approval that breaks a rule (conductor under separation of duties, same person twice) is
 *   shown with state 'invalid' so the screen can name it; it never satisfies the gate.
 */

export interface ApprovalRecord {
  role: string;
  /** A handle, e.g. @jane.doe. */
  approver: string;
  /** Epoch ms. */
  at: number;
  comment: string;
  /** A ticket or a Slack link. */
  reference?: string;
  /** A signed approval's token expiry: it lasts no longer than the signer said. */
  validUntil?: number;
  /** Signed by the approver's SSH key (issue 16.1); absent: recorded by the conductor. */
  signed?: true;
  signer?: string;
  fingerprint?: string;
}

export interface RequiredRole {
  role: string;
  /** Why the gate asks for this role, e.g. "required by PROD approval" or "risk high -> Business Owner". */
  why: string;
}

export type RoleState = 'approved' | 'expired' | 'missing' | 'invalid';

export interface RoleStatus {
  role: string;
  why: string;
  /** The newest approval recorded for this role, whether or not it still counts. */
  approval?: ApprovalRecord;
  expiresAt?: number;
  state: RoleState;
  /** Why an 'invalid' approval does not count. */
  problem?: string;
}

export interface ApprovalGateStatus {
  roles: RoleStatus[];
  satisfied: boolean;
  /** One sentence per thing that keeps the gate closed. */
  problems: string[];
  escalate?: { since: number; text: string };
}

export type RoleTitles = Record<string, string>;

function titleOf(role: string, roleTitles?: RoleTitles): string {
  return roleTitles?.[role] ?? role;
}

/** "@Jane.Doe " -> "jane.doe": the identity of a person, for comparisons only. */
export function normalizeHandle(handle: string): string {
  return handle.trim().replace(/^@+/, '').toLowerCase();
}

/** The roles this gate asks for at this risk: its fixed roles, then conditional ones whose risk matches. */
export function requiredRoles(step: ApprovalStep, risk: Risk, roleTitles?: RoleTitles): RequiredRole[] {
  const required: RequiredRole[] = step.roles.map((role) => ({ role, why: `required by ${step.title}` }));
  for (const conditional of step.conditionalRoles) {
    if (!conditional.whenRisk.includes(risk)) continue;
    if (required.some((r) => r.role === conditional.role)) continue;
    required.push({
      role: conditional.role,
      why: `risk ${risk} -> ${titleOf(conditional.role, roleTitles)}`,
    });
  }
  return required;
}

/** Newest approval per role; on equal times the one recorded later wins. */
function newestPerRole(approvals: ApprovalRecord[]): Map<string, ApprovalRecord> {
  const newest = new Map<string, ApprovalRecord>();
  for (const approval of approvals) {
    const current = newest.get(approval.role);
    if (!current || approval.at >= current.at) newest.set(approval.role, approval);
  }
  return newest;
}

function formatAt(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export interface ApprovalGateInput {
  step: ApprovalStep;
  risk: Risk;
  /** Every approval recorded for this gate; the newest per role counts. */
  approvals: ApprovalRecord[];
  /** Handle of the session's conductor. */
  conductor: string;
  /** When the gate started waiting (epoch ms), for escalation. */
  openedAt: number;
  now: number;
  roleTitles?: RoleTitles;
}

export function approvalGateStatus(input: ApprovalGateInput): ApprovalGateStatus {
  const { step, risk, conductor, now, roleTitles } = input;
  const required = requiredRoles(step, risk, roleTitles);
  const newest = newestPerRole(input.approvals);
  const conductorId = normalizeHandle(conductor);

  const roles: RoleStatus[] = required.map(({ role, why }) => {
    const approval = newest.get(role);
    if (!approval) return { role, why, state: 'missing' };
    const expiresAt = Math.min(approval.at + step.expiry, approval.validUntil ?? Number.POSITIVE_INFINITY);
    if (now >= expiresAt) return { role, why, approval, expiresAt, state: 'expired' };
    return { role, why, approval, expiresAt, state: 'approved' };
  });

  // Rule checks over the standing approvals, earliest first, so the earlier approval keeps its role.
  const standing = roles
    .filter((r) => r.state === 'approved')
    .sort((a, b) => (a.approval?.at ?? 0) - (b.approval?.at ?? 0));
  const holderOf = new Map<string, string>();
  for (const status of standing) {
    const approval = status.approval!;
    const person = normalizeHandle(approval.approver);
    if (person === '' || approval.comment.trim() === '') {
      status.state = 'invalid';
      status.problem = `The ${titleOf(status.role, roleTitles)} approval has no approver or no comment; it must be given again.`;
    } else if (step.separationOfDuties && person === conductorId) {
      status.state = 'invalid';
      status.problem = `${approval.approver} is conducting this session and cannot also approve as ${titleOf(status.role, roleTitles)} (separation of duties); another person must approve.`;
    } else if (step.distinctApprovers && holderOf.has(person)) {
      status.state = 'invalid';
      status.problem = `${approval.approver} already approved as ${titleOf(holderOf.get(person)!, roleTitles)}; ${titleOf(status.role, roleTitles)} must be approved by a different person.`;
    } else {
      holderOf.set(person, status.role);
    }
  }

  const problems: string[] = [];
  for (const status of roles) {
    const title = titleOf(status.role, roleTitles);
    if (status.state === 'missing') problems.push(`${title} has not approved yet (${status.why}).`);
    if (status.state === 'expired') {
      problems.push(
        `${title} approval by ${status.approval!.approver} expired at ${formatAt(status.expiresAt!)} (approvals last ${formatDuration(step.expiry)}); it must be given again.`,
      );
    }
    if (status.state === 'invalid') problems.push(status.problem!);
  }

  const satisfied = problems.length === 0;
  const result: ApprovalGateStatus = { roles, satisfied, problems };
  if (!satisfied && step.escalateAfter !== undefined && now - input.openedAt >= step.escalateAfter) {
    const waitingOn = roles.filter((r) => r.state !== 'approved').map((r) => titleOf(r.role, roleTitles));
    const advice = step.escalation ?? 'Escalate to whoever the runbook names for this gate.';
    result.escalate = {
      since: input.openedAt + step.escalateAfter,
      text: `Waiting ${formatDuration(now - input.openedAt)} on ${waitingOn.join(', ')}. ${advice}`,
    };
  }
  return result;
}

export interface NewApprovalInput {
  step: ApprovalStep;
  risk: Risk;
  approvals: ApprovalRecord[];
  conductor: string;
  candidate: ApprovalRecord;
  roleTitles?: RoleTitles;
}

/**
 * Why a new approval must be refused, as one sentence for the person typing it; undefined when it
 * may be recorded. Giving the same role again (renewal) by the same person is allowed.
 */
export function checkNewApproval(input: NewApprovalInput): string | undefined {
  const { step, risk, candidate, roleTitles } = input;
  const title = titleOf(candidate.role, roleTitles);
  const required = requiredRoles(step, risk, roleTitles);
  if (!required.some((r) => r.role === candidate.role)) {
    const asked = required.map((r) => titleOf(r.role, roleTitles)).join(', ');
    return `${title} is not asked for at this gate (risk ${risk}); it needs: ${asked}.`;
  }
  const person = normalizeHandle(candidate.approver);
  if (person === '') return `Give the approver's handle (e.g. @jane.doe) for ${title}.`;
  if (/\s/.test(candidate.approver.trim())) {
    return `"${candidate.approver}" is not a handle; write it like @jane.doe.`;
  }
  if (candidate.comment.trim() === '') {
    return `Add the approver's comment (e.g. "Performance baseline met, ready for PROD"); an approval without one is not recorded.`;
  }
  if (step.separationOfDuties && person === normalizeHandle(input.conductor)) {
    return `${candidate.approver} is conducting this session and cannot approve as ${title} (separation of duties); ask another person.`;
  }
  if (step.distinctApprovers) {
    // Only approvals still standing when the candidate is given count against it.
    for (const [role, approval] of newestPerRole(input.approvals)) {
      if (role === candidate.role) continue;
      if (!required.some((r) => r.role === role)) continue;
      if (candidate.at >= approval.at + step.expiry) continue;
      if (normalizeHandle(approval.approver) === person) {
        return `${candidate.approver} already approved as ${titleOf(role, roleTitles)}; ${title} must be approved by a different person.`;
      }
    }
  }
  return undefined;
}
