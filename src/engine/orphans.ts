import { hostname } from 'node:os';
import { formatDuration } from '../core/runbook/duration.js';
import type { OrphanState } from '../core/session/events.js';
import type { CommandRunState, StepState } from '../core/session/state.js';
import type { EngineContext } from './context.js';

/**
 * A command step's run that an earlier engine journaled as started and never saw end (it was
 * SIGKILLed, its host rebooted): its process group may still be running, a `terraform apply` half
 * way through. The step never runs beside it. A group still running here as the same process is
 * waited for, up to the step's own timeout counted from its start (stopping an apply mid-way can be
 * worse than letting it finish); the person may stop it sooner (Conductor.stopOrphan), and then the
 * step runs again. At the timeout it is stopped the way its own engine would have stopped it, and
 * the step fails for the person to look before running it again. Anything else (gone, another
 * process on that pid now, another host) is journaled as an unknown outcome and the step runs again.
 */

/** How often (real time) a group waited for is looked at again. */
const ORPHAN_POLL_MS = 500;

/** Runs each engine (Conductor) has journaled a finding for: one finding per engine and run. */
const noticed = new WeakMap<EngineContext, Set<string>>();

function noticedBy(c: EngineContext): Set<string> {
  let seen = noticed.get(c);
  if (!seen) {
    seen = new Set();
    noticed.set(c, seen);
  }
  return seen;
}

const keyOf = (step: string, run: CommandRunState) => `${step}#${run.attempt}#${run.pid}@${run.host}`;

// A process's start is known to about a second (/proc's btime): a younger one is "under 1s".
const seconds = (ms: number) => (ms < 1_000 ? 'under 1s' : formatDuration(Math.round(ms / 1_000) * 1_000));

function look(c: EngineContext, run: CommandRunState): { state: OrphanState; runningForMs?: number } {
  return c.options.work.inspectGroup?.(run) ?? { state: 'unverifiable' };
}

function timeoutOf(c: EngineContext, step: string): number | undefined {
  const def = c.definition(step);
  return def.kind === 'command' ? def.timeout : undefined;
}

function foundSentence(
  c: EngineContext,
  step: string,
  run: CommandRunState,
  seen: { state: OrphanState; runningForMs?: number },
): string {
  const cmd = `\`${run.command}\``;
  const unknown = 'how it ended is unknown, so the step runs again';
  switch (seen.state) {
    case 'running': {
      const timeout = timeoutOf(c, step);
      return `${cmd} from the previous engine is still running (pid ${run.pid}, ${seconds(seen.runningForMs ?? 0)}): waiting for it to end${timeout !== undefined ? `, up to the step's ${formatDuration(timeout)} timeout,` : ''} before the step runs again.`;
    }
    case 'gone':
      return `${cmd} from the previous engine (pid ${run.pid}) is no longer running; ${unknown}.`;
    case 'reused':
      return `${cmd} from the previous engine has ended: pid ${run.pid} is now another process, which is left alone; ${unknown}.`;
    case 'elsewhere':
      return `${cmd} from the previous engine ran on host ${run.host} (pid ${run.pid}), which cannot be seen from here; ${unknown}: make sure it is not still running there.`;
    case 'unverifiable':
      return `${cmd} from the previous engine (pid ${run.pid}) cannot be proved to be still running here, so nothing is signalled; ${unknown}.`;
  }
}

function journalFinding(
  c: EngineContext,
  step: string,
  run: CommandRunState,
  seen: { state: OrphanState; runningForMs?: number },
): void {
  noticedBy(c).add(keyOf(step, run));
  c.dispatch({
    type: 'command.orphan-found',
    at: c.now(),
    step,
    attempt: run.attempt,
    pid: run.pid,
    host: run.host,
    command: run.command,
    state: seen.state,
    ...(seen.runningForMs !== undefined && { runningForMs: seen.runningForMs }),
    detail: foundSentence(c, step, run, seen),
  });
}

/**
 * A command the previous engine announced (command.starting) and died before it saw start: looked
 * for by the marker in its environment. Found, it is journaled as started (and then is an orphan
 * like any other); not found, the announcement is closed with what is known.
 */
function recoverStart(c: EngineContext, step: StepState): void {
  const starting = step.commandStarting;
  if (!starting || step.command) return;
  const cmd = `\`${starting.command}\``;
  const search =
    starting.host !== hostname()
      ? ({ state: 'elsewhere' } as const)
      : (c.options.work.findGroup?.(starting.marker) ?? ({ state: 'unverifiable' } as const));
  if (search.state === 'found') {
    c.dispatch({
      type: 'command.started',
      at: c.now(),
      step: step.id,
      attempt: starting.attempt,
      command: starting.command,
      marker: starting.marker,
      recovered: true,
      ...search.group,
    });
    return;
  }
  const detail = {
    gone: `${cmd} was starting when the previous engine stopped, and no process of it runs here: it never started or has ended; the step runs again.`,
    elsewhere: `${cmd} was starting on host ${starting.host} when the previous engine stopped, which cannot be seen from here; make sure it is not running there: the step runs again.`,
    unverifiable: `${cmd} was starting when the previous engine stopped, and its processes cannot be looked for on this system; make sure it is not still running: the step runs again.`,
  }[search.state];
  c.dispatch({
    type: 'command.start-unconfirmed',
    at: c.now(),
    step: step.id,
    attempt: starting.attempt,
    state: search.state,
    detail,
  });
}

/** On resume: journal what is found of every command started (or starting) and never seen to end. */
export function noticeOrphans(c: EngineContext): void {
  for (const announced of c.state.steps) recoverStart(c, announced);
  for (const step of c.state.steps) {
    const run = step.command;
    if (run && !noticedBy(c).has(keyOf(step.id, run))) journalFinding(c, step.id, run, look(c, run));
  }
}

/** A command of the previous engine still waited for, in some step (abandon refuses while one runs). */
export function runningOrphan(c: EngineContext): StepState | undefined {
  return c.state.steps.find((s) => s.command?.orphan?.state === 'running');
}

/**
 * The session ends (rolled back) while a command of the previous engine still runs: it is stopped
 * the way its own engine would have stopped it at its timeout, and the journal (and so the report)
 * says so. Nothing is left running that no session watches.
 */
export async function endOrphans(c: EngineContext, why: string): Promise<void> {
  for (const step of c.state.steps) {
    const run = step.command;
    if (run?.orphan?.state !== 'running') continue;
    await stopOrphanGroup(c, step.id, run, { by: 'session end', reason: 'session-end', why });
  }
}

/**
 * Stops the process group of a run the previous engine left, and journals what came of it
 * (`command.orphan-stopped`). True when nothing of the group runs any more.
 */
async function stopOrphanGroup(
  c: EngineContext,
  stepId: string,
  run: CommandRunState,
  how: { by: string; reason: 'asked' | 'timeout' | 'session-end'; why: string },
): Promise<boolean> {
  const stopped = (await c.options.work.stopGroup?.(run)) ?? false;
  const what = `\`${run.command}\` from the previous engine (pid ${run.pid})`;
  c.dispatch({
    type: 'command.orphan-stopped',
    at: c.now(),
    step: stepId,
    attempt: run.attempt,
    pid: run.pid,
    by: how.by,
    reason: how.reason,
    stopped,
    detail: stopped
      ? `${what} was stopped: ${how.why}.`
      : how.reason === 'session-end'
        ? `${what} could not be stopped (${how.why}): stop it by hand.`
        : `${what} could not be stopped: ${how.why}.`,
  });
  return stopped;
}

/**
 * Right before a command step starts. Resolves true when nothing of an earlier run of it runs any
 * more (the step may start now); false when the runner should come back later (still waiting, or the
 * step failed).
 */
export async function settleOrphan(c: EngineContext, announced: StepState): Promise<boolean> {
  recoverStart(c, announced);
  const step = c.state.steps.find((s) => s.id === announced.id) ?? announced;
  const run = step.command;
  if (!run) return true;
  const seen = look(c, run);
  if (!noticedBy(c).has(keyOf(step.id, run))) {
    journalFinding(c, step.id, run, seen);
    if (seen.state !== 'running') return true;
  } else if (seen.state !== 'running') {
    c.dispatch({
      type: 'command.orphan-exited',
      at: c.now(),
      step: step.id,
      attempt: run.attempt,
      pid: run.pid,
      detail: `\`${run.command}\` from the previous engine (pid ${run.pid}) has ended; its exit code went with that engine, so the step runs again.`,
    });
    return true;
  }

  const timeout = timeoutOf(c, step.id);
  const askedBy = c.takeOrphanStop(step.id);
  const overdue = timeout !== undefined && (seen.runningForMs ?? 0) >= timeout;
  if (askedBy === undefined && !overdue) {
    c.setWaiting({
      step: step.id,
      kind: 'orphan',
      message: foundSentence(c, step.id, run, seen),
    });
    await c.waitWatching(ORPHAN_POLL_MS * c.clock.speed);
    return false;
  }

  const why =
    askedBy !== undefined
      ? `${askedBy} asked to stop it`
      : `it ran past its ${formatDuration(timeout ?? 0)} timeout`;
  c.setWaiting({
    step: step.id,
    kind: 'orphan',
    message: `Stopping \`${run.command}\` (pid ${run.pid}) from the previous engine: ${why}.`,
  });
  const stopped = await stopOrphanGroup(c, step.id, run, {
    by: askedBy ?? 'timeout',
    reason: askedBy !== undefined ? 'asked' : 'timeout',
    why,
  });
  c.setWaiting(undefined);
  if (stopped && askedBy !== undefined) return true;
  // Stopped at its timeout (or not stopped at all): how far it got is unknown; the person looks first.
  c.dispatch({
    type: 'step.completed',
    at: c.now(),
    step: step.id,
    outcome: 'failed',
    detail: stopped
      ? `\`${run.command}\` from the previous engine ran past its ${formatDuration(timeout ?? 0)} timeout and was stopped; how far it got is unknown. Check, then run it again.`
      : `\`${run.command}\` from the previous engine (pid ${run.pid}) could not be stopped; stop it by hand, then run the step again.`,
  });
  return false;
}

/**
 * Before a rollback procedure's command runs: a run of it that the previous engine started (and
 * died during) is looked for by its marker and waited for, up to the step's timeout, then stopped;
 * the wait is on screen and the journal says what was found. The step then runs, alone.
 */
export async function settleRollbackOrphan(c: EngineContext, step: string, timeoutMs: number): Promise<void> {
  const starting = c.state.rollback?.commandStarting;
  if (!starting || starting.step !== step) return;
  const cmd = `\`${starting.command}\``;
  if (starting.host !== hostname()) {
    c.dispatch({
      type: 'warning',
      at: c.now(),
      message: `${cmd} of the rollback ran on host ${starting.host} under the previous engine, which cannot be seen from here: make sure it is not still running there. It runs again here.`,
    });
    return;
  }
  const since = performance.now();
  let said = false;
  for (;;) {
    const search = c.options.work.findGroup?.(starting.marker);
    if (search?.state !== 'found') break;
    const { group } = search;
    if (performance.now() - since >= timeoutMs) {
      const stopped = (await c.options.work.stopGroup?.(group)) ?? false;
      c.dispatch({
        type: 'warning',
        at: c.now(),
        message: stopped
          ? `${cmd} of the rollback from the previous engine (pid ${group.pid}) ran past its timeout and was stopped; it runs again.`
          : `${cmd} of the rollback from the previous engine (pid ${group.pid}) could not be stopped: stop it by hand.`,
      });
      break;
    }
    const message = `${cmd} of the rollback from the previous engine is still running (pid ${group.pid}): waiting for it to end before it runs again.`;
    if (!said) c.dispatch({ type: 'warning', at: c.now(), message });
    said = true;
    c.setWaiting({ step, kind: 'orphan', message });
    await c.clock.sleep(ORPHAN_POLL_MS * c.clock.speed, c.stopSignal).catch(() => undefined);
    if (c.stopSignal.aborted) return;
  }
  if (said) c.setWaiting(undefined);
}
