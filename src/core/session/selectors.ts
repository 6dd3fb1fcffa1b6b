import type { CanaryStep, Environment, Promotion, Runbook, Step } from '../runbook/schema.js';
import type { RollbackTargetRecord, TrafficSnapshot } from './events.js';
import type { CanaryStageState, SessionState, StepState } from './state.js';

/** The step the session is on: the first one that has not passed (a failed step stays current). */
export function currentStep(state: SessionState): StepState | undefined {
  return state.steps.find((s) => s.status !== 'passed' && s.status !== 'skipped');
}

export function stepDefinition(promotion: Promotion, stepId: string): Step | undefined {
  for (const phase of promotion.phases) {
    const step = phase.steps.find((s) => s.id === stepId);
    if (step) return step;
  }
  return undefined;
}

/** The promotion's canary step (a promotion has at most one): its bands, stages and countdown. */
export function canaryStepOf(promotion: Promotion): CanaryStep | undefined {
  for (const phase of promotion.phases)
    for (const step of phase.steps) if (step.kind === 'canary') return step;
  return undefined;
}

export function phaseOf(promotion: Promotion, stepId: string) {
  return promotion.phases.find((p) => p.steps.some((s) => s.id === stepId));
}

export function findPromotion(runbook: Runbook, id: string): Promotion | undefined {
  return runbook.promotions.find((p) => p.id === id);
}

export function environmentOf(runbook: Runbook, id: string): Environment | undefined {
  return runbook.environments.find((e) => e.id === id);
}

/** The environment a step acts on: its phase's, else the promotion's target. */
export function stepEnvironment(runbook: Runbook, promotion: Promotion, stepId: string): Environment {
  const phase = phaseOf(promotion, stepId);
  const id = phase?.environment ?? promotion.to;
  const env = environmentOf(runbook, id);
  if (!env) throw new Error(`environment "${id}" is not in the runbook`);
  return env;
}

export function currentStage(state: SessionState): CanaryStageState | undefined {
  const stages = state.canary?.stages;
  return stages && stages.length > 0 ? stages[stages.length - 1] : undefined;
}

/** The weight a stage runs at: its own, or the live one adopted after a drift while it ran. */
export function stageWeight(stage: CanaryStageState): number {
  return stage.adoptedWeight ?? stage.weight;
}

/** Hold time that has counted so far: paused and stale time does not count. */
export function stageElapsed(stage: CanaryStageState, now: number): number {
  const pausedNow = stage.pausedAt !== undefined ? Math.max(0, now - stage.pausedAt) : 0;
  const end = stage.completedAt ?? now;
  return Math.max(0, end - stage.startedAt - stage.pausedMs - pausedNow);
}

export function stageTimeLeft(stage: CanaryStageState, now: number): number {
  return Math.max(0, stage.holdMs + stage.extendedMs - stageElapsed(stage, now));
}

/** Traffic is shifted when any of it is on the new version and no rollback has reverted it. */
export function trafficShifted(state: SessionState): boolean {
  if (state.rollback?.revertedAt !== undefined) return false;
  return state.recordedWeight > 0 || state.canary?.promoted === true;
}

/** Latest evidence value for a fact across all steps (e.g. coverage), newest step last. */
export function latestEvidence(state: SessionState, fact: string): number | undefined {
  let value: number | undefined;
  for (const step of state.steps) {
    for (const e of step.evidence) if (e.fact === fact && e.value !== null) value = e.value;
  }
  return value;
}

/** All evidence values of a fact (e.g. tests-passed from several suites). */
export function evidenceValues(state: SessionState, fact: string): number[] {
  return state.steps.flatMap((s) =>
    s.evidence.filter((e) => e.fact === fact && e.value !== null).map((e) => e.value!),
  );
}

export function describeWeight(state: SessionState): string {
  if (state.rollback?.revertedAt !== undefined) return 'all traffic on the stable version (rolled back)';
  if (state.canary?.promoted) return 'all traffic on the new version (promoted)';
  if (state.recordedWeight > 0) return `${state.recordedWeight}% on the new version`;
  return 'no traffic on the new version';
}

/**
 * Share of traffic (percent) on the new release in a split read from AWS: the canary share
 * before promotion, the primary's share once the new deployment or version is primary.
 */
export function newReleasePercent(split: TrafficSnapshot, target: RollbackTargetRecord | undefined): number {
  const stage = split.apiGateway;
  if (stage) {
    const promoted =
      target?.apiGateway?.canaryDeploymentId !== undefined &&
      stage.deploymentId === target.apiGateway.canaryDeploymentId;
    return promoted ? 100 - stage.canaryPercent : stage.canaryPercent;
  }
  const lambda = split.lambdas[0];
  if (!lambda) return 0;
  const recorded = target?.lambdas.find((l) => l.functionName === lambda.functionName);
  if (recorded && lambda.primaryVersion === recorded.canaryVersion)
    return Math.round((1 - lambda.additionalWeight) * 100);
  return Math.round(lambda.additionalWeight * 100);
}

/**
 * The time the screens show a session at: its clock while it runs, and once it completed the moment
 * it did, so the summary's header clock and ages stand still. A rehearsal's engine clock runs on,
 * accelerated, after the session is over; the world the summary describes does not.
 */
export function sessionTime(state: SessionState, now: number): number {
  return state.status === 'completed' && state.completedAt !== undefined ? state.completedAt : now;
}

/** One line of the session index: what `conductor sessions` and the home screen list. */
export function sessionSummary(state: SessionState) {
  return {
    id: state.meta.sessionId,
    title: `${state.meta.runbookTitle}: ${state.meta.version} ${state.meta.from} -> ${state.meta.to}`,
    runbookFile: state.meta.runbookFile,
    promotionId: state.meta.promotionId,
    version: state.meta.version,
    status: state.status === 'completed' ? (state.outcome ?? 'completed') : state.status,
    currentStep: currentStep(state)?.title ?? '',
    createdAt: state.meta.createdAt,
    updatedAt: state.lastEventAt,
    rehearsal: state.meta.rehearsal !== undefined,
  };
}
