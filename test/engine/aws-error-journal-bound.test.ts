import { describe, expect, it } from 'vitest';
import { eventsOf, journalOf, runningRehearsal, until } from './helpers.js';

const REAL_SECONDS = 60;

describe('a read that fails for a minute of real time', () => {
  it('writes a bounded number of journal lines, however many times it is tried', async () => {
    // x600: a minute of real time is ten hours of the session's clock, hundreds of retries if
    // nothing held them back.
    const r = await runningRehearsal({ scenario: 'healthy', speed: 600 });
    // Reading where a rollback goes fails for good: AccessDenied on every GetAlias.
    r.sandbox.faults.set({ operation: 'lambda:GetAlias', errorRate: 1, errorCode: 'AccessDeniedException' });
    await until(
      r,
      () => eventsOf(r, 'aws.error').some((e) => e.operation === 'read rollback target'),
      'the first failed read of the rollback target',
      120_000,
    );
    const linesAtFirstError = journalOf(r).length;
    const triesAtFirstError = r.sandbox.requests.filter((q) => q.operation === 'GetAlias').length;
    // The minute on the test's clock: 5 real seconds at x600 are 50 clock minutes of retries.
    const startedAt = r.clock.now();
    const written: number[] = [];
    for (let seconds = 5; seconds <= REAL_SECONDS; seconds += 5) {
      await until(r, () => r.clock.now() - startedAt >= seconds * 1_000 * r.clock.speed, `${seconds} s`);
      written.push(journalOf(r).length - linesAtFirstError);
    }

    const after = journalOf(r).slice(linesAtFirstError);
    const tries = r.sandbox.requests.filter((q) => q.operation === 'GetAlias').length - triesAtFirstError;
    const byType = new Map<string, number>();
    for (const event of after) byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
    const summary = `${tries} tries; ${after.length} lines: ${JSON.stringify(Object.fromEntries(byType))}; every 5 s: ${written.join(', ')}`;
    // It kept trying all along (at least every few real seconds)...
    expect(tries, summary).toBeGreaterThanOrEqual(20);
    // ...and the journal grew by a few lines: the error at its 2nd, 4th, 8th... time, with the count.
    const errors = after.filter((e) => e.type === 'aws.error');
    expect(
      errors.every((e) => e.type === 'aws.error' && e.operation === 'read rollback target'),
      summary,
    ).toBe(true);
    expect(errors.length, summary).toBeLessThanOrEqual(Math.ceil(Math.log2(tries + 1)) + 1);
    expect(after.length, summary).toBeLessThanOrEqual(20);
    // The last half minute wrote at most a line or two: the growth flattens, it does not go on.
    expect((written.at(-1) ?? 0) - (written.at(-7) ?? 0), summary).toBeLessThanOrEqual(3);
    // Still trying, and saying so on the screen.
    expect(r.conductor.waiting?.kind).toBe('retrying');
    expect(eventsOf(r, 'traffic.shifted')).toHaveLength(0);
  }, 240_000);
});
