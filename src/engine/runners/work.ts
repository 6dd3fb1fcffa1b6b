import { join } from 'node:path';
import { gonogoStepOf, judgeLoadStep } from '../../core/evidence/performance.js';
import { isGuardedStep } from '../../core/gates/danger-guard.js';
import type { GonogoStep, LoadStep } from '../../core/runbook/schema.js';
import type { StepState } from '../../core/session/state.js';
import type { Conductor } from '../conductor.js';
import { dangerGuardClear, heldByDangerGuard } from '../danger-guard.js';
import { ensureIdentity } from '../identity.js';
import type { WorkOutcome } from '../ports.js';
import { commandRequest, httpRequest, loadRequest } from '../step-requests.js';
import { AUTOPILOT } from './manual.js';

const MAX_LIVE_LINES = 500;

/** command, http and load steps: run for real, record the evidence; a failure waits for `r`. */
export async function runWork(c: Conductor, step: StepState): Promise<void> {
  const def = c.definition(step.id);
  const guarded = isGuardedStep(def);
  // A step that changes an environment passes the same guard as traffic, before anything else.
  if (guarded && (await heldByDangerGuard(c, step.id))) return;
  // The rehearsal autopilot does what a careful conductor does with a load test measured on a
  // busy machine: it runs it again, twice at most, before leaving the failure to the person.
  if (step.status === 'failed' && def.kind === 'load' && c.options.autopilot && step.attempts < 3)
    c.rerun(step.id);
  if (step.status === 'failed' && !c.takeRerun(step.id)) {
    c.setWaiting({
      step: step.id,
      kind: 'rerun',
      message: `${step.title} failed: ${step.detail ?? ''} Press r to run it again.`,
    });
    await c.changed(5_000);
    return;
  }
  if (def.kind === 'command' && def.dangerous && !step.dangerousConfirmedBy) {
    if (c.options.autopilot) {
      c.confirmDangerous(step.id, AUTOPILOT);
    } else {
      c.setWaiting({
        step: step.id,
        kind: 'dangerous',
        message: `${step.title} changes ${c.stepEnv(step.id).title}: confirm to run it.`,
      });
      await c.changed(5_000);
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
      const logFile = join(c.options.journal.dir, `${step.id}.${attempt}.log`);
      const request = commandRequest(c, def, env, vars);
      outcome = await c.options.work.command(request.step, {
        env: request.env,
        logFile,
        signal,
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
