import { describe, expect, it } from 'vitest';
import { eventsOf, rehearse, until } from './helpers.js';

describe('STS that does not answer for a while (issue 12, point 7)', () => {
  it('backs off and asks again, saying so on screen, instead of halting the session; each error journaled once with its count', async () => {
    const r = await rehearse({ scenario: 'healthy' });
    // Twelve 503s: the SDK tries each call 5 times, so two whole checks fail and the third passes.
    r.sandbox.faults.set({
      operation: 'sts:GetCallerIdentity',
      errorRate: 1,
      errorCode: 'ServiceUnavailable',
      times: 12,
    });
    const shown: string[] = [];
    r.conductor.subscribe(() => {
      const waiting = r.conductor.waiting;
      if (waiting?.kind === 'retrying' && shown.at(-1) !== waiting.message) shown.push(waiting.message);
    });
    void r.conductor.start();
    await until(
      r,
      () => eventsOf(r, 'identity.checked').some((e) => e.ok),
      'an identity check that STS answered',
      60_000,
    );
    await until(r, () => r.conductor.state.steps[0]?.status === 'passed', 'the first step', 60_000);

    expect(eventsOf(r, 'session.halted')).toHaveLength(0);
    const errors = eventsOf(r, 'aws.error').filter((e) => e.operation === 'sts:GetCallerIdentity');
    expect(errors.map((e) => e.repeats ?? 1)).toEqual([1, 2]);
    expect(errors[0].message).toMatch(/503|ServiceUnavailable/);
    // No identity.checked for the calls STS never answered: only answers are journaled as checks.
    expect(eventsOf(r, 'identity.checked').every((e) => e.ok)).toBe(true);
    expect(shown[0]).toMatch(/Trying again in \d+ s \(attempt 2\)\.$/);
    expect(shown.some((m) => /\(attempt 3\)\.$/.test(m))).toBe(true);

    // The SDK's own retries inside each call: journaled once per distinct error, with the count.
    const retries = eventsOf(r, 'aws.retry');
    const counted = retries.reduce((n, e) => n + (e.count ?? 1), 0);
    expect(counted).toBe(r.conductor.state.retries);
    const sts = retries.filter((e) => /GetCallerIdentity/.test(e.operation));
    const stsRetries = sts.reduce((n, e) => n + (e.count ?? 1), 0);
    expect(stsRetries).toBeGreaterThanOrEqual(8);
    expect(sts.length).toBeLessThan(stsRetries);
  }, 120_000);
});
