import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf, SessionEvent } from '../../../src/core/session/events.js';
import { readJournal } from '../../../src/services/store/journal.js';
import { approvalStep, canaryStep, commandStep, miniRunbookYaml } from '../../support/mini-runbook.js';
import { processesRunning } from '../../support/processes.js';
import { buildPrivateDist, type PrivateDist } from './dist.js';
import { DrivenSession, type DriverOptions } from './driver.js';

/**
 * Issue 17, point 7, "Must show": an orphaned command group found on resume. A rehearsal engine in
 * a process of its own is SIGKILLed while a command step runs; its process group runs on. The
 * engine that resumes the session finds it, journals it, and does not start a second copy beside
 * it; once it has ended, the step runs again.
 */

/** A sleep no other test runs, so its processes can be counted in /proc. */
const SECONDS = `3600.${process.pid}${Math.floor(Math.random() * 1_000)}`;

const RUNBOOK = miniRunbookYaml({
  prod: {
    production: true,
    approvalRoles: ['tech-lead'],
    changeTicket: { policy: 'required', pattern: '^[A-Z][A-Z0-9]+-\\d+$' },
  },
  phases: [
    {
      id: 'apply',
      title: 'Apply',
      steps: [
        commandStep('deploy', 'Terraform apply', ['sleep', SECONDS]),
        approvalStep('approve', 'Approve', ['tech-lead']),
      ],
    },
    {
      id: 'release',
      title: 'Release',
      steps: [
        canaryStep([
          { weight: 10, hold: '15m' },
          { weight: 100, hold: '15m' },
        ]),
      ],
    },
  ],
});

const spawned: DrivenSession[] = [];
afterEach(async () => {
  for (const driven of spawned.splice(0)) await driven.kill('SIGKILL');
  // Our sleeps alone (found by their unique argument), whatever the test left running.
  for (const pid of sleeps()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
});

let build: PrivateDist | undefined;
beforeAll(async () => {
  build = await buildPrivateDist('orphan');
}, 240_000);
afterAll(() => build?.remove());

/** Live processes running our sleep (a zombie has no command line). */
function sleeps(): number[] {
  return processesRunning(['sleep', SECONDS]);
}

async function until(predicate: () => boolean, what: string, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen in time`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function drive(options: Omit<DriverOptions, 'dist'> & { runbook: string }): DrivenSession {
  const driverOptions: DriverOptions & { runbook: string } = { dist: build!.dir, ...options };
  const driven = new DrivenSession(driverOptions);
  spawned.push(driven);
  return driven;
}

describe('crash: an engine SIGKILLed while a command step runs', () => {
  it('an orphaned command group found on resume: journaled, waited for, never run twice at once', async () => {
    const home = mkdtempSync(join(tmpdir(), 'conductor-orphan-crash-'));
    const runbook = join(home, 'mini.yaml');
    writeFileSync(runbook, RUNBOOK);

    const first = drive({ home, runbook, mode: 'start' });
    const sessionId = (await first.waitFor('started'))?.sessionId;
    expect(sessionId, first.stderr).toBeDefined();
    await until(() => sleeps().length === 1, 'the command step starting');
    const [orphan] = sleeps();
    await first.kill('SIGKILL');
    // The engine is gone; its command is not.
    expect(sleeps()).toEqual([orphan]);

    const journalFile = join(home, 'sessions', sessionId!, 'journal.jsonl');
    const events = (): SessionEvent[] => readJournal(journalFile).events;
    const ofType = <T extends SessionEvent['type']>(type: T) =>
      events().filter((e): e is EventOf<T> => e.type === type);

    const second = drive({ home, runbook, mode: 'resume', sessionId });
    expect((await second.waitFor('resumed'))?.sessionId, second.stderr).toBe(sessionId);
    // Either the orphan is found, or (the bug) a second copy starts beside it.
    await until(
      () => ofType('command.orphan-found').length > 0 || sleeps().length > 1,
      'the resumed engine finding the orphan',
    );
    await second.runFor(2_000);
    expect(sleeps()).toEqual([orphan]);
    expect(ofType('command.orphan-found')).toEqual([
      expect.objectContaining({ step: 'deploy', attempt: 1, pid: orphan, state: 'running' }),
    ]);
    expect(ofType('command.started')).toEqual([expect.objectContaining({ pid: orphan, pgid: orphan })]);

    // Once it has ended (here: stopped by hand), the step runs again, alone.
    process.kill(orphan!, 'SIGKILL');
    await until(() => ofType('command.started').length === 2, 'the step running again');
    const journal = events();
    const exited = journal.findIndex((e) => e.type === 'command.orphan-exited');
    expect(exited).toBeGreaterThan(-1);
    expect(journal.findIndex((e) => e.type === 'command.started' && e.attempt === 2)).toBeGreaterThan(exited);
    await until(() => sleeps().length === 1 && sleeps()[0] !== orphan, 'the second run');
    expect(second.running).toBe(true);
  }, 180_000);
});
