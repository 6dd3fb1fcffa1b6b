import { type ApprovalGateStatus, approvalGateStatus } from '../gates/approvals.js';
import { decideGoNoGo, type GoNoGoFacts, type GoNoGoResult } from '../gates/gonogo.js';
import { checkTicket } from '../gates/ticket.js';
import { trafficBlockers } from '../gates/traffic-guard.js';
import { windowStatus } from '../gates/window.js';
import type { ApprovalStep, GonogoStep, Promotion, Runbook } from '../runbook/schema.js';
import { environmentOf, evidenceValues, latestEvidence } from './selectors.js';
import type { SessionState } from './state.js';

/** Session-level glue between the journal's state and the pure gates of core/gates. */

export function roleTitles(runbook: Runbook): Record<string, string> {
  return Object.fromEntries(runbook.roles.map((r) => [r.id, r.title]));
}

export function approvalSteps(promotion: Promotion): ApprovalStep[] {
  return promotion.phases.flatMap((p) => p.steps.filter((s): s is ApprovalStep => s.kind === 'approval'));
}

export function approvalStatusOf(
  runbook: Runbook,
  state: SessionState,
  step: ApprovalStep,
  now: number,
): ApprovalGateStatus {
  const opened = state.steps.find((s) => s.id === step.id)?.startedAt ?? now;
  return approvalGateStatus({
    step,
    risk: state.meta.risk,
    approvals: state.approvals.filter((a) => a.step === step.id),
    conductor: state.meta.conductor,
    openedAt: opened,
    now,
    roleTitles: roleTitles(runbook),
  });
}

/** All approval gates of the promotion, still valid now. */
export function approvalsSatisfied(runbook: Runbook, promotion: Promotion, state: SessionState, now: number) {
  const steps = approvalSteps(promotion);
  if (steps.length === 0) return undefined;
  const statuses = steps.map((s) => approvalStatusOf(runbook, state, s, now));
  return {
    satisfied: statuses.every((s) => s.satisfied),
    problems: statuses.flatMap((s) => s.problems),
    roles: statuses.flatMap((s) => s.roles),
  } satisfies ApprovalGateStatus;
}

/** The facts of seed 8.1 gathered from what the session has recorded. */
export function gonogoFacts(
  runbook: Runbook,
  promotion: Promotion,
  state: SessionState,
  now: number,
): GoNoGoFacts {
  const failed = evidenceValues(state, 'tests-failed');
  const passed = evidenceValues(state, 'tests-passed');
  const commandFailures = state.steps.filter((s) => s.kind === 'command' && s.status === 'failed').length;
  return {
    coveragePct: latestEvidence(state, 'coverage'),
    testsPassed: passed.length ? passed.reduce((a, b) => a + b, 0) : undefined,
    testsFailed:
      failed.length || commandFailures
        ? failed.reduce((a, b) => a + b, 0) + commandFailures
        : passed.length
          ? 0
          : undefined,
    p95IncreasePct: latestEvidence(state, 'p95-increase-pct'),
    errorRatePct: latestEvidence(state, 'error-rate-pct'),
    approvalsSatisfied: approvalsSatisfied(runbook, promotion, state, now)?.satisfied ?? true,
    risk: state.meta.risk,
    mitigation: state.meta.mitigation,
  };
}

export function decideFor(
  runbook: Runbook,
  promotion: Promotion,
  state: SessionState,
  step: GonogoStep,
  now: number,
): GoNoGoResult {
  return decideGoNoGo(step, gonogoFacts(runbook, promotion, state, now));
}

/** THE check before any traffic moves in the target environment: empty means it may move. */
export function trafficBlockersOf(
  runbook: Runbook,
  promotion: Promotion,
  state: SessionState,
  now: number,
): string[] {
  const env = environmentOf(runbook, promotion.to);
  if (!env) return [`environment ${promotion.to} is not in the runbook`];
  const gonogoStep = promotion.phases.flatMap((p) => p.steps).find((s) => s.kind === 'gonogo');
  return trafficBlockers({
    production: env.production,
    approvals: approvalsSatisfied(runbook, promotion, state, now),
    gonogo: gonogoStep ? state.gonogo?.decision : undefined,
    ticket: checkTicket(env, state.meta.ticket),
    window: windowStatus(state.meta.window, now, state.meta.windowOverride),
    requiresWindow: promotion.requiresWindow,
  });
}
