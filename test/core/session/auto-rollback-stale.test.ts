import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../src/core/session/events.js';
import { canaryEvents, fold, MIN, sample, T0 } from '../../screens/fixtures.js';

const STAGE = T0 + 3 * 60 * MIN;
const ARMED = STAGE + 5 * MIN;

function armed(): SessionEvent[] {
  return [
    ...canaryEvents(STAGE),
    sample(ARMED, 1, { verdict: 'ROLLBACK', errPct: 7.5, p95: 500 }),
    {
      type: 'canary.auto-rollback.armed',
      at: ARMED,
      step: 'prod-canary',
      deadline: ARMED + 30_000 * 300,
      reason: 'rollback band held for 3 samples in a row',
      speed: 300,
    },
  ];
}

/**
 * A poll CloudWatch did not answer in time (a busy machine, a slow API) says nothing about the
 * breach: rollbackStreak skips it, and so must the countdown. Otherwise one stale poll drops the
 * person's hold, the next breached sample arms a new countdown nobody held, and it rolls back
 * while the reason for the hold is still being typed.
 */
describe('a poll that could not judge during an automatic-rollback countdown', () => {
  it('keeps a held countdown held', () => {
    const state = fold([
      ...armed(),
      { type: 'canary.auto-rollback.held', at: ARMED + 1_000, step: 'prod-canary', by: '@alex' },
      sample(ARMED + MIN, 1, { verdict: 'STALE', errPct: 0, p95: 0 }),
      sample(ARMED + 2 * MIN, 1, { verdict: 'INSUFFICIENT', errPct: 0, p95: 0 }),
    ]);
    expect(state.canary?.autoRollback).toMatchObject({ deadline: ARMED + 30_000 * 300, heldBy: '@alex' });
  });

  it('keeps an armed countdown running to its deadline (it is not started again)', () => {
    const state = fold([...armed(), sample(ARMED + MIN, 1, { verdict: 'STALE', errPct: 0, p95: 0 })]);
    expect(state.canary?.autoRollback).toMatchObject({ deadline: ARMED + 30_000 * 300 });
    expect(state.canary?.autoRollback?.heldBy).toBeUndefined();
  });

  it('a sample judged inside the rollback band still ends the breach', () => {
    for (const verdict of ['PASS', 'WATCH', 'NO-GO'] as const) {
      const state = fold([
        ...armed(),
        { type: 'canary.auto-rollback.held', at: ARMED + 1_000, step: 'prod-canary', by: '@alex' },
        sample(ARMED + MIN, 1, { verdict, errPct: 0.2, p95: 205 }),
      ]);
      expect(state.canary?.autoRollback).toBeUndefined();
    }
  });
});
