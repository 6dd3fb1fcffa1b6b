import type { ExtraValue } from '../../core/canary/extra-metrics.js';
import {
  judgeSample,
  type MetricsResult,
  type SampleJudgement,
  type TargetSample,
} from '../../core/canary/judge.js';
import {
  type CanaryAction,
  metricsFrom,
  nextCanaryAction,
  RECHECK_MS,
  rollbackBandAction,
  STALE_BY,
  sampleWindow,
  staleHoldChange,
} from '../../core/canary/planner.js';
import { type SeriesStats, type Verdict, verdictRank } from '../../core/canary/verdict.js';
import type { CanaryStep, MonitorStep } from '../../core/runbook/schema.js';
import type { RollbackTargetRecord, TrafficSnapshot } from '../../core/session/events.js';
import { currentStage } from '../../core/session/selectors.js';
import type { StepState } from '../../core/session/state.js';
import type { EngineContext } from '../context.js';
import { dangerGuardClear, heldByDangerGuard } from '../danger-guard.js';
import { driftDetails } from '../drift.js';
import { ensureIdentity } from '../identity.js';
import type { MetricsRequest } from '../ports.js';
import { postProgressIfDue } from '../progress-updates.js';
import { backoffMs } from '../retry.js';
import { AUTOPILOT } from './manual.js';

/** Run an AWS call; on failure record it (one sentence) and return undefined. */
export async function awsCall<T>(
  c: EngineContext,
  operation: string,
  call: () => Promise<T>,
): Promise<T | undefined> {
  try {
    const result = await call();
    c.recordAwsSuccess(operation);
    return result;
  } catch (error) {
    if (c.signal.aborted) return undefined;
    c.recordAwsError(operation, error);
    return undefined;
  }
}

/**
 * Record where a rollback goes, before the first traffic change. The account was proven before
 * the step ran (engine/identity.ts, called by the loop).
 */
export async function prepareTarget(c: EngineContext): Promise<RollbackTargetRecord | undefined> {
  const env = c.env;
  const aws = c.awsFor(env);
  if (!c.state.rollbackTarget) {
    const target = await awsCall(c, 'read rollback target', () => aws.readRollbackTarget(c.signal));
    if (!target) {
      // The loop runs this step again at once: wait first, longer each time, and say so.
      await c.backOff('read rollback target', c.state.canary?.step);
      return undefined;
    }
    c.dispatch({ type: 'rollback-target.recorded', at: c.now(), target });
  }
  return c.state.rollbackTarget;
}

/** The API Gateway target's id in a metrics sample (the metrics service names it so). */
const API_TARGET_ID = 'apigateway';

const NO_TRAFFIC: SeriesStats = { requests: 0, errors: 0, errorRatePct: null, p95Ms: null, throttles: 0 };

/**
 * After promotion the stage itself runs the new deployment and its canary stage is gone: the
 * stage's own series is now the new version's, judged against the last good baseline. Without
 * this the monitor judged an empty canary stage (INSUFFICIENT) for the whole two hours.
 */
function withPromotedStage(c: EngineContext, targets: TargetSample[]): TargetSample[] {
  if (!c.state.canary?.promoted) return targets;
  return targets.map((t) =>
    t.targetId === API_TARGET_ID ? { ...t, canary: t.baseline, baseline: NO_TRAFFIC } : t,
  );
}

/** A baseline with too little traffic (at 100% the stable version gets none) is replaced by the last good one. */
function withRememberedBaseline(c: EngineContext, def: CanaryStep, targets: TargetSample[]): TargetSample[] {
  const samples = [...(c.state.canary?.stages ?? []).flatMap((s) => s.samples)];
  return targets.map((t) => {
    if (t.baseline.requests >= def.minRequests && t.baseline.p95Ms !== null) return t;
    for (let i = samples.length - 1; i >= 0; i--) {
      const previous = samples[i].targets.find((p) => p.targetId === t.targetId);
      if (previous && previous.baseline.requests >= def.minRequests && previous.baseline.p95Ms !== null) {
        const baseline: SeriesStats = previous.baseline;
        return { ...t, baseline };
      }
    }
    return t;
  });
}

/** Whole fetches a poll may try (each already retried by the SDK) before its deadline makes it STALE. */
export const FETCHES_PER_POLL = 3;

/**
 * Lets a caller worsen a sample's verdict from the extra metrics (the monitor's replication lag)
 * before the sample is recorded, so the verdict in the journal is the one the rollback band counts.
 */
export type ExtraVerdict = (
  extra: ExtraValue[] | undefined,
) => { verdict: Verdict; reasons: string[] } | undefined;

/** Fetch the metrics, trying again after a failure while the poll's deadline allows. */
async function fetchWithinDeadline(
  c: EngineContext,
  target: RollbackTargetRecord,
  request: MetricsRequest,
  periodMs: number,
  signal: AbortSignal,
): Promise<MetricsResult> {
  for (let fetch = 1; ; fetch++) {
    try {
      return await c.awsFor().fetchMetrics(target, request, signal);
    } catch (error) {
      // Throttling that outlasts the SDK's own retries is worth another round: the poll period,
      // not the SDK's attempt count, is what a sample may spend.
      if (signal.aborted || fetch >= FETCHES_PER_POLL) throw error;
      // The same backoff as every retry (engine/retry.ts), scaled to fit in the poll's period.
      const firstMs = Math.max(1, periodMs / 20);
      await c.clock.sleep(backoffMs(firstMs, periodMs / 5, fetch), signal);
    }
  }
}

const METRICS_CALL = 'cloudwatch:GetMetricData';
const READ_SPLIT = 'read traffic split';

/** One poll: metrics and the live split, bounded by the poll period so a hung call becomes STALE. */
export async function pollOnce(
  c: EngineContext,
  def: CanaryStep,
  target: RollbackTargetRecord,
  stepId: string,
  stageIndex: number,
  periodMs: number,
  extraMetrics?: MonitorStep['extraMetrics'],
  extraVerdict?: ExtraVerdict,
): Promise<SampleJudgement | undefined> {
  const aws = c.awsFor();
  const lastBoundary = Math.floor(c.now() / periodMs) * periodMs;
  const firstShift = metricsFrom(
    c.state.canary?.stages[0]?.startedAt ?? lastBoundary - periodMs,
    c.options.metricsSince,
  );
  const { start: windowStart, end: windowEnd } = sampleWindow(c.now(), periodMs, def.window, firstShift);
  const timeout = new AbortController();
  const onLoopAbort = () => timeout.abort(c.signal.reason);
  c.signal.addEventListener('abort', onLoopAbort, { once: true });
  // A poll that outlives its period is STALE; at high rehearsal speeds a period is a few real
  // milliseconds, so the deadline never drops below a quarter of a real second.
  const deadlineMs = Math.max(periodMs, 250 * c.clock.speed);
  const timer = c.clock.sleep(deadlineMs, timeout.signal).then(
    () => timeout.abort(new Error('the metrics poll took longer than its period')),
    () => undefined,
  );
  let judgement: SampleJudgement;
  let extra: ExtraValue[] | undefined;
  let live: TrafficSnapshot | undefined;
  try {
    const [metrics, split] = await Promise.all([
      fetchWithinDeadline(
        c,
        target,
        { start: windowStart, end: windowEnd, periodMs, extra: extraMetrics },
        periodMs,
        timeout.signal,
      ),
      aws.readTrafficSplit(target, timeout.signal).then(
        (split) => {
          c.recordAwsSuccess(READ_SPLIT);
          c.driftCheckDue = false;
          return split;
        },
        (error: unknown) => {
          // The sample does not wait for it; the failure is counted like any other (engine/retry.ts).
          if (!c.signal.aborted && !timeout.signal.aborted) c.recordAwsError(READ_SPLIT, error);
          return undefined;
        },
      ),
    ]);
    c.recordAwsSuccess(METRICS_CALL);
    c.awsCalls.metrics += metrics.calls;
    live = split;
    extra = metrics.extra;
    judgement = judgeSample(def, {
      targets: withRememberedBaseline(c, def, withPromotedStage(c, metrics.targets)),
    });
    const worse = extraVerdict?.(extra);
    if (worse && verdictRank(worse.verdict) > verdictRank(judgement.verdict)) {
      judgement = { ...judgement, verdict: worse.verdict, reasons: [...worse.reasons, ...judgement.reasons] };
    } else if (worse) {
      judgement = { ...judgement, reasons: [...judgement.reasons, ...worse.reasons] };
    }
  } catch (error) {
    if (c.signal.aborted) return undefined;
    const reason = timeout.signal.aborted
      ? `CloudWatch did not answer within the ${Math.round(periodMs / 1000)} s poll period.`
      : aws.describeError(error, METRICS_CALL);
    // Every poll records its STALE sample; the error itself is journaled once per distinct error
    // with its count, like every retried AWS error (engine/retry.ts).
    c.recordAwsError(METRICS_CALL, error, c.env, reason);
    judgement = judgeSample(def, { stale: true, reason });
  } finally {
    timeout.abort();
    c.signal.removeEventListener('abort', onLoopAbort);
    await timer;
  }
  c.lastPollAt = c.now();
  c.dispatch({
    type: 'canary.sample',
    at: c.now(),
    step: stepId,
    stage: stageIndex,
    windowStart,
    windowEnd,
    verdict: judgement.verdict,
    reasons: judgement.reasons,
    targets: judgement.targets.map((t) => ({
      targetId: t.targetId,
      label: t.label,
      verdict: t.verdict,
      reasons: t.reasons,
      canary: t.canary,
      baseline: t.baseline,
      limitsBaseP95Ms: t.limits.baselineP95Ms,
    })),
    extra,
  });
  if (live) {
    c.dispatch({ type: 'traffic.read', at: c.now(), split: live });
    const details = driftDetails(c.state, live);
    const pending = c.state.drift !== undefined && c.state.drift.resolved === undefined;
    if (details.length > 0 && !c.state.rollback && !pending) {
      c.dispatch({
        type: 'drift.detected',
        at: c.now(),
        recordedWeight: c.state.recordedWeight,
        live,
        details,
      });
    }
  }
  // Stakeholders hear of a verdict change with the sample that shows it (engine/progress-updates.ts).
  postProgressIfDue(c);
  return judgement;
}

/** Arm, count down, or fire the automatic rollback after a sustained breach (seed 10.2). */
export function guardRollbackBand(
  c: EngineContext,
  def: CanaryStep,
  stepId: string,
  verdicts: readonly Verdict[],
): boolean {
  const action = rollbackBandAction(
    { state: c.state, def, now: c.now(), mode: c.mode, speed: c.clock.speed },
    verdicts,
  );
  return action !== undefined && carryOutBand(c, stepId, action);
}

/** The rollback band's action carried out; true when the rollback fired. */
function carryOutBand(
  c: EngineContext,
  stepId: string,
  action: Extract<CanaryAction, { kind: 'arm-rollback' | 'fire-rollback' }>,
): boolean {
  if (action.kind === 'fire-rollback') {
    c.abort(action.reason, action.trigger);
    return true;
  }
  const { kind: _, ...armed } = action;
  c.dispatch({ type: 'canary.auto-rollback.armed', step: stepId, ...armed });
  return false;
}

async function identityStillProven(c: EngineContext, stepId: string): Promise<boolean> {
  const step = c.state.steps.find((s) => s.id === stepId);
  return step !== undefined && (await ensureIdentity(c, step));
}

/** Between stages: the next stage's traffic, or the promotion, once the credentials are proven. */
async function move(
  c: EngineContext,
  step: StepState,
  target: RollbackTargetRecord,
  action: Extract<CanaryAction, { kind: 'move' }>,
): Promise<'again' | 'stop'> {
  // Traffic moves only with proven credentials: after a credentials error they are asked again.
  if (!(await identityStillProven(c, step.id))) return 'stop';
  const next = action.stage;
  if (next !== undefined && (await heldByDangerGuard(c, step.id))) return 'again';
  const plan = action.move;
  switch (plan.kind) {
    case 'halt':
      c.setWaiting({ step: step.id, kind: 'halted', message: plan.message });
      await c.waitWatching(RECHECK_MS);
      return 'again';
    case 'confirm-start':
      c.confirmCanaryStart(AUTOPILOT);
      return 'again';
    case 'ask-start':
      c.setWaiting({ step: step.id, kind: 'canary-start', message: plan.message });
      await c.changed(RECHECK_MS);
      return 'again';
    case 'promote': {
      const split = await awsCall(c, 'promote', () => c.awsFor().promote(target, c.signal));
      if (split) c.dispatch({ type: 'canary.promoted', at: c.now(), step: step.id, split });
      else if (!c.signal.aborted) await c.backOff('promote', step.id);
      return 'again';
    }
    case 'shift': {
      if (next === undefined) return 'again';
      // The guard's last word right before the traffic request leaves.
      if (!dangerGuardClear(c, step.id)) return 'again';
      c.setWaiting(undefined);
      const operation = `shift traffic to ${plan.weight}%`;
      const split = await awsCall(c, operation, () =>
        c.awsFor().setCanaryWeight(target, plan.weight, c.signal),
      );
      if (!split) {
        if (!c.signal.aborted) await c.backOff(operation, step.id);
        return 'again';
      }
      c.dispatch({ type: 'traffic.shifted', at: c.now(), weight: plan.weight, split });
      c.dispatch({
        type: 'canary.stage.started',
        at: c.now(),
        step: step.id,
        stage: next,
        weight: plan.weight,
        holdMs: plan.holdMs,
      });
      return 'again';
    }
  }
}

/** The staged canary: shift, verify, hold, poll and judge, decide at the end of each stage, promote. */
export async function runCanary(c: EngineContext, step: StepState): Promise<void> {
  const def = c.definition(step.id);
  if (def.kind !== 'canary') return;
  if (step.status === 'pending') c.dispatch({ type: 'step.started', at: c.now(), step: step.id, attempt: 1 });
  const target = await prepareTarget(c);
  if (!target || c.signal.aborted || c.state.status !== 'active') return;

  while (!c.signal.aborted && c.state.status === 'active' && !c.state.rollback) {
    // The policy decides (core/canary/planner.ts); this loop only carries it out and asks again.
    const action = nextCanaryAction({
      state: c.state,
      def,
      stepId: step.id,
      now: c.now(),
      mode: c.mode,
      autopilot: c.options.autopilot === true,
      speed: c.clock.speed,
      metricsSince: c.options.metricsSince,
      envTitle: c.env.title,
    });
    switch (action.kind) {
      case 'complete-step':
        c.dispatch({
          type: 'step.completed',
          at: c.now(),
          step: step.id,
          outcome: 'passed',
          detail: 'every stage passed; promoted',
        });
        return;
      case 'wait':
        c.setWaiting(action.waiting);
        if (action.how === 'watching') await c.waitWatching(action.forMs);
        else await c.changed(action.forMs);
        break;
      case 'move':
        if ((await move(c, step, target, action)) === 'stop') return;
        break;
      case 'arm-rollback':
      case 'fire-rollback':
        if (carryOutBand(c, step.id, action)) return;
        break;
      case 'complete-stage':
        c.dispatch({
          type: 'canary.stage.completed',
          at: c.now(),
          step: step.id,
          stage: action.stage,
          verdict: action.verdict,
          summary: action.summary,
        });
        break;
      case 'ask-decision':
        // The decision waits in this loop, where the autopilot answers it (the 'answer' action).
        c.dispatch({
          type: 'canary.stage.decision-needed',
          at: c.now(),
          step: step.id,
          stage: action.stage,
          action: action.action,
          reason: action.reason,
        });
        break;
      case 'answer':
        // Refused (never expected: the planner picks only answers the screen offers): wait as for a person.
        if (c.chooseAtStageEnd(action.choice, action.reason, AUTOPILOT) !== undefined) {
          c.setWaiting(action.waiting);
          await c.changed(RECHECK_MS);
        }
        break;
      case 'poll': {
        c.setWaiting(action.waiting);
        const judged = await pollOnce(c, def, target, step.id, action.stage, def.period);
        const after = currentStage(c.state);
        if (!judged || !after) break;
        // Stale metrics hold the timer; fresh ones let it run again.
        const hold = staleHoldChange(after, judged.verdict);
        if (hold === 'pause') c.dispatch({ type: 'canary.paused', at: c.now(), step: step.id, by: STALE_BY });
        if (hold === 'resume')
          c.dispatch({ type: 'canary.resumed', at: c.now(), step: step.id, by: STALE_BY });
        break;
      }
    }
  }
}
