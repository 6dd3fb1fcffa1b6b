import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../src/core/session/events.js';
import { releaseReport } from '../../../src/core/templates/report.js';
import { journalLines } from '../../../src/screens/Overlays.js';
import { canaryEvents, fold, MIN, runbook, sample, T0 } from '../../screens/fixtures.js';

const STAGE = T0 + 3 * 60 * MIN;
const ARMED = STAGE + 5 * MIN;
const BREACH = 'rollback band held for 3 samples in a row';

function heldWithoutReason(): SessionEvent[] {
  return [
    ...canaryEvents(STAGE),
    sample(ARMED, 1, { verdict: 'ROLLBACK', errPct: 7.5, p95: 500 }),
    {
      type: 'canary.auto-rollback.armed',
      at: ARMED,
      step: 'prod-canary',
      deadline: ARMED + 30_000 * 600,
      reason: BREACH,
      speed: 600,
    },
    { type: 'canary.auto-rollback.held', at: ARMED + 1_000, step: 'prod-canary', by: '@alex' },
  ];
}

describe('a hold of the automatic rollback: at once, the reason after', () => {
  it('folds the hold before its reason, then the reason onto it', () => {
    const held = fold(heldWithoutReason());
    expect(held.canary?.autoRollback).toMatchObject({ heldBy: '@alex', heldAt: ARMED + 1_000, speed: 600 });
    expect(held.canary?.autoRollback?.heldReason).toBeUndefined();
    expect(held.canary?.holds).toEqual([
      {
        at: ARMED + 1_000,
        step: 'prod-canary',
        by: '@alex',
        breach: BREACH,
        reason: undefined,
        reasonAt: undefined,
      },
    ]);
    expect(journalLines(held).map((l) => l.text)).toContain(
      'automatic rollback held by @alex: reason to follow',
    );

    const reasoned = fold([
      ...heldWithoutReason(),
      {
        type: 'canary.auto-rollback.hold-reason',
        at: ARMED + 20_000,
        step: 'prod-canary',
        by: '@alex',
        reason: 'one client retries',
      },
    ]);
    expect(reasoned.canary?.autoRollback?.heldReason).toBe('one client retries');
    expect(reasoned.canary?.holds?.[0]).toMatchObject({
      reason: 'one client retries',
      reasonAt: ARMED + 20_000,
    });
  });

  it('keeps the hold on record after the breach clears, and the report tells it', () => {
    const state = fold([
      ...heldWithoutReason(),
      sample(ARMED + MIN, 1, { verdict: 'PASS', errPct: 0.2, p95: 205 }),
      {
        type: 'canary.auto-rollback.hold-reason',
        at: ARMED + MIN + 1_000,
        step: 'prod-canary',
        by: '@alex',
        reason: 'one client retries',
      },
    ]);
    expect(state.canary?.autoRollback).toBeUndefined();
    expect(state.canary?.holds?.[0]).toMatchObject({ by: '@alex', reason: 'one client retries' });
    const { markdown } = releaseReport(runbook, state, {
      chain: { ok: true, events: 1, message: 'ok' },
      now: ARMED + 10 * MIN,
    });
    expect(markdown).toContain(`Automatic rollback held by @alex (${BREACH}): one client retries`);
  });
});
