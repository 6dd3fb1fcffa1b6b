import type { CanaryStep, MonitorStep } from '../../core/runbook/schema.js';
import type { StepState } from '../../core/session/state.js';
import type { Conductor } from '../conductor.js';
import { guardRollbackBand, pollOnce, prepareTarget } from './canary.js';

function canaryStepOf(c: Conductor): CanaryStep | undefined {
  for (const phase of c.promotion.phases) {
    for (const step of phase.steps) if (step.kind === 'canary') return step;
  }
  return undefined;
}

/** Judge the extra metrics (replication lag, throttles) against the monitor's own limits. */
function extraBreaches(def: MonitorStep, extra: Array<{ id: string; value: number | null }> | undefined) {
  const rollback: string[] = [];
  const watch: string[] = [];
  for (const metric of def.extraMetrics) {
    const value = extra?.find((e) => e.id === metric.id)?.value;
    if (value === null || value === undefined) continue;
    if (metric.rollbackAbove !== undefined && value > metric.rollbackAbove)
      rollback.push(`${metric.title} ${value}${metric.unit ?? ''} > ${metric.rollbackAbove}`);
    else if (metric.max !== undefined && value > metric.max)
      watch.push(`${metric.title} ${value}${metric.unit ?? ''} > ${metric.max}`);
  }
  return { rollback, watch };
}

/** Extended monitoring after promotion: the same charts, the rollback band still armed. */
export async function runMonitor(c: Conductor, step: StepState): Promise<void> {
  const def = c.definition(step.id);
  if (def.kind !== 'monitor') return;
  const canaryDef = canaryStepOf(c);
  const target = await prepareTarget(c);
  if (!target || !canaryDef) {
    if (!canaryDef)
      c.dispatch({
        type: 'step.completed',
        at: c.now(),
        step: step.id,
        outcome: 'skipped',
        detail: 'no canary to monitor',
      });
    return;
  }
  if (step.status === 'pending') {
    c.dispatch({ type: 'step.started', at: c.now(), step: step.id, attempt: 1 });
    c.dispatch({ type: 'monitor.started', at: c.now(), step: step.id, durationMs: def.duration });
  }
  const judgeDef: CanaryStep = { ...canaryDef, period: def.period };
  while (!c.signal.aborted && c.state.status === 'active' && !c.state.rollback) {
    const monitor = c.state.canary?.monitor;
    if (!monitor) return;
    const elapsed = c.now() - monitor.startedAt;
    if (elapsed >= monitor.durationMs) {
      const breaches = monitor.samples.filter(
        (s) => s.verdict === 'NO-GO' || s.verdict === 'ROLLBACK',
      ).length;
      c.dispatch({
        type: 'step.completed',
        at: c.now(),
        step: step.id,
        outcome: 'passed',
        detail: `monitored ${monitor.samples.length} samples${breaches ? `, ${breaches} outside the no-go band` : ', all within limits'}`,
      });
      return;
    }
    if (
      def.rollbackArmed &&
      guardRollbackBand(
        c,
        judgeDef,
        step.id,
        monitor.samples.map((s) => s.verdict),
      )
    )
      return;
    const nextPollAt = (monitor.samples.at(-1)?.at ?? monitor.startedAt) + def.period;
    const armed = c.state.canary?.autoRollback;
    const wakeAt = Math.min(
      nextPollAt,
      armed && !armed.heldBy ? armed.deadline : Number.POSITIVE_INFINITY,
      monitor.startedAt + monitor.durationMs,
    );
    if (c.now() < wakeAt) {
      await c.changed(wakeAt - c.now());
      continue;
    }
    if (c.now() < nextPollAt) continue;
    const judged = await pollOnce(c, judgeDef, target, step.id, -1, def.period, def.extraMetrics);
    if (!judged) continue;
    const last = c.state.canary?.monitor?.samples.at(-1);
    const breaches = extraBreaches(def, last?.extra);
    if (breaches.rollback.length > 0 || breaches.watch.length > 0) {
      c.dispatch({
        type: 'warning',
        at: c.now(),
        message: `Monitoring: ${[...breaches.rollback, ...breaches.watch].join('; ')}`,
      });
    }
  }
}
