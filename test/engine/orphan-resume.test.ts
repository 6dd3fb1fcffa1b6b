import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Runbook } from '../../src/core/runbook/schema.js';
import type { EventOf, SessionEvent } from '../../src/core/session/events.js';
import { Conductor } from '../../src/engine/conductor.js';
import type { WorkPort } from '../../src/engine/ports.js';
import { systemClock } from '../../src/services/clock.js';
import type { OpenedJournal } from '../../src/services/store/session-store.js';
import { SessionStore } from '../../src/services/store/session-store.js';
import { createWorkPort } from '../../src/wiring/work-port.js';
import { approvalStep, commandStep, miniRunbook } from '../support/mini-runbook.js';
import { processesRunning } from '../support/processes.js';
import { stsOnlyAws } from '../support/sts-only-aws.js';

/**
 * Issue 17, point 7: an engine killed while a command step runs leaves its process group running.
 * The next engine finds it from the journal (command.started: pid, group, start time, host), says
 * so and waits for it (or stops it when asked, or at the step's timeout); it never runs the step
 * beside it. A pid that now names another process is never signalled.
 *
 * The first engine "dies" the way a SIGKILLed one does: its command keeps running and nothing of
 * it writes again (test/engine/crash/orphan-command.test.ts does it with a real SIGKILL).
 */

/** A sleep no other test runs, so its processes can be counted in /proc. */
const SECONDS = `3600.${process.pid}${Math.floor(Math.random() * 1_000)}`;

/** The deploy step's command: our sleep, unless a test runs something else. */
type Deploy = Record<string, unknown>;
const SLEEP: Deploy = { run: ['sleep', SECONDS] };

function runbookWith(timeout: string, deploy: Deploy = SLEEP, rollbackSteps: Deploy[] = []): Runbook {
  return miniRunbook({
    prod: { approvalRoles: ['tech-lead'] },
    phases: [
      {
        id: 'apply',
        title: 'Apply',
        steps: [
          commandStep('deploy', 'Terraform apply', ['true'], { ...deploy, timeout }),
          approvalStep('approve', 'Approve', ['tech-lead']),
        ],
      },
    ],
    rollbackSteps,
  });
}

const aws = stsOnlyAws;

const conductors: Conductor[] = [];
afterEach(async () => {
  for (const c of conductors.splice(0)) {
    c.stop();
    try {
      c.options.journal.writer.close();
    } catch {}
  }
  // Every sleep of ours still running (a failed test): ours alone, found by their unique argument.
  for (const pid of sleeps()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
});

function conductorOn(runbook: Runbook, store: SessionStore, journal: OpenedJournal, work: WorkPort) {
  const promotion = runbook.promotions[0]!;
  const c = new Conductor({
    runbook,
    runbookFile: 'mini.yaml',
    promotion,
    store,
    journal,
    clock: systemClock,
    aws,
    work,
    notify: { post: async () => undefined },
    conductor: '@carol',
  });
  conductors.push(c);
  return c;
}

/** Live processes running our sleep (a zombie has no command line). */
function sleeps(): number[] {
  return processesRunning(['sleep', SECONDS]);
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

async function until(predicate: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen in time`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function ofType<T extends SessionEvent['type']>(events: SessionEvent[], type: T): Array<EventOf<T>> {
  return events.filter((e): e is EventOf<T> => e.type === type);
}

/** The dead engine's runner must not stop its command at the step's timeout: only the next one does. */
const DEAD_ENGINE_NEVER_STOPS_MS = 24 * 3_600_000;

/**
 * A session whose engine died while `deploy` ran: its sleep still runs, the journal says it started
 * and nothing after. `fake` changes what the dying engine journals of the group.
 */
async function sessionLeftByADeadEngine(
  timeout = '10m',
  fake?: (record: EventOf<'command.started'>) => Partial<EventOf<'command.started'>>,
  diesAt: 'after-started' | 'before-started' | 'before-spawn' = 'after-started',
  deploy?: Deploy,
) {
  const runbook = runbookWith(timeout, deploy);
  const store = new SessionStore(mkdtempSync(join(tmpdir(), 'conductor-orphan-')));
  const journal = store.create(Date.now());
  const real = createWorkPort({ cwd: tmpdir() });
  const dying: WorkPort = {
    ...real,
    command(step, context) {
      // Killed between command.starting and the spawn: nothing ever ran.
      if (diesAt === 'before-spawn') return new Promise(() => undefined);
      // The command runs on; its engine never hears from it again (no signal, no completion, and
      // no timeout of its own: a dead engine stops nothing, only the next engine does).
      void real.command(
        { ...step, timeout: DEAD_ENGINE_NEVER_STOPS_MS },
        {
          ...context,
          signal: new AbortController().signal,
          onStarted: (group) => {
            // Killed after the spawn, before command.started was written (the window issue 17 found).
            if (diesAt === 'before-started') return;
            const probe = { ...group } as EventOf<'command.started'>;
            context.onStarted?.({ ...group, ...(fake ? fake(probe) : {}) });
          },
        },
      );
      return new Promise(() => undefined);
    },
  };
  const first = conductorOn(runbook, store, journal, dying);
  first.create({ version: 'v1', risk: 'low', runbookText: 'mini' });
  void first.start();
  await until(
    () =>
      first.waiting?.kind === 'dangerous' ||
      ofType(store.readEvents(journal.id), 'command.starting').length === 1,
    'command.starting',
  );
  if (first.waiting?.kind === 'dangerous') first.confirmDangerous('deploy');
  await until(
    () => ofType(store.readEvents(journal.id), 'command.starting').length === 1,
    'command.starting',
  );
  if (diesAt !== 'before-spawn')
    await until(() => sleeps().length === 1, 'the first engine starting its command');
  if (diesAt === 'after-started')
    await until(
      () => ofType(store.readEvents(journal.id), 'command.started').length === 1,
      'command.started',
    );
  const [orphan] = sleeps();
  // The engine is gone: nothing of it writes again.
  first.options.journal.writer.close();
  conductors.splice(conductors.indexOf(first), 1);

  const next = conductorOn(runbook, store, store.open(journal.id), createWorkPort({ cwd: tmpdir() }));
  const events = () => store.readEvents(journal.id);
  return { next, events, orphan: orphan!, runbook };
}

describe('an orphaned command group found on resume', () => {
  it('is shown and journaled, waited for (never a second copy beside it), and the step runs again once it ends', async () => {
    const { next, events, orphan } = await sessionLeftByADeadEngine();
    const started = ofType(events(), 'command.started')[0]!;
    expect(started).toMatchObject({ step: 'deploy', attempt: 1, pid: orphan, pgid: orphan });
    expect(started.processStartedAt).toBeGreaterThan(0);

    await next.resumed();
    const found = ofType(events(), 'command.orphan-found');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ step: 'deploy', pid: orphan, state: 'running' });
    expect(found[0]?.detail).toMatch(
      new RegExp(
        `^\`sleep ${SECONDS.replace('.', '\\.')}\` from the previous engine is still running \\(pid ${orphan}, (under 1s|\\d+s)\\): waiting for it to end, up to the step's 10m timeout`,
      ),
    );
    // The checklist shows it on the step.
    expect(next.state.steps.find((s) => s.id === 'deploy')?.command?.orphan?.detail).toBe(found[0]?.detail);

    void next.start();
    await until(() => next.waiting?.kind === 'orphan', 'the engine waiting for the orphan');
    expect(next.waiting?.message).toContain(`still running (pid ${orphan}`);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(sleeps()).toEqual([orphan]);
    expect(ofType(events(), 'command.started')).toHaveLength(1);

    // It ends by itself (here: someone stopped it by hand): the step runs again, alone.
    process.kill(orphan, 'SIGTERM');
    await until(() => ofType(events(), 'command.started').length === 2, 'the step running again');
    expect(alive(orphan)).toBe(false);
    const journal = events();
    const exitedAt = journal.findIndex((e) => e.type === 'command.orphan-exited');
    const rerunAt = journal.findIndex((e) => e.type === 'command.started' && e.attempt === 2);
    expect(exitedAt).toBeGreaterThan(-1);
    expect(rerunAt).toBeGreaterThan(exitedAt);
    await until(() => sleeps().length === 1, 'the second run');
    expect(sleeps()).not.toContain(orphan);
    expect(next.state.steps.find((s) => s.id === 'deploy')).toMatchObject({ status: 'running', attempts: 2 });
  }, 60_000);

  it('is stopped when the conductor asks, then the step runs again', async () => {
    const { next, events, orphan } = await sessionLeftByADeadEngine();
    expect(next.stopOrphan('deploy')).toBe('No command of this step from the previous engine is running.');
    await next.resumed();
    void next.start();
    await until(() => next.waiting?.kind === 'orphan', 'the engine waiting for the orphan');
    expect(next.stopOrphan('deploy')).toBeUndefined();
    await until(() => ofType(events(), 'command.started').length === 2, 'the step running again', 20_000);
    const stopped = ofType(events(), 'command.orphan-stopped');
    expect(stopped).toEqual([
      expect.objectContaining({ step: 'deploy', pid: orphan, by: '@carol', reason: 'asked', stopped: true }),
    ]);
    expect(alive(orphan)).toBe(false);
    await until(() => sleeps().length === 1, 'the second run');
    expect(sleeps()).not.toContain(orphan);
  }, 60_000);

  it("is stopped at the step's timeout, and the step fails for the conductor to look first", async () => {
    const { next, events, orphan } = await sessionLeftByADeadEngine('3s');
    await next.resumed();
    void next.start();
    await until(
      () => next.state.steps.find((s) => s.id === 'deploy')?.status === 'failed',
      'the step failing at its timeout',
      20_000,
    );
    expect(ofType(events(), 'command.orphan-stopped')).toEqual([
      expect.objectContaining({ pid: orphan, reason: 'timeout', stopped: true }),
    ]);
    expect(next.state.steps.find((s) => s.id === 'deploy')?.detail).toMatch(
      /from the previous engine ran past its 3s timeout and was stopped; how far it got is unknown/,
    );
    expect(alive(orphan)).toBe(false);
    expect(ofType(events(), 'command.started')).toHaveLength(1);
    expect(next.waiting?.kind).toBe('rerun');
  }, 60_000);

  it('a pid now held by another process (its start time differs) is never signalled: the outcome is unknown and the step runs again', async () => {
    const { next, events, orphan } = await sessionLeftByADeadEngine('10m', (record) => ({
      processStartedAt: (record.processStartedAt ?? 0) - 3_600_000,
    }));
    await next.resumed();
    expect(ofType(events(), 'command.orphan-found')).toEqual([
      expect.objectContaining({ pid: orphan, state: 'reused' }),
    ]);
    expect(ofType(events(), 'command.orphan-found')[0]?.detail).toContain(
      `pid ${orphan} is now another process, which is left alone; how it ended is unknown, so the step runs again`,
    );
    void next.start();
    await until(() => ofType(events(), 'command.started').length === 2, 'the step running again');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // "Another process": never sent a signal, still running.
    expect(alive(orphan)).toBe(true);
    expect(ofType(events(), 'command.orphan-stopped')).toEqual([]);
  }, 60_000);

  it('a command whose engine died after the spawn and before command.started is found by its marker, waited for, never run twice', async () => {
    const { next, events, orphan } = await sessionLeftByADeadEngine('10m', undefined, 'before-started');
    expect(ofType(events(), 'command.started')).toHaveLength(0);
    const starting = ofType(events(), 'command.starting')[0]!;
    expect(readFileSync(`/proc/${orphan}/environ`, 'latin1')).toContain(
      `CONDUCTOR_RUN_MARKER=${starting.marker}`,
    );

    await next.resumed();
    expect(ofType(events(), 'command.started')).toEqual([
      expect.objectContaining({ step: 'deploy', attempt: 1, pid: orphan, pgid: orphan, recovered: true }),
    ]);
    expect(ofType(events(), 'command.orphan-found')).toEqual([
      expect.objectContaining({ step: 'deploy', pid: orphan, state: 'running' }),
    ]);
    void next.start();
    await until(() => next.waiting?.kind === 'orphan', 'the engine waiting for the orphan');
    expect(sleeps()).toEqual([orphan]);

    process.kill(orphan, 'SIGTERM');
    await until(() => ofType(events(), 'command.started').length === 2, 'the step running again');
    await until(() => sleeps().length === 1, 'the second run');
    expect(sleeps()).not.toContain(orphan);
  }, 60_000);

  it('a command announced and never spawned is closed with a warning, and the step runs once', async () => {
    const { next, events } = await sessionLeftByADeadEngine('10m', undefined, 'before-spawn');
    expect(sleeps()).toEqual([]);
    await next.resumed();
    expect(ofType(events(), 'command.start-unconfirmed')).toEqual([
      expect.objectContaining({ step: 'deploy', attempt: 1, state: 'gone' }),
    ]);
    expect(next.state.warnings.at(-1)).toMatch(
      /was starting when the previous engine stopped, and no process of it runs here/,
    );
    void next.start();
    await until(() => ofType(events(), 'command.started').length === 1, 'the step running');
    await until(() => sleeps().length === 1, 'its command');
    expect(ofType(events(), 'command.started')[0]).toMatchObject({ attempt: 2 });
  }, 60_000);

  it('a session that rolls back while an orphan runs stops it and says so; abandon waits for it', async () => {
    const { next, events, orphan } = await sessionLeftByADeadEngine();
    await next.resumed();
    void next.start();
    await until(() => next.waiting?.kind === 'orphan', 'the engine waiting for the orphan');
    expect(next.abandon('not tonight')).toMatch(
      /from the previous engine still runs \(pid \d+\): stop it first/,
    );
    next.abort('the conductor pressed x');
    await until(() => next.state.status === 'completed', 'the rollback ending the session', 20_000);
    expect(ofType(events(), 'command.orphan-stopped')).toEqual([
      expect.objectContaining({ pid: orphan, reason: 'session-end', stopped: true }),
    ]);
    expect(alive(orphan)).toBe(false);
    expect(next.state.warnings.join('\n')).toMatch(
      /was stopped: the session rolled back before its step could run again/,
    );
    // Stopped before the session's end is journaled: the report's warnings hold it.
    const journal = events();
    expect(journal.findIndex((e) => e.type === 'command.orphan-stopped')).toBeLessThan(
      journal.findIndex((e) => e.type === 'session.completed'),
    );
  }, 60_000);
});

describe('a dangerous step is confirmed for one run', () => {
  const DANGEROUS: Deploy = { ...SLEEP, dangerous: true };

  it('a run cut off by the engine dying asks again before the step runs again', async () => {
    const { next, events, orphan } = await sessionLeftByADeadEngine(
      '10m',
      undefined,
      'after-started',
      DANGEROUS,
    );
    expect(ofType(events(), 'dangerous.confirmed')).toEqual([expect.objectContaining({ attempt: 1 })]);
    await next.resumed();
    void next.start();
    await until(() => next.waiting?.kind === 'orphan', 'the engine waiting for the orphan');
    process.kill(orphan, 'SIGTERM');
    await until(() => next.waiting?.kind === 'dangerous', 'the engine asking again');
    expect(next.waiting?.message).toBe(
      'Terraform apply changes PROD; its run 1 was cut off (the engine stopped while it ran): confirm to run it again (run 2).',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(ofType(events(), 'command.starting')).toHaveLength(1);
    expect(sleeps()).toEqual([]);
    next.confirmDangerous('deploy', '@dave');
    await until(() => ofType(events(), 'command.started').length === 2, 'the confirmed run');
    expect(ofType(events(), 'dangerous.confirmed').at(-1)).toMatchObject({ by: '@dave', attempt: 2 });
  }, 60_000);

  it('a failed run is run again on r only after a new confirmation', async () => {
    const runbook = runbookWith('1m', { dangerous: true, run: ['sh', '-c', 'exit 3'] });
    const store = new SessionStore(mkdtempSync(join(tmpdir(), 'conductor-dangerous-')));
    const journal = store.create(Date.now());
    const c = conductorOn(runbook, store, journal, createWorkPort({ cwd: tmpdir() }));
    c.create({ version: 'v1', risk: 'low', runbookText: 'mini' });
    void c.start();
    await until(() => c.waiting?.kind === 'dangerous', 'the first confirmation asked');
    c.confirmDangerous('deploy');
    await until(() => c.waiting?.kind === 'rerun', 'the step failing');
    c.rerun('deploy');
    await until(() => c.waiting?.kind === 'dangerous', 'a new confirmation asked');
    expect(c.waiting?.message).toMatch(/its run 1 failed: confirm to run it again \(run 2\)/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ofType(store.readEvents(journal.id), 'step.started')).toHaveLength(1);
    c.confirmDangerous('deploy');
    await until(() => ofType(store.readEvents(journal.id), 'step.started').length === 2, 'the second run');
  }, 60_000);
});

describe('a rollback command the previous engine left running', () => {
  it('is waited for before it runs again, said on screen and in the journal', async () => {
    const runbook = runbookWith('10m', { run: ['true'] }, [
      commandStep('restore', 'Restore the previous plan', ['sleep', SECONDS], { timeout: '10m' }),
    ]);
    const store = new SessionStore(mkdtempSync(join(tmpdir(), 'conductor-rollback-orphan-')));
    const journal = store.create(Date.now());
    const real = createWorkPort({ cwd: tmpdir() });
    // The engine dies while the rollback's command runs: the command goes on, nothing more is written.
    const dying: WorkPort = {
      ...real,
      command(step, context) {
        if (step.run[0] !== 'sleep') return real.command(step, context);
        void real.command(step, { ...context, signal: new AbortController().signal });
        return new Promise(() => undefined);
      },
    };
    const first = conductorOn(runbook, store, journal, dying);
    first.create({ version: 'v1', risk: 'low', runbookText: 'mini' });
    void first.start();
    await until(() => first.state.steps.find((s) => s.id === 'deploy')?.status === 'passed', 'the deploy');
    first.abort('the conductor pressed x');
    await until(() => sleeps().length === 1, 'the rollback command starting');
    await until(
      () => ofType(store.readEvents(journal.id), 'rollback.command.starting').length === 1,
      'rollback.command.starting',
    );
    const [orphan] = sleeps();
    first.options.journal.writer.close();
    conductors.splice(conductors.indexOf(first), 1);

    const next = conductorOn(runbook, store, store.open(journal.id), createWorkPort({ cwd: tmpdir() }));
    const events = () => store.readEvents(journal.id);
    await next.resumed();
    void next.start();
    await until(() => next.waiting?.kind === 'orphan', 'the engine waiting for the rollback command');
    expect(next.waiting).toMatchObject({ step: 'restore' });
    expect(next.waiting?.message).toContain(`still running (pid ${orphan})`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(sleeps()).toEqual([orphan]);
    expect(ofType(events(), 'rollback.command.starting')).toHaveLength(1);
    expect(ofType(events(), 'warning').map((w) => w.message)).toContainEqual(
      expect.stringContaining('of the rollback from the previous engine is still running'),
    );

    process.kill(orphan!, 'SIGTERM');
    await until(
      () => ofType(events(), 'rollback.command.starting').length === 2,
      'the command running again',
    );
    await until(() => sleeps().length === 1 && sleeps()[0] !== orphan, 'its second run');
    expect(alive(orphan!)).toBe(false);
  }, 60_000);
});
