import type { Step } from '../runbook/schema.js';
import type { ApprovalGateStatus } from './approvals.js';
import type { GoNoGoDecision } from './gonogo.js';

/**
 * THE single place that decides whether a step may change an environment (issues #3 and #11): a
 * dangerous step (terraform apply, a deploy) and every traffic change run only with approvals
 * valid, go/no-go GO, the change ticket where required, and inside the maintenance window where
 * the promotion requires one (or with an override and its reason). Everything that changes an
 * environment asks this function and nothing else.
 *
 * `approvals` / `gonogo` undefined means no such gate comes before the step. Outside production
 * that is allowed (DEV has no approval gate, seed 1.3; the SIT deploy comes before the SIT
 * approval, seed 4.2-4.3). In production it is itself a blocker: a runbook that forgot its PROD
 * approval gate, or placed a dangerous step before its gates, must not change PROD. A promotion that
 * declares no go/no-go at all (`gonogoDeclared: false`) is gated on approvals, ticket and window.
 */
export interface DangerGuardInput {
  production: boolean;
  approvals: ApprovalGateStatus | undefined;
  gonogo: GoNoGoDecision | undefined;
  /**
   * False when the promotion declares no go/no-go at all: traffic is then gated on approvals, ticket
   * and window alone (issue 13). A go/no-go declared but placed after the step still blocks in
   * production. Default true.
   */
  gonogoDeclared?: boolean;
  ticket: { ok: boolean; message?: string };
  window: { open: boolean; message: string };
  requiresWindow: boolean;
  /** What is refused, as the end of a sentence: "traffic cannot move" (the default), "it cannot run". */
  refused?: string;
}

/** The steps the guard stands before: a dangerous command, and traffic (the canary). */
export function isGuardedStep(step: Step | undefined): boolean {
  return (step?.kind === 'command' && step.dangerous) || step?.kind === 'canary';
}

/** Why the step may not change its environment, one sentence each; empty means it may. */
export function dangerBlockers(input: DangerGuardInput): string[] {
  const blockers: string[] = [];
  const refused = input.refused ?? 'traffic cannot move';

  if (input.approvals === undefined) {
    if (input.production) blockers.push(`No approval gate has been passed for production; ${refused}.`);
  } else if (!input.approvals.satisfied || input.approvals.problems.length > 0) {
    const detail = input.approvals.problems.length > 0 ? ` ${input.approvals.problems.join(' ')}` : '';
    blockers.push(`Approvals are not complete.${detail}`);
  }

  if (input.gonogo === undefined) {
    if (input.production && input.gonogoDeclared !== false)
      blockers.push(`No go/no-go decision has been made; ${refused}.`);
  } else if (input.gonogo === 'NO-GO') {
    blockers.push('The go/no-go decision is NO-GO.');
  }

  if (!input.ticket.ok) blockers.push(input.ticket.message ?? 'The change ticket is missing or not valid.');

  if (input.requiresWindow && !input.window.open) blockers.push(input.window.message);

  return blockers;
}
