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
    const firstAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    const errors = eventsOf(r, 'aws.error').filter((e) => e.operation === 'read rollback target');
    // Eight real seconds at x600 are 80 minutes: backing off from 5 s, doubling, capped at 5 min,
    // that is at most about 20 tries, so at most 6 journal lines (1, 2, 4, 8, 16 and maybe 32).
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.length).toBeLessThanOrEqual(6);
    expect(errors.map((e) => e.repeats ?? 1)).toEqual(errors.map((_, i) => 2 ** i));
    expect(errors[0]?.message).toMatch(/\S/);
    // And the screen says what failed and when the next try is.
    expect(r.conductor.waiting?.kind).toBe('retrying');
    expect(r.conductor.waiting?.message).toContain(errors[0]?.message as string);
    expect(r.conductor.waiting?.message).toMatch(/Trying again in \d+ s \(attempt \d+\)/);
    expect(Date.now() - firstAt).toBeGreaterThanOrEqual(8_000);
    // Nothing moved: no traffic without a rollback target.
    expect(eventsOf(r, 'traffic.shifted')).toHaveLength(0);
  }, 180_000);
});
