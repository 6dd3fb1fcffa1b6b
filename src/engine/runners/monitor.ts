import { judgeExtraMetrics } from '../../core/canary/extra-metrics.js';
import type { CanaryStep } from '../../core/runbook/schema.js';
import { canaryStepOf } from '../../core/session/selectors.js';
import type { StepState } from '../../core/session/state.js';
import type { EngineContext } from '../context.js';
import { guardRollbackBand, pollOnce, prepareTarget } from './canary.js';

/** Extended monitoring after promotion: the same charts, the rollback band still armed. */
export async function runMonitor(c: EngineContext, step: StepState): Promise<void> {
  const def = c.definition(step.id);
  if (def.kind !== 'monitor') return;
  const canaryDef = canaryStepOf(c.promotion);
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
    // An automatic rollback counting down (in real seconds, so it may outlast a rehearsal's
    // accelerated window) is seen through: the window does not end under it.
    const counting = c.state.canary?.autoRollback !== undefined && !c.state.canary.autoRollback.heldBy;
    if (elapsed >= monitor.durationMs && !(def.rollbackArmed && counting)) {
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
      // Past the window's end only a countdown keeps the loop here: wake for it and the polls.
      elapsed < monitor.durationMs ? monitor.startedAt + monitor.durationMs : Number.POSITIVE_INFINITY,
    );
    if (c.now() < wakeAt) {
      await c.changed(wakeAt - c.now());
      continue;
    }
    if (c.now() < nextPollAt) continue;
    // Replication lag beyond its rollback limit counts toward the rollback band like an error
    // spike; beyond its max it is a WATCH. Judged before the sample is recorded.
    await pollOnce(c, judgeDef, target, step.id, -1, def.period, def.extraMetrics, (extra) =>
      judgeExtraMetrics(def.extraMetrics, extra),
    );
  }
}
