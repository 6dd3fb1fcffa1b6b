import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { gonogoStepOf, judgeLoadStep } from '../../core/evidence/performance.js';
import { isGuardedStep } from '../../core/gates/danger-guard.js';
import type { GonogoStep, LoadStep } from '../../core/runbook/schema.js';
import type { StepState } from '../../core/session/state.js';
import type { EngineContext } from '../context.js';
import { dangerGuardClear, heldByDangerGuard } from '../danger-guard.js';
import { ensureIdentity } from '../identity.js';
import { settleOrphan } from '../orphans.js';
import type { WorkOutcome } from '../ports.js';
import { COMMAND_RETRY, retryDelayMs, waitSeconds } from '../retry.js';
import { commandRequest, httpRequest, loadRequest } from '../step-requests.js';
import { AUTOPILOT } from './manual.js';

const MAX_LIVE_LINES = 500;

/** command, http and load steps: run for real, record the evidence; a failure waits for `r`. */
export async function runWork(c: EngineContext, step: StepState): Promise<void> {
  const def = c.definition(step.id);
  // A run of this command the previous engine started may still be going: never run beside it.
  if (def.kind === 'command' && (step.command || step.commandStarting) && !(await settleOrphan(c, step)))
    return;
  const guarded = isGuardedStep(def);
  // A step that changes an environment passes the same guard as traffic, before anything else.
  if (guarded && (await heldByDangerGuard(c, step.id))) return;
  // The rehearsal autopilot does what a careful conductor does with a load test measured on a
  // busy machine: it runs it again, twice at most, before leaving the failure to the person.
  if (step.status === 'failed' && def.kind === 'load' && c.options.autopilot && step.attempts < 3) {
    // Like every retry (engine/retry.ts): after a wait that grows, jittered, said on screen.
    const delay = retryDelayMs(COMMAND_RETRY, step.attempts, c.clock.speed);
    c.setWaiting({
      step: step.id,
      kind: 'rerun',
      message: `${step.title} failed: ${step.detail ?? ''} Running it again in ${waitSeconds(delay, c.clock.speed)} s (attempt ${step.attempts + 1}).`,
    });
    await c.waitWatching(delay);
    if (c.signal.aborted) return;
    c.rerun(step.id);
  }
  if (step.status === 'failed' && !c.takeRerun(step.id)) {
    c.setWaiting({
      step: step.id,
      kind: 'rerun',
      message: `${step.title} failed: ${step.detail ?? ''} Press r to run it again.`,
    });
    await c.waitWatching(5_000);
    return;
  }
  // A dangerous step is confirmed for one run: a rerun, or a run cut off by a crash, asks again.
  if (def.kind === 'command' && def.dangerous && !dangerousConfirmedForNextRun(step)) {
    if (c.options.autopilot) {
      c.confirmDangerous(step.id, AUTOPILOT);
    } else {
      // The person's `r` stands until the run it asked for is confirmed.
      if (step.status === 'failed') c.rerun(step.id);
      c.setWaiting({
        step: step.id,
        kind: 'dangerous',
        message: confirmSentence(c, step),
      });
      await c.waitWatching(5_000);
      return;
    }
  }
  // Right before it starts: a dangerous step asks STS again (credentials can be switched underneath).
  const fresh = c.state.steps.find((s) => s.id === step.id) ?? step;
  if (!(await ensureIdentity(c, fresh, { starting: true }))) return;
  // The last word right before it starts: the window may have closed while STS answered.
  if (guarded && !dangerGuardClear(c, step.id)) return;
  const attempt = step.attempts + 1;
  c.setWaiting(undefined);
  c.dispatch({ type: 'step.started', at: c.now(), step: step.id, attempt });
  const env = c.stepEnv(step.id);
  const vars = c.variables(env);
  const signal = c.signal;
  let outcome: WorkOutcome;
  const started = c.now();
  try {
    if (def.kind === 'command') {
      c.liveOutput = [];
      const logFile = join(c.dir, `${step.id}.${attempt}.log`);
      const request = commandRequest(c, def, env, vars);
      const command = request.step.run.join(' ').slice(0, 300);
      const marker = `${c.state.meta.sessionId}:${step.id}:${attempt}:${randomBytes(4).toString('hex')}`;
      // Journaled before the process exists: an engine killed between the spawn and command.started
      // leaves a command the next engine still finds (engine/orphans.ts), by this marker.
      c.dispatch({
        type: 'command.starting',
        at: c.now(),
        step: step.id,
        attempt,
        command,
        marker,
        host: hostname(),
      });
      outcome = await c.options.work.command(request.step, {
        env: request.env,
        marker,
        logFile,
        signal,
        // Journaled as the process starts, before its output: a later engine finds it if this one dies.
        onStarted: (group) =>
          c.dispatch({
            type: 'command.started',
            at: c.now(),
            step: step.id,
            attempt,
            command,
            marker,
            ...group,
          }),
        onLine: (line) => {
          c.liveOutput.push(line);
          if (c.liveOutput.length > MAX_LIVE_LINES)
            c.liveOutput.splice(0, c.liveOutput.length - MAX_LIVE_LINES);
          c.notify();
        },
      });
    } else if (def.kind === 'http') {
      outcome = await c.options.work.http(httpRequest(def, vars, env), {
        signal,
        production: env.production,
      });
    } else if (def.kind === 'load') {
      const measured = await c.options.work.load(loadRequest(def, vars, env), { signal });
      outcome = heldToGate(def, gonogoStepOf(c.promotion), measured);
    } else {
      return;
    }
  } catch (error) {
    if (signal.aborted) return; // interrupted by abort or stop: the step stays as it was
    outcome = {
      ok: false,
      detail: error instanceof Error ? error.message : String(error),
      evidence: [],
      durationMs: c.now() - started,
    };
  }
  if (signal.aborted && !outcome.ok) return;
  c.dispatch({
    type: 'step.completed',
    at: c.now(),
    step: step.id,
    outcome: outcome.ok ? 'passed' : 'failed',
    detail: outcome.detail,
    evidence: outcome.evidence,
    exitCode: outcome.exitCode,
    durationMs: outcome.durationMs,
    logFile: outcome.logFile,
  });
}

/** A load step with a baseline is judged by the go/no-go's own function: the step and the gate agree. */
function heldToGate(step: LoadStep, gate: GonogoStep | undefined, measured: WorkOutcome): WorkOutcome {
  const judged = judgeLoadStep(step, gate, measured.evidence);
  if (judged.ok) return { ...measured, evidence: judged.evidence };
  return {
    ...measured,
    ok: false,
    detail: [judged.reason, measured.detail].filter(Boolean).join('; '),
    evidence: judged.evidence,
  };
}

/** The dangerous step's confirmation is for the run about to start (not an earlier one). */
function dangerousConfirmedForNextRun(step: StepState): boolean {
  return step.dangerousConfirmedBy !== undefined && step.dangerousConfirmedFor === step.attempts + 1;
}

function confirmSentence(c: EngineContext, step: StepState): string {
  const env = c.stepEnv(step.id).title;
  if (step.attempts === 0) return `${step.title} changes ${env}: confirm to run it.`;
  const before = step.status === 'failed' ? 'failed' : 'was cut off (the engine stopped while it ran)';
  return `${step.title} changes ${env}; its run ${step.attempts} ${before}: confirm to run it again (run ${step.attempts + 1}).`;
}
