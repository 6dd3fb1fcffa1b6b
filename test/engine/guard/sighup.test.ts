import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../src/core/session/events.js';
import { currentStage, currentStep } from '../../../src/core/session/selectors.js';
import { foldEvents } from '../../../src/core/session/state.js';
import { readJournal } from '../../../src/services/store/journal.js';
import { resumeRehearsal } from '../../../src/wiring/rehearsal.js';
import { buildPrivateDist, type PrivateDist } from '../crash/dist.js';
import { bbws, DrivenSession } from '../crash/driver.js';

/**
 * Issue #3: SIGHUP (the SSH connection dropped) turns the process into a headless guard that keeps
 * polling and never advances a stage; `conductor resume` from another terminal asks it to hand
 * over and continues at the same stage. The session runs in a child process (built code); the
 * resume runs here, in the test process, on the same home folder.
 */
const { runbook, promotion } = bbws();
let dist: string;
const cleanup: Array<() => Promise<unknown> | unknown> = [];

let build: PrivateDist | undefined;

beforeAll(async () => {
  build = await buildPrivateDist('guard');
  dist = build.dir;
}, 120_000);

afterAll(() => build?.remove());

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function untilJournal(
  file: string,
  predicate: (events: SessionEvent[]) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<SessionEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = readJournal(file).events;
    if (predicate(events)) return events;
    if (Date.now() > deadline) {
      const tail = events
        .slice(-8)
        .map((e) => e.type)
        .join(', ');
      throw new Error(`${what} did not happen; the journal ends with ${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const eventsAfter = (events: SessionEvent[], index: number) => events.slice(index + 1);

describe('SIGHUP: a headless guard, then resume', () => {
  it('keeps polling without a screen, never starts a stage, and hands over to a resume at the same stage', async () => {
    const home = mkdtempSync(join(tmpdir(), 'conductor-sighup-'));
    // 120x: a 15-minute hold lasts 7.5 s and the canary is polled every half second.
    const guard = new DrivenSession({ dist, home, mode: 'start', speed: 120 });
    cleanup.push(() => guard.kill('SIGKILL'));
    const started = await guard.waitFor('started');
    expect(started, guard.stderr).toBeDefined();
    const file = join(home, 'sessions', started!.sessionId!, 'journal.jsonl');

    await untilJournal(
      file,
      (events) => events.some((e) => e.type === 'canary.stage.started'),
      'the first canary stage',
      // Pre-promotion runs real processes (tests, terraform, a load test) the clock does not shorten.
      150_000,
    );
    guard.child.kill('SIGHUP');
    expect(await guard.waitFor('guard'), guard.stderr).toMatchObject({ step: 'prod-canary' });

    // The journal says the session went headless, and who guards it.
    let events = await untilJournal(
      file,
      (es) => es.some((e) => e.type === 'session.detached'),
      'session.detached',
    );
    const detachedAt = events.findIndex((e) => e.type === 'session.detached');
    expect(events[detachedAt]).toMatchObject({
      type: 'session.detached',
      mode: 'guard',
      pid: guard.child.pid,
    });
    const stageAtDetach = currentStage(
      foldEvents(runbook, promotion, events.slice(0, detachedAt + 1)),
    )!.index;

    // It keeps polling the canary...
    events = await untilJournal(
      file,
      (es) => eventsAfter(es, detachedAt).filter((e) => e.type === 'canary.sample').length >= 3,
      'three samples polled by the guard',
    );
    // ...to the end of the stage, where a person would be asked; the guard does not answer.
    events = await untilJournal(
      file,
      (es) => eventsAfter(es, detachedAt).some((e) => e.type === 'canary.stage.decision-needed'),
      'the end of the stage under the guard',
    );
    // Give it several poll periods to do what it must never do.
    await guard.runFor(2_000);
    events = readJournal(file).events;
    const byGuard = eventsAfter(events, detachedAt);
    expect(byGuard.filter((e) => e.type === 'canary.stage.started' || e.type === 'traffic.shifted')).toEqual(
      [],
    );
    expect(
      byGuard.filter((e) => e.type === 'canary.stage.choice' || e.type === 'canary.stage.completed'),
    ).toEqual([]);
    expect(guard.running).toBe(true);
    const beforeResume = foldEvents(runbook, promotion, events);
    expect(beforeResume.recordedWeight).toBe(10);

    // `conductor resume` from another terminal: the guard is asked to hand over and exits.
    const resumed = await resumeRehearsal({
      home,
      sessionId: started!.sessionId!,
      autopilot: true,
    });
    cleanup.push(() => resumed.close());
    expect(resumed.lock.tookOverFrom?.pid).toBe(guard.child.pid);
    expect(resumed.lock.warnings).toEqual([`Conductor pid ${guard.child.pid} handed the session over.`]);
    expect(await guard.exited).toEqual({ code: 0, signal: null });
    expect(guard.line('handover')).toBeDefined();

    // Every event the guard wrote up to the handover is in the chain the resume continues.
    const read = readJournal(file);
    expect(read.broken).toBeUndefined();
    const handedOver = readJournal(file).events;
    const resumedAt = handedOver.findIndex((e) => e.type === 'session.resumed');
    expect(handedOver[resumedAt]).toMatchObject({ tookOverFrom: { pid: guard.child.pid } });
    expect(handedOver.slice(0, events.length)).toEqual(events);
    const state = resumed.conductor.state;
    expect(state.eventCount).toBe(handedOver.length);
    expect(currentStep(state)?.id).toBe('prod-canary');
    expect(currentStage(state)?.index).toBe(stageAtDetach);
    expect(state.approvals).toEqual(beforeResume.approvals);
    expect(state.gonogo).toEqual(beforeResume.gonogo);
    expect(state.drift).toBeUndefined();

    // The conductor, back at a screen, answers the question the guard left open; the canary goes on.
    void resumed.conductor.start();
    const deadline = Date.now() + 30_000;
    while (!currentStage(resumed.conductor.state)?.decision) {
      if (Date.now() > deadline) throw new Error('the resumed session did not show the pending decision');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(
      resumed.conductor.chooseAtStageEnd('advance', 'reviewed after the reconnect', '@conductor'),
    ).toBeUndefined();
    await untilJournal(
      file,
      (es) => es.some((e) => e.type === 'canary.stage.started' && e.stage === stageAtDetach + 1),
      'the next stage after the resume',
    );
    expect(resumed.sandbox?.world.canaryWeightPct()).toBe(25);
    expect(readJournal(file).broken).toBeUndefined();
  }, 300_000);
});
