import type { RollbackTargetRecord, TrafficSnapshot } from '../core/session/events.js';
import type { Conductor } from './conductor.js';
import { sendNotification } from './runners/notify.js';
import { commandRequest, httpRequest } from './step-requests.js';

export interface RollbackHandle {
  finish(): Promise<void>;
}

/**
 * The abort path. The traffic revert is started HERE, synchronously, before anything is
 * written or drawn; `finish` then records it and runs the rest of the runbook's procedure.
 */
export function startRollback(
  c: Conductor,
  target: RollbackTargetRecord | undefined,
  promoted: boolean,
): RollbackHandle {
  const started = performance.now();
  const revert: Promise<TrafficSnapshot | Error> | undefined = target
    ? c
        .awsFor()
        .rollback(target, { promoted })
        .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))
    : undefined;
  return {
    async finish() {
      const state = c.state;
      if (state.rollback?.revertedAt === undefined) {
        if (!revert) {
          c.dispatch({
            type: 'rollback.step',
            at: c.now(),
            step: 'traffic-revert',
            outcome: 'skipped',
            detail: 'no traffic had moved to the new version',
          });
          c.dispatch({
            type: 'rollback.traffic-reverted',
            at: c.now(),
            split: { lambdas: [], readAt: c.now() },
            verified: true,
            durationMs: 0,
          });
        } else {
          const result = await revert;
          if (result instanceof Error) {
            c.recordAwsError('rollback', result);
            // The revert is idempotent: try again until it lands.
            const retry = startRollback(c, target, promoted);
            await c.clock.sleep(1_000).catch(() => undefined);
            return retry.finish();
          }
          c.dispatch({
            type: 'rollback.traffic-reverted',
            at: c.now(),
            split: result,
            verified: true,
            durationMs: Math.round(performance.now() - started),
          });
        }
      }
      await runRollbackProcedure(c);
    },
  };
}

async function runRollbackProcedure(c: Conductor): Promise<void> {
  const done = new Set(c.state.rollback?.steps.map((s) => s.step));
  const env = c.env;
  for (const step of c.promotion.rollback.steps) {
    if (done.has(step.id) || step.kind === 'traffic-revert') continue;
    const record = (outcome: 'passed' | 'failed' | 'skipped', detail: string) =>
      c.dispatch({ type: 'rollback.step', at: c.now(), step: step.id, outcome, detail });
    try {
      if (step.kind === 'http') {
        const result = await c.options.work.http(httpRequest(step, c.variables(env)), {
          signal: new AbortController().signal,
          production: env.production,
        });
        record(result.ok ? 'passed' : 'failed', result.detail);
      } else if (step.kind === 'command') {
        const request = commandRequest(c, step, env);
        const result = await c.options.work.command(request.step, {
          env: request.env,
          logFile: `${c.options.journal.dir}/rollback-${step.id}.log`,
          signal: new AbortController().signal,
          onLine: () => undefined,
        });
        record(result.ok ? 'passed' : 'failed', result.detail);
      } else if (step.kind === 'notify') {
        sendNotification(c, step.id, step.template, step.channel);
        record('passed', `rendered ${step.template}`);
      } else {
        record('skipped', `left to the conductor: ${step.title}`);
      }
    } catch (error) {
      record('failed', error instanceof Error ? error.message : String(error));
    }
  }
  const s = c.state.rollback;
  const failed = s?.steps.filter((x) => x.outcome === 'failed').length ?? 0;
  const summary = `Rolled back ${c.state.meta.version} on ${env.title} (${s?.trigger}: ${s?.reason}); traffic reverted in ${
    s?.revertDurationMs ?? 0
  } ms${failed ? `; ${failed} post-rollback check(s) failed` : '; post-rollback checks passed'}.`;
  c.dispatch({
    type: 'rollback.completed',
    at: c.now(),
    verified: s?.verified === true && failed === 0,
    summary,
  });
  c.dispatch({ type: 'session.completed', at: c.now(), outcome: 'rolled-back', summary });
}
