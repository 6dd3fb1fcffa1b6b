import type { Runbook } from '../runbook/schema.js';
import { findPromotion } from '../session/selectors.js';
import type { SessionState } from '../session/state.js';
import { formatTime, formatZonedTime } from './report-format.js';

export interface ApprovalRecordOptions {
  /** Offset of the zone the record is written in (seed 6.4 writes UTC+2). Default UTC. */
  utcOffsetMinutes?: number;
}

function environmentTitle(runbook: Runbook, id: string): string {
  return runbook.environments.find((e) => e.id === id)?.title ?? id.toUpperCase();
}

/** Which environment's gate each approval step is: the environment of the phase that holds it. */
function approvalStepEnvironments(
  runbook: Runbook,
  state: SessionState,
): Array<{ env: string; steps: string[] }> {
  const promotion = findPromotion(runbook, state.meta.promotionId);
  const groups: Array<{ env: string; steps: string[] }> = [];
  const add = (env: string, step: string) => {
    const group = groups.find((g) => g.env === env);
    if (group) group.steps.push(step);
    else groups.push({ env, steps: [step] });
  };
  for (const phase of promotion?.phases ?? []) {
    for (const step of phase.steps) {
      if (step.kind === 'approval') add(phase.environment ?? state.meta.to, step.id);
    }
  }
  // Approvals recorded on a step the runbook no longer has still belong in the record.
  const known = new Set(groups.flatMap((g) => g.steps));
  for (const approval of state.approvals) {
    if (!known.has(approval.step)) {
      add(state.meta.to, approval.step);
      known.add(approval.step);
    }
  }
  return groups;
}

/**
 * The approval record in the format of the seed runbook's 6.4 template:
 *
 *   Promotion: v2024.12.25.1 (SIT → PROD)
 *   Date: 2025-12-25 14:00:00 UTC+2
 *
 *   PROD Approval:
 *   - Tech Lead: Jane Doe (@jane.doe)
 *     Approved: 2025-12-25 16:45:00
 *     Comment: "Performance baseline met, ready for PROD"
 */
export function approvalRecord(
  runbook: Runbook,
  state: SessionState,
  options: ApprovalRecordOptions = {},
): string {
  const offset = options.utcOffsetMinutes ?? 0;
  const meta = state.meta;
  const roleTitle = (id: string) => runbook.roles.find((r) => r.id === id)?.title ?? id;
  const lines = [
    `Promotion: ${meta.version} (${environmentTitle(runbook, meta.from)} → ${environmentTitle(runbook, meta.to)})`,
    `Date: ${formatZonedTime(meta.createdAt, offset)}`,
  ];
  for (const group of approvalStepEnvironments(runbook, state)) {
    lines.push('', `${environmentTitle(runbook, group.env)} Approval:`);
    const approvals = state.approvals.filter((a) => group.steps.includes(a.step));
    if (approvals.length === 0) {
      lines.push('- none recorded');
      continue;
    }
    approvals.forEach((approval, i) => {
      if (i > 0) lines.push('');
      lines.push(
        `- ${roleTitle(approval.role)}: ${approval.approver}`,
        `  Approved: ${formatTime(approval.at, offset)}`,
        `  Comment: "${approval.comment.replace(/\s*\n\s*/g, ' ')}"`,
        approval.signed
          ? `  Signed: ${approval.signer ?? approval.approver}, SSH key ${approval.fingerprint ?? 'unknown'}`
          : '  Recorded by the conductor (not signed)',
      );
    });
  }
  if (meta.rehearsal) {
    lines.push(
      '',
      `Rehearsal (scenario ${meta.rehearsal.scenario}, ${meta.rehearsal.speed}x): these approvals were recorded in a rehearsal and approve nothing.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
