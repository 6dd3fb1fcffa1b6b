import { judgeSample, type SampleJudgement } from '../../core/canary/judge.js';
import { endOfStage, metricsStale, realTimeDeadline, shouldAutoRollback } from '../../core/canary/stage.js';
import { stageChoices } from '../../core/canary/stage-choices.js';
import { type Verdict, verdictRank } from '../../core/canary/verdict.js';
import type { CanaryStep, MonitorStep } from '../../core/runbook/schema.js';
import type {
  RollbackTargetRecord,
  SeriesRecord,
  StageChoice,
  TrafficSnapshot,
} from '../../core/session/events.js';
import { currentStage, stageTimeLeft } from '../../core/session/selectors.js';
import type { CanaryStageState, StepState } from '../../core/session/state.js';
import type { EngineContext } from '../context.js';
import { dangerGuardClear, heldByDangerGuard } from '../danger-guard.js';
import { driftDetails } from '../drift.js';
import { ensureIdentity } from '../identity.js';
import type { MetricsRequest, MetricsResult, TargetMetrics } from '../ports.js';
import { postProgressIfDue } from '../progress-updates.js';
import { backoffMs } from '../retry.js';
import { AUTOPILOT } from './manual.js';

export const STALE_BY = 'metrics-stale';
/** Whole periods of canary traffic before the first sample is judged. */
export const FIRST_WINDOW_PERIODS = 2;

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

const NO_TRAFFIC: SeriesRecord = { requests: 0, errors: 0, errorRatePct: null, p95Ms: null, throttles: 0 };

/**
 * After promotion the stage itself runs the new deployment and its canary stage is gone: the
 * stage's own series is now the new version's, judged against the last good baseline. Without
 * this the monitor judged an empty canary stage (INSUFFICIENT) for the whole two hours.
 */
function withPromotedStage(c: EngineContext, targets: TargetMetrics[]): TargetMetrics[] {
  if (!c.state.canary?.promoted) return targets;
  return targets.map((t) =>
    t.targetId === API_TARGET_ID ? { ...t, canary: t.baseline, baseline: NO_TRAFFIC } : t,
  );
}

/** A baseline with too little traffic (at 100% the stable version gets none) is replaced by the last good one. */
function withRememberedBaseline(
  c: EngineContext,
  def: CanaryStep,
  targets: TargetMetrics[],
): TargetMetrics[] {
  const samples = [...(c.state.canary?.stages ?? []).flatMap((s) => s.samples)];
  return targets.map((t) => {
    if (t.baseline.requests >= def.minRequests && t.baseline.p95Ms !== null) return t;
    for (let i = samples.length - 1; i >= 0; i--) {
      const previous = samples[i].targets.find((p) => p.targetId === t.targetId);
      if (previous && previous.baseline.requests >= def.minRequests && previous.baseline.p95Ms !== null) {
        const baseline: SeriesRecord = previous.baseline;
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
  extra: Array<{ id: string; value: number | null }> | undefined,
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

/** The first moment with canary metrics: the first shift, or a resumed rehearsal's new sandbox. */
function metricsFrom(c: EngineContext, firstShift: number): number {
  return Math.max(firstShift, c.options.metricsSince ?? firstShift);
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
  const windowEnd = Math.floor(c.now() / periodMs) * periodMs;
  const firstShift = metricsFrom(c, c.state.canary?.stages[0]?.startedAt ?? windowEnd - periodMs);
  const notBefore = Math.ceil(firstShift / periodMs) * periodMs;
  const windowStart = Math.min(
    windowEnd - periodMs,
    Math.max(windowEnd - Math.max(def.window, periodMs), notBefore),
  );
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
  let extra: Array<{ id: string; value: number | null }> | undefined;
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
  verdicts: readonly string[],
): boolean {
  const canary = c.state.canary;
  if (!canary || !def.autoRollback) return false;
  const armed = canary.autoRollback;
  if (!armed && shouldAutoRollback(def, verdicts as Parameters<typeof shouldAutoRollback>[1])) {
    const reason = `rollback band held for ${def.sustained} samples in a row`;
    // A person must be able to react: the countdown runs in real seconds even on a rehearsal's
    // accelerated clock (30 s stay 30 s at x600), while the polls go on at the clock's pace.
    const speed = c.clock.speed;
    const at = c.now();
    c.dispatch({
      type: 'canary.auto-rollback.armed',
      at,
      step: stepId,
      deadline: realTimeDeadline(at, def.rollbackCountdown, speed),
      reason,
      ...(speed !== 1 ? { speed } : {}),
    });
    return false;
  }
  if (armed && !armed.heldBy && c.now() >= armed.deadline) {
    c.abort(armed.reason, c.mode === 'guard' ? 'guard' : 'automatic');
    return true;
  }
  return false;
}

async function startNextStage(
  c: EngineContext,
  def: CanaryStep,
  step: StepState,
  target: RollbackTargetRecord,
  next: number,
) {
  if (await heldByDangerGuard(c, step.id)) return;
  if (c.mode === 'guard') {
    c.setWaiting({ step: step.id, kind: 'halted', message: 'A headless guard never advances a stage.' });
    // Traffic stays where the last stage put it: the guard keeps polling it, the band armed.
    await c.waitWatching(5_000);
    return;
  }
  const stage = def.stages[next];
  if (
    next === 0 &&
    def.start === 'manual' &&
    !c.state.steps.find((s) => s.id === step.id)?.startConfirmedBy
  ) {
    // The autopilot stands in for the person at the screen, and answers as they would.
    if (c.options.autopilot) c.confirmCanaryStart(AUTOPILOT);
    else {
      c.setWaiting({
        step: step.id,
        kind: 'canary-start',
        message: `Start the canary: move ${stage.weight}% of ${c.env.title} traffic to ${c.state.meta.version}? Enter to start.`,
      });
      await c.changed(5_000);
      return;
    }
  }
  // The guard's last word right before the traffic request leaves.
  if (!dangerGuardClear(c, step.id)) return;
  c.setWaiting(undefined);
  const operation = `shift traffic to ${stage.weight}%`;
  const split = await awsCall(c, operation, () => c.awsFor().setCanaryWeight(target, stage.weight, c.signal));
  if (!split) {
    if (!c.signal.aborted) await c.backOff(operation, step.id);
    return;
  }
  c.dispatch({ type: 'traffic.shifted', at: c.now(), weight: stage.weight, split });
  c.dispatch({
    type: 'canary.stage.started',
    at: c.now(),
    step: step.id,
    stage: next,
    weight: stage.weight,
    holdMs: stage.hold,
  });
}

async function finishStage(
  c: EngineContext,
  def: CanaryStep,
  step: StepState,
  stage: CanaryStageState,
): Promise<void> {
  const verdicts = stage.samples.map((s) => s.verdict);
  const lastChoice = stage.choices.at(-1);
  const advancedByPerson =
    lastChoice?.choice === 'advance' && lastChoice.at >= (stage.decision?.at ?? stage.startedAt);
  const end = endOfStage(verdicts);
  const complete = (summary: string) =>
    c.dispatch({
      type: 'canary.stage.completed',
      at: c.now(),
      step: step.id,
      stage: stage.index,
      verdict: end.action === 'advance' ? 'PASS' : verdicts.includes('WATCH') ? 'WATCH' : 'PASS',
      summary,
    });
  if (advancedByPerson && end.action !== 'halt') {
    complete(`advanced by ${lastChoice.by}${lastChoice.reason ? `: ${lastChoice.reason}` : ''}`);
    return;
  }
  if (end.action === 'advance' && (def.advance === 'auto' || advancedByPerson)) {
    if (c.mode === 'guard') {
      c.setWaiting({
        step: step.id,
        kind: 'halted',
        message: 'Stage passed; a headless guard never advances.',
      });
      await c.waitWatching(5_000);
      return;
    }
    complete(end.reason);
    return;
  }
  if (!stage.decision) {
    // The reason says what the samples decided; the answers are listed by the screen from the
    // samples as they are then (core/canary/stage-choices.ts), never fixed here.
    c.dispatch({
      type: 'canary.stage.decision-needed',
      at: c.now(),
      step: step.id,
      stage: stage.index,
      action: end.action === 'halt' ? 'halt' : 'ask',
      reason: end.reason,
    });
    // The decision waits in the run loop, where the autopilot answers it (autopilotAnswered).
    return;
  }
  c.setWaiting({ step: step.id, kind: 'stage-decision', message: stage.decision.reason });
  await c.waitWatching(5_000);
}

/**
 * The rehearsal autopilot answers a stage like a careful conductor: it advances a stage that
 * passed; it extends (a few times at most) a stage that only lacked data (a loaded machine, a
 * slow poll) or had a sample outside the pass band (WATCH: a healthy canary at 10% can show 3
 * errors in 400 requests), and after such an extension advances only when every sample taken
 * since passed. It never advances past a WATCH it has not seen cleared, and never answers a
 * NO-GO: that stays with the person at the keyboard.
 */
const AUTOPILOT_MAX_EXTENSIONS = 3;

function autopilotStageChoice(c: EngineContext, def: CanaryStep, stage: CanaryStageState): void {
  // The same list the person is offered: the autopilot never picks an answer the screen does not list.
  const { end, options } = stageChoices(c.state, stage, def);
  const offered = (choice: StageChoice) => options.some((o) => o.choice === choice);
  if (end.action === 'advance' && offered('advance')) {
    c.chooseAtStageEnd('advance', end.reason, AUTOPILOT);
    return;
  }
  if (end.action !== 'ask') return;
  const extensions = stage.choices.filter((ch) => ch.choice === 'extend');
  const watched = stage.samples.some((s) => s.verdict === 'WATCH');
  const lastExtension = extensions.at(-1);
  if (watched && lastExtension && offered('advance')) {
    const since = stage.samples.filter((s) => s.at > lastExtension.at);
    if (since.length > 0 && since.every((s) => s.verdict === 'PASS')) {
      c.chooseAtStageEnd(
        'advance',
        `rehearsal autopilot: all ${since.length} samples since the extension passed`,
        AUTOPILOT,
      );
      return;
    }
  }
  if (extensions.length >= AUTOPILOT_MAX_EXTENSIONS || !offered('extend')) return;
  c.chooseAtStageEnd(
    'extend',
    watched
      ? 'rehearsal autopilot: a sample was outside the pass band, extend to see more'
      : 'rehearsal autopilot: too little data to judge, extend',
    AUTOPILOT,
  );
}

/**
 * The one place the autopilot answers a stage decision: whenever one waits unanswered and the
 * autopilot drives, whether it was raised a moment ago or while a headless guard held the seat (a
 * guard alone answers nothing). Judged on the stage's samples now. True when it answered.
 */
function autopilotAnswered(c: EngineContext, def: CanaryStep, stage: CanaryStageState): boolean {
  const decision = stage.decision;
  if (!decision || !c.options.autopilot || c.mode === 'guard') return false;
  // A person's answer (investigate keeps the decision open) is never overridden.
  if (stage.choices.some((ch) => ch.at >= decision.at)) return false;
  autopilotStageChoice(c, def, stage);
  return (currentStage(c.state)?.choices.length ?? 0) > stage.choices.length;
}

async function identityStillProven(c: EngineContext, stepId: string): Promise<boolean> {
  const step = c.state.steps.find((s) => s.id === stepId);
  return step !== undefined && (await ensureIdentity(c, step));
}

/** The staged canary: shift, verify, hold, poll and judge, decide at the end of each stage, promote. */
export async function runCanary(c: EngineContext, step: StepState): Promise<void> {
  const def = c.definition(step.id);
  if (def.kind !== 'canary') return;
  if (step.status === 'pending') c.dispatch({ type: 'step.started', at: c.now(), step: step.id, attempt: 1 });
  const target = await prepareTarget(c);
  if (!target || c.signal.aborted || c.state.status !== 'active') return;

  while (!c.signal.aborted && c.state.status === 'active' && !c.state.rollback) {
    const state = c.state;
    // A drift waits for the person, but traffic is still shifted: nothing moves, the polls and
    // the rollback band go on.
    const driftPending = state.drift !== undefined && state.drift.resolved === undefined;
    if (state.canary?.promoted) {
      c.dispatch({
        type: 'step.completed',
        at: c.now(),
        step: step.id,
        outcome: 'passed',
        detail: 'every stage passed; promoted',
      });
      return;
    }
    const stage = currentStage(state);
    if (driftPending && (!stage || stage.completedAt !== undefined)) {
      c.setWaiting({
        step: step.id,
        kind: 'drift',
        message: 'The live traffic split differs from the journal.',
      });
      await c.waitWatching(def.period);
      continue;
    }
    if (!stage || stage.completedAt !== undefined) {
      const next = stage ? stage.index + 1 : 0;
      // Traffic moves only with proven credentials: after a credentials error they are asked again.
      if (!(await identityStillProven(c, step.id))) return;
      if (next < def.stages.length) {
        await startNextStage(c, def, step, target, next);
        continue;
      }
      if (c.mode === 'guard') {
        c.setWaiting({ step: step.id, kind: 'halted', message: 'A headless guard never promotes.' });
        await c.waitWatching(5_000);
        continue;
      }
      const split = await awsCall(c, 'promote', () => c.awsFor().promote(target, c.signal));
      if (split) c.dispatch({ type: 'canary.promoted', at: c.now(), step: step.id, split });
      else if (!c.signal.aborted) await c.backOff('promote', step.id);
      continue;
    }
    if (
      guardRollbackBand(
        c,
        def,
        step.id,
        stage.samples.map((s) => s.verdict),
      )
    )
      return;
    const lastChoice = stage.choices.at(-1);
    const answered = lastChoice !== undefined && lastChoice.at >= (stage.decision?.at ?? stage.startedAt);
    const holdOver = stageTimeLeft(stage, c.now()) <= 0 || lastChoice?.choice === 'advance';
    if (
      !driftPending &&
      ((!stage.decision && holdOver) || (stage.decision && answered && lastChoice?.choice === 'advance'))
    ) {
      await finishStage(c, def, step, stage);
      continue;
    }
    // While a decision waits for the person, traffic is still shifted: keep polling, keep the
    // rollback band armed (a guard must be able to roll back here too).
    if (driftPending)
      c.setWaiting({
        step: step.id,
        kind: 'drift',
        message:
          'The live traffic split differs from the journal: adopt it, re-apply the recorded split, or roll back.',
      });
    else if (stage.decision) {
      if (autopilotAnswered(c, def, stage)) continue;
      c.setWaiting({ step: step.id, kind: 'stage-decision', message: stage.decision.reason });
    } else c.setWaiting(undefined);
    const lastSampleAt = stage.samples.at(-1)?.at ?? stage.startedAt;
    // The first judgement waits for whole periods of canary traffic: a window cut by the first
    // shift holds too few requests to say anything but INSUFFICIENT DATA.
    const firstShift = metricsFrom(c, c.state.canary?.stages[0]?.startedAt ?? stage.startedAt);
    const firstJudgeable = (Math.ceil(firstShift / def.period) + FIRST_WINDOW_PERIODS) * def.period;
    const nextPollAt = Math.max(lastSampleAt + def.period, firstJudgeable);
    const armed = c.state.canary?.autoRollback;
    const wakeAt = Math.min(nextPollAt, armed && !armed.heldBy ? armed.deadline : Number.POSITIVE_INFINITY);
    if (c.now() < wakeAt) {
      const untilHoldEnds =
        stage.decision || driftPending
          ? Number.POSITIVE_INFINITY
          : Math.max(1, stageTimeLeft(stage, c.now()));
      await c.changed(Math.min(wakeAt - c.now(), untilHoldEnds));
      continue;
    }
    if (c.now() < nextPollAt) continue;
    const judged = await pollOnce(c, def, target, step.id, stage.index, def.period);
    if (!judged) continue;
    const after = currentStage(c.state);
    if (!after) continue;
    const verdicts = after.samples.map((s) => s.verdict);
    // Stale metrics hold the timer; fresh ones let it run again.
    if (metricsStale(verdicts) && after.pausedAt === undefined) {
      c.dispatch({ type: 'canary.paused', at: c.now(), step: step.id, by: STALE_BY });
    } else if (judged.verdict !== 'STALE' && after.pausedBy === STALE_BY) {
      c.dispatch({ type: 'canary.resumed', at: c.now(), step: step.id, by: STALE_BY });
    }
    if (guardRollbackBand(c, def, step.id, verdicts)) return;
  }
}
