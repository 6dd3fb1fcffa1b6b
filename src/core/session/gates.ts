import { type ApprovalGateStatus, approvalGateStatus } from '../gates/approvals.js';
import { dangerBlockers } from '../gates/danger-guard.js';
import { decideGoNoGo, type GoNoGoFacts, type GoNoGoResult } from '../gates/gonogo.js';
import { checkTicket } from '../gates/ticket.js';
import { windowStatus } from '../gates/window.js';
import { type GonogoInput, INPUT_FACTS, inputSources } from '../runbook/gonogo-sources.js';
import type { ApprovalStep, GonogoStep, Promotion, Runbook } from '../runbook/schema.js';
import { environmentOf, stepDefinition } from './selectors.js';
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

/** One input's figures, from its sources only (`from`, or every step before the gate that can feed it). */
function sourceFigures(
  state: SessionState,
  promotion: Promotion,
  gate: GonogoStep,
  input: GonogoInput,
): { values: (fact: string) => number[]; failedSteps: number } {
  const sources = inputSources(promotion, gate, input);
  const facts = INPUT_FACTS[input];
  const rows = sources.flatMap((source) => {
    const step = state.steps.find((s) => s.id === source.step);
    return (step?.evidence ?? []).filter(
      (e) =>
        facts.includes(e.fact) &&
        e.value !== null &&
        (source.evidence === undefined || e.id === source.evidence),
    );
  });
  const sourceSteps = new Set(sources.map((source) => source.step));
  return {
    values: (fact) => rows.filter((e) => e.fact === fact).map((e) => e.value!),
    failedSteps: state.steps.filter(
      (s) => sourceSteps.has(s.id) && s.kind === 'command' && s.status === 'failed',
    ).length,
  };
}

function lowest(values: number[]): number | undefined {
  return values.length ? Math.min(...values) : undefined;
}

function highest(values: number[]): number | undefined {
  return values.length ? Math.max(...values) : undefined;
}

/**
 * The facts of seed 8.1 gathered from what the session has recorded, each input from its declared
 * sources: the lowest coverage (every suite must meet the minimum), the tests of its runs (a failed
 * run counts as a failure), the worst performance figures.
 */
export function gonogoFacts(
  runbook: Runbook,
  promotion: Promotion,
  state: SessionState,
  gate: GonogoStep,
  now: number,
): GoNoGoFacts {
  const coverage = sourceFigures(state, promotion, gate, 'coverage');
  const tests = sourceFigures(state, promotion, gate, 'tests');
  const performance = sourceFigures(state, promotion, gate, 'performance');
  const failed = tests.values('tests-failed');
  const passed = tests.values('tests-passed');
  const commandFailures = tests.failedSteps;
  return {
    coveragePct: lowest(coverage.values('coverage')),
    testsPassed: passed.length ? passed.reduce((a, b) => a + b, 0) : undefined,
    testsFailed:
      failed.length || commandFailures
        ? failed.reduce((a, b) => a + b, 0) + commandFailures
        : passed.length
          ? 0
          : undefined,
    p95IncreasePct: highest(performance.values('p95-increase-pct')),
    errorRatePct: highest(performance.values('error-rate-pct')),
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
  return decideGoNoGo(step, gonogoFacts(runbook, promotion, state, step, now));
}

/**
 * THE check before any step changes an environment: a dangerous command (terraform apply, a
 * deploy) or traffic (the canary). Empty means it may run now.
 *
 * The gates that count are those the runbook places before the step (a SIT deploy comes before the
 * SIT approval); in production, a missing approval gate or go/no-go before the step is a blocker.
 * The ticket is the step's environment's; the window binds the promotion's target environment.
 */
export function dangerBlockersOf(
  runbook: Runbook,
  promotion: Promotion,
  state: SessionState,
  stepId: string,
  now: number,
): string[] {
  const steps = promotion.phases.flatMap((p) => p.steps);
  const index = steps.findIndex((s) => s.id === stepId);
  if (index < 0) return [`Step ${stepId} is not in promotion ${promotion.id}.`];
  const phase = promotion.phases.find((p) => p.steps.some((s) => s.id === stepId));
  const envId = phase?.environment ?? promotion.to;
  const env = environmentOf(runbook, envId);
  if (!env) return [`Environment ${envId} is not in the runbook.`];
  const before = steps.slice(0, index);
  const gates = before.filter((s): s is ApprovalStep => s.kind === 'approval');
  const statuses = gates.map((s) => approvalStatusOf(runbook, state, s, now));
  const approvals: ApprovalGateStatus | undefined =
    statuses.length === 0
      ? undefined
      : {
          satisfied: statuses.every((s) => s.satisfied),
          problems: statuses.flatMap((s) => s.problems),
          roles: statuses.flatMap((s) => s.roles),
        };
  const step = stepDefinition(promotion, stepId);
  return dangerBlockers({
    production: env.production,
    approvals,
    gonogo: before.some((s) => s.kind === 'gonogo') ? state.gonogo?.decision : undefined,
    gonogoDeclared: steps.some((s) => s.kind === 'gonogo'),
    ticket: checkTicket(env, state.meta.ticket),
    window: windowStatus(state.meta.window, now, state.meta.windowOverride),
    requiresWindow: promotion.requiresWindow && env.id === promotion.to,
    refused: step?.kind === 'canary' ? 'traffic cannot move' : 'this step cannot run',
  });
}
