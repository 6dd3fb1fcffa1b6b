import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RollbackTargetRecord, TrafficSnapshot } from '../core/session/events.js';
import type { EngineContext } from './context.js';
import { endOrphans, settleRollbackOrphan } from './orphans.js';
import { ROLLBACK_RETRY, waitSeconds } from './retry.js';
import { sendNotification } from './runners/notify.js';
import { commandRequest, httpRequest } from './step-requests.js';

/** The traffic revert, landed: the split AWS read back, and what it took. */
export interface RevertLanded {
  split: TrafficSnapshot;
  /** Rounds of revert requests sent, the one that landed included. */
  attempts: number;
  durationMs: number;
}

export interface RollbackHandle {
  /**
   * The traffic revert: resolves once AWS confirms it (read back), or undefined when the engine
   * stopped first, or when no traffic had moved. It needs neither the loop nor the disk.
   */
  readonly reverted: Promise<RevertLanded | undefined>;
  finish(): Promise<void>;
}

/** The revert is journaled under this operation (engine/retry.ts counts its failures). */
export const REVERT_OPERATION = 'rollback';

/** After this long without an answer the screen says so (real seconds: it is an emergency). */
const NO_ANSWER_NOTICE_MS = 3_000;

/**
 * The abort path. The traffic revert is started HERE, synchronously, before anything is
 * written or drawn; `finish` then records it and runs the rest of the runbook's procedure.
 */
export function startRollback(
  c: EngineContext,
  target: RollbackTargetRecord | undefined,
  promoted: boolean,
): RollbackHandle {
  const started = performance.now();
  // The first round of requests leaves in this tick: no await, no write, no render before it.
  const first = target ? sendRevert(c, target, promoted) : undefined;
  const reverted =
    target && first ? revertUntilLanded(c, target, promoted, first, started) : Promise.resolve(undefined);
  return {
    reverted,
    async finish() {
      const state = c.state;
      if (state.rollback?.revertedAt === undefined) {
        if (!first) {
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
          const landed = await reverted;
          // The engine stopped before AWS confirmed the revert: the next engine sends it again.
          if (!landed) return;
          if (c.waiting?.kind === 'retrying') c.setWaiting(undefined);
          c.dispatch({
            type: 'rollback.traffic-reverted',
            at: c.now(),
            split: landed.split,
            verified: true,
            durationMs: landed.durationMs,
            ...(landed.attempts > 1 && { attempts: landed.attempts }),
          });
        }
      }
      await runRollbackProcedure(c);
    },
  };
}

/** One round of revert requests: the first one leaves before this returns. */
function sendRevert(
  c: EngineContext,
  target: RollbackTargetRecord,
  promoted: boolean,
): Promise<TrafficSnapshot | Error> {
  try {
    return c
      .awsFor()
      .rollback(target, { promoted, once: true, signal: c.stopSignal })
      .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  } catch (error) {
    return Promise.resolve(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Journaling is the record, not the rollback: a disk that refuses it must not stop the revert. */
function quietly(record: () => void): void {
  try {
    record();
  } catch {
    // the engine says the journal failed (commands/engine.ts); the revert goes on
  }
}

/**
 * Sends the revert again and again until AWS confirms it, or the engine stops: a loop, never a
 * recursion. Each failure is said on the rollback screen at once, with its sentence, the wait and
 * the attempt; it is counted, and journaled at least once per distinct error with its count. The
 * waits are the rollback's own (engine/retry.ts ROLLBACK_RETRY): 1 s doubling to 10 s, real time.
 * An attempt AWS does not answer is said on screen after a few seconds, while it still waits.
 */
async function revertUntilLanded(
  c: EngineContext,
  target: RollbackTargetRecord,
  promoted: boolean,
  first: Promise<TrafficSnapshot | Error>,
  started: number,
): Promise<RevertLanded | undefined> {
  let pending = first;
  for (let attempt = 1; ; attempt++) {
    const result = await withNoAnswerNotice(c, pending, attempt);
    if (!(result instanceof Error)) {
      c.recordAwsSuccess(REVERT_OPERATION);
      return { split: result, attempts: attempt, durationMs: Math.round(performance.now() - started) };
    }
    if (c.stopSignal.aborted) return undefined;
    // Named by the request that failed (Lambda UpdateAlias, API Gateway UpdateStage).
    const sentence = c.awsFor().describeError(result);
    quietly(() => c.recordAwsError(REVERT_OPERATION, result, c.env, sentence));
    const delay = c.retryDelayMs(REVERT_OPERATION, c.env, ROLLBACK_RETRY);
    c.setWaiting({
      step: revertStepId(c),
      kind: 'retrying',
      message: `The rollback could not reach AWS: ${sentence.replace(/\.$/, '')}; trying again in ${waitSeconds(delay, c.clock.speed)} s (attempt ${attempt + 1}).`,
    });
    await c.clock.sleep(delay, c.stopSignal).catch(() => undefined);
    if (c.stopSignal.aborted) return undefined;
    pending = sendRevert(c, target, promoted);
  }
}

/** The result of one attempt; if AWS has not answered after a few seconds, the screen says so meanwhile. */
async function withNoAnswerNotice<T>(c: EngineContext, pending: Promise<T>, attempt: number): Promise<T> {
  // Quiet once AWS answered, or the engine stopped.
  const answered = new AbortController();
  const quiet = answered.signal;
  const stop = () => answered.abort();
  c.stopSignal.addEventListener('abort', stop, { once: true });
  if (c.stopSignal.aborted) stop();
  const realStart = performance.now();
  void (async () => {
    await c.clock.sleep(NO_ANSWER_NOTICE_MS * c.clock.speed, quiet).catch(() => undefined);
    while (!quiet.aborted) {
      const seconds = Math.round((performance.now() - realStart) / 1000);
      c.setWaiting({
        step: revertStepId(c),
        kind: 'retrying',
        message: `The rollback has had no answer from AWS for ${seconds} s (attempt ${attempt}); still waiting for it, and trying again if it fails.`,
      });
      await c.clock.sleep(1_000 * c.clock.speed, quiet).catch(() => undefined);
    }
  })();
  try {
    return await pending;
  } finally {
    c.stopSignal.removeEventListener('abort', stop);
    answered.abort();
  }
}

function revertStepId(c: EngineContext): string {
  return c.promotion.rollback.steps.find((s) => s.kind === 'traffic-revert')?.id ?? 'traffic-revert';
}

async function runRollbackProcedure(c: EngineContext): Promise<void> {
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
        // A run of it the previous engine started may still be going: never run beside it.
        await settleRollbackOrphan(c, step.id, step.timeout);
        const command = request.step.run.join(' ').slice(0, 300);
        const marker = `${c.state.meta.sessionId}:rollback:${step.id}:${randomBytes(4).toString('hex')}`;
        c.dispatch({
          type: 'rollback.command.starting',
          at: c.now(),
          step: step.id,
          command,
          marker,
          host: hostname(),
        });
        const result = await c.options.work.command(request.step, {
          env: request.env,
          marker,
          logFile: `${c.dir}/rollback-${step.id}.log`,
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
  await endOrphans(c, 'the session rolled back before its step could run again');
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
