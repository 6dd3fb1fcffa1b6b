import { describe, expect, it } from 'vitest';
import { eventsOf, runbookWithCountdown, runningRehearsal, until } from './helpers.js';

const SPEED = 600;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the automatic-rollback countdown: real seconds, and h holds it', () => {
  it('counts down in real seconds at x600 while the polls stay accelerated, then rolls back', async () => {
    const r = await runningRehearsal({
      scenario: 'error-spike',
      advanceBelow: 50,
      speed: SPEED,
      runbookFile: runbookWithCountdown('3s', { rollbackErrorRatePct: 2 }),
    });
    await until(r, () => r.conductor.state.canary?.autoRollback !== undefined, 'the countdown');
    const armedAtReal = Date.now();
    const [armed] = eventsOf(r, 'canary.auto-rollback.armed');
    // 3 s of a person's time is 30 minutes of the rehearsal's clock at x600.
    expect(armed.deadline - armed.at).toBe(3_000 * SPEED);
    expect(armed.speed).toBe(SPEED);
    const samplesAtArm = r.conductor.state.canary?.stages.at(-1)?.samples.length ?? 0;

    // Two real seconds in, on the accelerated clock 20 minutes have passed: no rollback yet.
    await sleep(2_000);
    expect(eventsOf(r, 'rollback.started')).toEqual([]);
    expect(r.conductor.state.rollback).toBeUndefined();
    // Everything else stayed accelerated: a poll a clock minute, many while a person reads the line.
    expect(r.conductor.state.canary?.stages.at(-1)?.samples.length ?? 0).toBeGreaterThan(samplesAtArm + 5);

    await until(r, () => r.conductor.state.rollback !== undefined, 'the automatic rollback', 20_000);
    const firedAfterMs = Date.now() - armedAtReal;
    const [started] = eventsOf(r, 'rollback.started');
    expect(started.trigger).toBe('automatic');
    expect(started.at).toBeGreaterThanOrEqual(armed.deadline);
    expect(firedAfterMs).toBeGreaterThanOrEqual(2_500);
    await until(r, () => r.conductor.state.status === 'completed', 'the end of the rollback');
  }, 90_000);

  it('a hold recorded during the countdown stops it at once: the reason follows, no rollback fires', async () => {
    const r = await runningRehearsal({
      scenario: 'error-spike',
      advanceBelow: 50,
      speed: SPEED,
      runbookFile: runbookWithCountdown('2s', { rollbackErrorRatePct: 2 }),
    });
    await until(r, () => r.conductor.state.canary?.autoRollback !== undefined, 'the countdown');
    // h: the hold is journaled before any reason is known.
    r.conductor.holdAutoRollback(undefined, '@alex');
    const armed = r.conductor.state.canary?.autoRollback;
    expect(armed).toMatchObject({ heldBy: '@alex', heldReason: undefined });
    const [held] = eventsOf(r, 'canary.auto-rollback.held');
    expect(held).toMatchObject({ by: '@alex' });
    expect(held.reason).toBeUndefined();

    // Well past the held countdown's deadline (2 real seconds), in real time and on the clock.
    await until(r, () => r.clock.now() > (armed?.deadline ?? 0) + 10 * 60_000, 'the held deadline to pass');
    await sleep(500);
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
  }, 90_000);
});
