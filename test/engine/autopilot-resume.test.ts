import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { serveSession } from '../../src/engine/host/server.js';
import { AUTOPILOT } from '../../src/engine/runners/manual.js';
import { engineSocketPath } from '../../src/services/store/paths.js';
import type { Rehearsal, RehearsalSession } from '../../src/wiring/rehearsal.js';
import { attachSession } from '../../src/wiring/session-client.js';
import { eventsOf, rehearse, resumedHere, runningRehearsal as running, until } from './helpers.js';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A rehearsal started with --autopilot, whose engine stopped before it ran a step. */
async function stoppedAtTheStart(): Promise<{ home: string; sessionId: string }> {
  const r = await rehearse({ scenario: 'healthy' });
  const sessionId = r.conductor.state.meta.sessionId;
  await r.close();
  return { home: r.store.home, sessionId };
}

async function resume(home: string, sessionId: string, autopilot?: boolean): Promise<RehearsalSession> {
  const again = await resumedHere(home, sessionId, autopilot);
  cleanup.push(() => again.close());
  return again;
}

/** The helpers read a resumed session's journal and state the same way (they never touch its sandbox). */
const asRehearsal = (r: RehearsalSession) => r as Rehearsal;

describe('the autopilot is a property of the session', () => {
  it('is journaled at the start, and a resume without a word keeps it: the manual items are answered', async () => {
    const { home, sessionId } = await stoppedAtTheStart();
    const again = await resume(home, sessionId);
    const r = asRehearsal(again);
    expect(eventsOf(r, 'session.created')[0].rehearsal?.autopilot).toBe(true);
    expect(again.conductor.state.autopilot).toBe(true);
    expect(again.conductor.options.autopilot).toBe(true);
    expect(eventsOf(r, 'autopilot.set')).toEqual([]);

    void again.conductor.start();
    await until(r, () => eventsOf(r, 'step.confirmed').length > 0, 'a manual item confirmed', 120_000);
    expect(eventsOf(r, 'step.confirmed')[0].by).toBe(AUTOPILOT);
  }, 240_000);

  it('resume --no-autopilot takes over by hand: journaled, the manual item waits, a later resume keeps it', async () => {
    const { home, sessionId } = await stoppedAtTheStart();
    const again = await resume(home, sessionId, false);
    const r = asRehearsal(again);
    expect(eventsOf(r, 'autopilot.set')).toMatchObject([{ on: false }]);
    expect(again.conductor.state.autopilot).toBe(false);

    void again.conductor.start();
    // The autopilot confirms before anything waits: a manual item waiting is one it left alone.
    await until(
      r,
      () => again.conductor.waiting?.kind === 'confirm',
      'the first manual item waiting',
      120_000,
    );
    expect(eventsOf(r, 'step.confirmed')).toEqual([]);

    await again.close();
    cleanup.pop();
    const third = await resume(home, sessionId);
    expect(third.conductor.state.autopilot).toBe(false);
    expect(third.conductor.options.autopilot).toBe(false);
    expect(eventsOf(asRehearsal(third), 'autopilot.set')).toHaveLength(1);
  }, 240_000);

  it('a driver that attaches to a running engine with --no-autopilot takes over at once', async () => {
    const r = await running({ scenario: 'healthy' });
    const { conductor } = r;
    const socketPath = engineSocketPath(conductor.dir);
    const server = await serveSession({
      conductor,
      socketPath,
      runbookText: readFileSync(conductor.options.runbookFile, 'utf8'),
      onFinished: () => undefined,
    });
    cleanup.push(() => server.close());
    const screen = await attachSession(socketPath, 'driver', { autopilot: false });
    cleanup.push(() => screen.disconnect());
    await until(r, () => conductor.state.autopilot === false, 'the autopilot handed over');
    expect(conductor.options.autopilot).toBe(false);
    expect(eventsOf(r, 'autopilot.set').at(-1)).toMatchObject({ on: false, by: expect.any(String) });
    // The screen folds the same journal: it can say who answers.
    const deadline = Date.now() + 30_000;
    while (screen.state.autopilot !== false && Date.now() < deadline)
      await new Promise((d) => setTimeout(d, 20));
    expect(screen.state.autopilot).toBe(false);
  }, 120_000);
});
