import { judgeExtraMetrics } from '../core/canary/extra-metrics.js';
import type { CanaryStep, MonitorStep } from '../core/runbook/schema.js';
import type { RollbackTargetRecord } from '../core/session/events.js';
import { canaryStepOf, currentStage } from '../core/session/selectors.js';
import type { SampleState } from '../core/session/state.js';
import type { EngineContext } from './context.js';
import { type ExtraVerdict, guardRollbackBand, pollOnce } from './runners/canary.js';

/** What a wait watches while traffic is shifted: whose samples, judged how, polled how often. */
interface Watch {
  /** The step the samples are recorded for: the monitor once it started, else the canary. */
  stepId: string;
  stageIndex: number;
  target: RollbackTargetRecord;
  /** The canary's bands at the watching step's period. */
  judgeDef: CanaryStep;
  samples: readonly SampleState[];
  /** Polled since `since`: the stage's or monitor's start. */
  since: number;
  /** The rollback band may fire here (the canary's autoRollback, the monitor's rollbackArmed). */
  armed: boolean;
  extraMetrics?: MonitorStep['extraMetrics'];
  extraVerdict?: ExtraVerdict;
}

/**
 * Traffic is on the new version and nothing else polls it now (a person or a gate is waited for):
 * what to poll. Undefined when there is nothing to guard, or when the credentials are not proven
 * (a refused or unanswered identity touches nothing, metrics included).
 */
function watchOf(c: EngineContext): Watch | undefined {
  const s = c.state;
  const target = s.rollbackTarget;
  if (!c.trafficShifted || s.rollback || !target || !s.canary) return undefined;
  if (s.status === 'completed' || c.signal.aborted) return undefined;
  if (s.identityClearance[c.env.id]?.clear !== true) return undefined;
  const canaryDef = canaryStepOf(c.promotion);
  if (!canaryDef) return undefined;
  const monitor = s.canary.monitor;
  const monitorDef = monitor ? c.definition(monitor.step) : undefined;
  if (monitor && monitorDef?.kind === 'monitor') {
    return {
      stepId: monitor.step,
      stageIndex: -1,
      target,
      judgeDef: { ...canaryDef, period: monitorDef.period },
      samples: monitor.samples,
      since: monitor.startedAt,
      armed: monitorDef.rollbackArmed,
      extraMetrics: monitorDef.extraMetrics,
      extraVerdict: (extra) => judgeExtraMetrics(monitorDef.extraMetrics, extra),
    };
  }
  const stage = currentStage(s);
  if (!stage) return undefined;
  return {
    stepId: s.canary.step,
    stageIndex: stage.index,
    target,
    judgeDef: canaryDef,
    samples: stage.samples,
    since: stage.startedAt,
    armed: canaryDef.autoRollback,
  };
}

/** Resolves true when something changed before `ms` of clock time passed. */
async function changedWithin(c: EngineContext, ms: number): Promise<boolean> {
  let changed = false;
  const unsubscribe = c.subscribe(() => {
    changed = true;
  });
  try {
    await c.changed(ms);
  } finally {
    unsubscribe();
  }
  return changed || c.signal.aborted;
}

function bandFired(c: EngineContext, watch: Watch): boolean {
  if (!watch.armed) return false;
  const now = watchOf(c);
  const verdicts = (now?.stepId === watch.stepId ? now.samples : watch.samples).map((s) => s.verdict);
  return guardRollbackBand(c, watch.judgeDef, watch.stepId, verdicts);
}

/**
 * Wait for a person, a gate or a retry: until `ms` of clock time pass or something changes. While
 * traffic is shifted the wait is not idle (issue 17, point 8): the metrics are polled at the
 * canary's (or the monitor's) period and the rollback band stays armed, so a breach that starts
 * while the maintenance window is closed, or while an approval is awaited, still rolls back.
 */
export async function waitWatching(c: EngineContext, ms: number): Promise<void> {
  const until = c.now() + Math.max(0, ms);
  for (;;) {
    const watch = watchOf(c);
    const now = c.now();
    if (!watch) {
      if (now < until) await c.changed(until - now).catch(() => undefined);
      return;
    }
    const nextPollAt = (watch.samples.at(-1)?.at ?? watch.since) + watch.judgeDef.period;
    const countdown = c.state.canary?.autoRollback;
    const deadline =
      watch.armed && watch.judgeDef.autoRollback && countdown && !countdown.heldBy
        ? countdown.deadline
        : Number.POSITIVE_INFINITY;
    const wakeAt = Math.min(until, nextPollAt, deadline);
    if (now < wakeAt && (await changedWithin(c, wakeAt - now))) return;
    if (c.signal.aborted || c.state.rollback) return;
    if (bandFired(c, watch)) return;
    if (c.now() < nextPollAt) {
      if (c.now() >= until) return;
      // A countdown due that did not fire (held meanwhile): wait on, never spin.
      await c.changed(Math.max(1, Math.min(until, nextPollAt) - c.now())).catch(() => undefined);
      return;
    }
    await pollOnce(
      c,
      watch.judgeDef,
      watch.target,
      watch.stepId,
      watch.stageIndex,
      watch.judgeDef.period,
      watch.extraMetrics,
      watch.extraVerdict,
    );
    if (c.signal.aborted || c.state.rollback || bandFired(c, watch)) return;
  }
}
