import type { ApprovalGateStatus } from './approvals.js';
import type { GoNoGoDecision } from './gonogo.js';

/**
 * THE single place that decides whether traffic may move in an environment (issue #3): approvals
 * valid, go/no-go GO, change ticket where required, and the maintenance window where the promotion
 * requires one. Everything that moves traffic asks this function and nothing else.
 *
 * `approvals` / `gonogo` undefined means the environment's phases have no such gate. Outside
 * production that is allowed (DEV has no approval gate, seed 1.3). In production it is itself a
 * blocker: a runbook that forgot its PROD gates must not move PROD traffic.
 */
export interface TrafficGuardInput {
  production: boolean;
  approvals: ApprovalGateStatus | undefined;
  gonogo: GoNoGoDecision | undefined;
  ticket: { ok: boolean; message?: string };
  window: { open: boolean; message: string };
  requiresWindow: boolean;
}

/** Why traffic may not move, one sentence each; empty means traffic may move. */
export function trafficBlockers(input: TrafficGuardInput): string[] {
  const blockers: string[] = [];

  if (input.approvals === undefined) {
    if (input.production)
      blockers.push('No approval gate has been passed for production; traffic cannot move.');
  } else if (!input.approvals.satisfied || input.approvals.problems.length > 0) {
    const detail = input.approvals.problems.length > 0 ? ` ${input.approvals.problems.join(' ')}` : '';
    blockers.push(`Approvals are not complete.${detail}`);
  }

  if (input.gonogo === undefined) {
    if (input.production) blockers.push('No go/no-go decision has been made; traffic cannot move.');
  } else if (input.gonogo === 'NO-GO') {
    blockers.push('The go/no-go decision is NO-GO.');
  }

  if (!input.ticket.ok) blockers.push(input.ticket.message ?? 'The change ticket is missing or not valid.');

  if (input.requiresWindow && !input.window.open) blockers.push(input.window.message);

  return blockers;
}
