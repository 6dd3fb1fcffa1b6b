import { describe, expect, it } from 'vitest';
import { eventsOf, runbookWithCountdown, runningRehearsal, until } from './helpers.js';

const SPEED = 600;

describe('the automatic-rollback countdown: real seconds, and h holds it', () => {
  it('counts down in real seconds at x600 while the polls stay accelerated, then rolls back', async () => {
    const r = await runningRehearsal({
      scenario: 'error-spike',
      advanceBelow: 50,
      speed: SPEED,
      // Real seconds are the subject: the accelerated wall clock, not the virtual one.
      wallClock: true,
      runbookFile: runbookWithCountdown('3s', { rollbackErrorRatePct: 2 }),
    });
    await until(r, () => r.conductor.state.canary?.autoRollback !== undefined, 'the countdown', 180_000);
    const [armed] = eventsOf(r, 'canary.auto-rollback.armed');
    // When it was armed, in real time: this test may notice it late on a busy machine, by as much
    // as the accelerated clock ran on meanwhile.
    const armedAtReal = Date.now() - (r.clock.now() - armed.at) / SPEED;
    // 3 s of a person's time is 30 minutes of the rehearsal's clock at x600.
    expect(armed.deadline - armed.at).toBe(3_000 * SPEED);
    expect(armed.speed).toBe(SPEED);

    // The journal, not the state: rollback.started takes effect at once and is written a turn later,
    // once the revert requests are on the wire (Conductor.dispatchAfterRequests).
    await until(r, () => eventsOf(r, 'rollback.started').length > 0, 'the automatic rollback', 20_000);
    const firedAfterMs = Date.now() - armedAtReal;
    const [started] = eventsOf(r, 'rollback.started');
    expect(started.trigger).toBe('automatic');
    // No rollback before the deadline: 30 clock minutes, three real seconds, after the arming.
    expect(started.at).toBeGreaterThanOrEqual(armed.deadline);
    expect(firedAfterMs).toBeGreaterThanOrEqual(2_500);
    // Everything else stayed accelerated: a poll a clock minute, many while a person read the line.
    const polledWhileCounting = eventsOf(r, 'canary.sample').filter(
      (s) => s.at > armed.at && s.at < started.at,
    );
    expect(polledWhileCounting.length).toBeGreaterThan(5);
    await until(r, () => r.conductor.state.status === 'completed', 'the end of the rollback');
  }, 240_000);

  it('a hold recorded during the countdown stops it at once: the reason follows, no rollback fires', async () => {
    const r = await runningRehearsal({
      scenario: 'error-spike',
      advanceBelow: 50,
      speed: SPEED,
      runbookFile: runbookWithCountdown('2s', { rollbackErrorRatePct: 2 }),
    });
    await until(r, () => r.conductor.state.canary?.autoRollback !== undefined, 'the countdown', 180_000);
    // h: the hold is journaled before any reason is known.
    r.conductor.holdAutoRollback(undefined, '@alex');
    const armed = r.conductor.state.canary?.autoRollback;
    expect(armed).toMatchObject({ heldBy: '@alex', heldReason: undefined });
    const [held] = eventsOf(r, 'canary.auto-rollback.held');
    expect(held).toMatchObject({ by: '@alex' });
    expect(held.reason).toBeUndefined();

    // Well past the held countdown's deadline (2 real seconds), in real time and on the clock.
    // ...and until the engine has been round its loop a few more times since: polls after it.
    await until(r, () => r.clock.now() > (armed?.deadline ?? 0) + 10 * 60_000, 'the held deadline to pass');
    await until(
      r,
      () => eventsOf(r, 'canary.sample').filter((s) => s.at > (armed?.deadline ?? 0)).length >= 3,
      'three polls after the held deadline',
      20_000,
    );
    const startedByHeldCountdown = eventsOf(r, 'rollback.started').filter((started) => {
      const before = eventsOf(r, 'canary.auto-rollback.armed').filter((a) => a.at <= started.at);
      return before.at(-1)?.deadline === armed?.deadline;
    });
    expect(startedByHeldCountdown).toEqual([]);
    expect(r.conductor.state.rollback).toBeUndefined();
    expect(r.conductor.state.canary?.autoRollback).toMatchObject({
      deadline: armed?.deadline,
      heldBy: '@alex',
    });

    // The reason comes after, as its own event, and reads on the hold.
    r.conductor.holdAutoRollback('one client retries in a loop', '@alex');
    expect(eventsOf(r, 'canary.auto-rollback.hold-reason')).toEqual([
      expect.objectContaining({ by: '@alex', reason: 'one client retries in a loop' }),
    ]);
    expect(r.conductor.state.canary?.autoRollback?.heldReason).toBe('one client retries in a loop');
    expect(r.conductor.state.canary?.holds).toEqual([
      expect.objectContaining({ by: '@alex', reason: 'one client retries in a loop' }),
    ]);

    // x still rolls back at once.
    r.conductor.abort();
    await until(r, () => r.conductor.state.status === 'completed', 'the rollback');
    expect(eventsOf(r, 'rollback.started').at(-1)?.trigger).toBe('conductor');
  }, 240_000);
});
