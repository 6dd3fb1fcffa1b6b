import { afterEach, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/core/session/events.js';
import type { RehearsalSession } from '../../src/wiring/rehearsal.js';
import { resumedHere, runningRehearsal, until } from './helpers.js';

const resumed: RehearsalSession[] = [];
afterEach(async () => {
  while (resumed.length) await resumed.pop()?.close();
});

const untilJournalShows = async (predicate: () => boolean, what: string, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('drift-while-away: the split was changed while no engine ran', () => {
  it('is found at resume, polled on while it waits, and adopted once, resource by resource', async () => {
    const r = await runningRehearsal({ scenario: 'drift-while-away', advanceBelow: 50 });
    await until(
      r,
      () =>
        (r.conductor.state.canary?.stages.at(-1)?.samples.length ?? 0) > 0 &&
        r.conductor.state.recordedWeight === 25,
      'a sample of the 25% stage',
    );
    const home = r.store.home;
    const sessionId = r.conductor.state.meta.sessionId;
    // The engine stops (its stand-in for AWS with it); nothing watched the traffic in between.
    await r.close();
    expect(r.conductor.state.drift).toBeUndefined();

    const again = await resumedHere(home, sessionId, true);
    resumed.push(again);
    const { conductor } = again;
    const journal = (): SessionEvent[] => again.store.readEvents(sessionId);
    const drift = conductor.state.drift;
    expect(drift?.resolved).toBeUndefined();
    expect(drift?.live.apiGateway?.canaryPercent).toBe(40);
    for (const lambda of drift?.live.lambdas ?? []) expect(lambda.additionalWeight).toBeCloseTo(0.25);
    expect(drift?.details).toEqual(['API Gateway stage prod: canary at 40% live, 25% in the journal']);

    // Unanswered, the question leaves the polls going: samples and traffic reads keep coming.
    void conductor.start();
    const askedAt = journal().length;
    await untilJournalShows(
      () =>
        journal()
          .slice(askedAt)
          .filter((e) => e.type === 'traffic.read').length >= 3,
      'three traffic reads while the drift question waits',
    );
    expect(journal().filter((e) => e.type === 'drift.detected')).toHaveLength(1);
    expect(conductor.waiting?.kind).toBe('drift');

    await conductor.resolveDrift('adopt');
    const adoptedAt = journal().length;
    await untilJournalShows(
      () =>
        journal()
          .slice(adoptedAt)
          .filter((e) => e.type === 'canary.sample').length >= 6,
      'six samples after the adopt',
      90_000,
    );
    expect(journal().filter((e) => e.type === 'drift.detected')).toHaveLength(1);
    expect(conductor.state.drift?.resolved).toBe('adopt');
    // The adopt recorded the live split resource by resource, then the canary went on from it.
    const events = journal();
    const resolvedAt = events.findIndex((e) => e.type === 'drift.resolved');
    const adopted = events
      .slice(0, resolvedAt)
      .filter((e) => e.type === 'traffic.shifted')
      .at(-1);
    expect(adopted?.type === 'traffic.shifted' && adopted.split.apiGateway?.canaryPercent).toBe(40);
    if (adopted?.type === 'traffic.shifted')
      for (const lambda of adopted.split.lambdas) expect(lambda.additionalWeight).toBeCloseTo(0.25);
    expect(conductor.state.rollback).toBeUndefined();
  }, 180_000);
});
