import { describe, expect, it } from 'vitest';
import { eventsOf, runningRehearsal, until } from './helpers.js';

describe('a call that keeps failing', () => {
  it('backs off and journals the same error at its 1st, 2nd, 4th, 8th... time, with the count', async () => {
    const r = await runningRehearsal({ scenario: 'healthy', speed: 600 });
    // Reading where a rollback goes fails for good: AccessDenied on every GetAlias.
    r.sandbox.faults.set({ operation: 'lambda:GetAlias', errorRate: 1, errorCode: 'AccessDeniedException' });
    await until(
      r,
      () => eventsOf(r, 'aws.error').some((e) => e.operation === 'read rollback target'),
      'the first failed read of the rollback target',
      120_000,
    );
    // Eighty clock minutes (eight real seconds at x600) of backing off, on the test's clock: the
    // floor between tries is real time (0.25 s), kept on a virtual clock as 0.25 s x speed.
    const firstAt = r.clock.now();
    const realMs = () => (r.clock.now() - firstAt) / r.clock.speed;
    await until(r, () => realMs() >= 8_000, 'eight seconds of retries at x600', 30_000);
    const errors = eventsOf(r, 'aws.error').filter((e) => e.operation === 'read rollback target');
    const waiting = r.conductor.waiting?.message ?? '';
    const elapsedMs = realMs();
    // The try about to be made, as the screen counts it ("attempt 21").
    const attempt = Number(/\(attempt (\d+)\)/.exec(waiting)?.[1] ?? 0);
    const seen = `attempt ${attempt} after ${elapsedMs} ms; journaled ${errors.length} times`;
    // Backing off from 5 s, doubling, capped at 5 min, never closer than 0.25 real s (less 20 %
    // of jitter): about 20 tries in 8 s, never one per poll.
    expect(attempt, seen).toBeGreaterThanOrEqual(3);
    expect(attempt, seen).toBeLessThanOrEqual(Math.ceil(elapsedMs / 200) + 2);
    // Journaled at the 1st, 2nd, 4th, 8th... failure: a handful of lines for all those tries (the
    // bound allows for a failure journaled just before the screen's count moved on).
    expect(errors.length, seen).toBeGreaterThanOrEqual(2);
    expect(errors.length, seen).toBeLessThanOrEqual(Math.floor(Math.log2(attempt)) + 1);
    expect(errors.map((e) => e.repeats ?? 1)).toEqual(errors.map((_, i) => 2 ** i));
    expect(errors[0]?.message).toMatch(/\S/);
    // And the screen says what failed and when the next try is.
    expect(r.conductor.waiting?.kind).toBe('retrying');
    expect(r.conductor.waiting?.message).toContain(errors[0]?.message as string);
    expect(r.conductor.waiting?.message).toMatch(/Trying again in \d+ s \(attempt \d+\)/);
    expect(realMs()).toBeGreaterThanOrEqual(8_000);
    // Nothing moved: no traffic without a rollback target.
    expect(eventsOf(r, 'traffic.shifted')).toHaveLength(0);
  }, 180_000);
});
