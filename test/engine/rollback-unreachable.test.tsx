import { describe, expect, it } from 'vitest';
import { Rollback } from '../../src/screens/Rollback.js';
import { frameOf, stripAnsi } from '../components/render-helpers.js';
import {
  aliasesAtSandbox,
  canaryWeightAtSandbox,
  eventsOf,
  requestsTo,
  runningRehearsal,
  stageOf,
  until,
} from './helpers.js';

/** Requests close together in real time are one attempt; `gapClockMs` of clock time apart, two. */
function attemptStarts(ats: number[], gapClockMs: number): number[] {
  const starts: number[] = [];
  let last = Number.NEGATIVE_INFINITY;
  for (const at of [...ats].sort((a, b) => a - b)) {
    if (at - last > gapClockMs) starts.push(at);
    last = at;
  }
  return starts;
}

describe('an abort that cannot reach AWS (issue 17, point 8)', () => {
  it('says so on the rollback screen within seconds, journals each failure with its count, backs off and keeps trying until the revert lands', async () => {
    const r = await runningRehearsal({ scenario: 'healthy', advanceBelow: 25 });
    await until(r, () => (stageOf(r)?.samples.length ?? 0) >= 1, 'a sample of the first canary stage');
    expect(canaryWeightAtSandbox(r)).toBeGreaterThan(0);

    // Lambda stops answering: every UpdateAlias gets a 503, as from a service that is down.
    r.sandbox.faults.set({ operation: 'lambda:UpdateAlias', errorRate: 1, errorCode: 'ServiceUnavailable' });
    const pressed = Date.now();
    const abortAt = r.clock.now();
    r.conductor.abort();

    // Within seconds the screen says it, with the sentence, the wait and the next attempt.
    await until(
      r,
      () => /could not reach AWS/.test(r.conductor.waiting?.message ?? ''),
      'the failed revert on screen',
      10_000,
    );
    expect(Date.now() - pressed).toBeLessThan(5_000);
    const first = r.conductor.waiting;
    expect(first?.kind).toBe('retrying');
    expect(first?.message).toMatch(
      /^The rollback could not reach AWS: .*UpdateAlias.*; trying again in \d+ s \(attempt 2\)\.$/,
    );
    // The rollback screen itself says it, not only a status line.
    const frame = stripAnsi(
      await frameOf(
        <Rollback
          state={r.conductor.state}
          runbook={r.conductor.runbook}
          promotion={r.conductor.promotion}
          now={r.clock.now()}
          waiting={r.conductor.waiting}
          width={120}
          height={30}
        />,
      ),
    );
    expect(frame).toContain('ROLLING BACK');
    expect(frame).toContain('The rollback could not reach AWS:');
    expect(frame).toMatch(/trying again in \d+ s/);
    expect(frame).toContain('! retrying');

    // AWS stays away for a while (three attempts at least: 0 s, ~1 s, ~3 s), then comes back.
    await until(
      r,
      () => /attempt [4-9]/.test(r.conductor.waiting?.message ?? ''),
      'the third failed attempt',
      20_000,
    );
    r.sandbox.faults.clear();
    await until(r, () => r.conductor.state.status === 'completed', 'the rollback', 60_000);

    // It landed: every alias back on its stable version, the stage's canary gone.
    expect(canaryWeightAtSandbox(r)).toBe(0);
    for (const alias of aliasesAtSandbox(r)) expect(alias.functionVersion).toBe(alias.stableVersion);
    const s = r.conductor.state;
    expect(s.outcome).toBe('rolled-back');
    expect(s.rollback?.verified).toBe(true);

    // Every attempt counted: the revert says how many it took; the errors are journaled once per
    // distinct error with the count (1, 2, 4...), never once per attempt.
    const [reverted] = eventsOf(r, 'rollback.traffic-reverted');
    const attempts = reverted.attempts ?? 1;
    expect(attempts).toBeGreaterThanOrEqual(4);
    const errors = eventsOf(r, 'aws.error').filter((e) => e.operation === 'rollback');
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.length).toBeLessThan(attempts);
    expect(errors.map((e) => e.repeats ?? 1)).toEqual(errors.map((_, i) => 2 ** i));
    expect(errors[0].message).toMatch(/\S/);
    // And journaled after the abort was: the revert requests left first.
    const [started] = eventsOf(r, 'rollback.started');
    expect(errors[0].at).toBeGreaterThanOrEqual(started.at);

    // A loop with backoff, not a retry every second forever: 1 s, then about 2 s, then about 4 s
    // (real time, ±20 %) between the attempts.
    const speed = r.clock.speed;
    const starts = attemptStarts(
      requestsTo(r, 'lambda', 'UpdateAlias', abortAt).map((q) => q.at),
      0.5 * speed * 1_000,
    );
    expect(starts.length).toBe(attempts);
    const gaps = starts.slice(1).map((at, i) => (at - starts[i]) / speed / 1_000);
    expect(gaps[0]).toBeGreaterThan(0.7);
    expect(gaps[0]).toBeLessThan(2.5);
    expect(gaps[1]).toBeGreaterThan(gaps[0]);
    expect(gaps[2]).toBeGreaterThan(gaps[0] * 2);
    // The screen no longer says it once the revert landed.
    await until(
      r,
      () => !/could not reach AWS/.test(r.conductor.waiting?.message ?? ''),
      'the failed-revert message gone after the revert landed',
      10_000,
    );
  }, 180_000);
});
