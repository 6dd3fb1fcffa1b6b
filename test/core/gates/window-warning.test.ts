import { describe, expect, it } from 'vitest';
import { canaryTimeLeft, windowWarning } from '../../../src/core/gates/window.js';
import type { SessionEvent } from '../../../src/core/session/events.js';
import {
  canaryEvents,
  created,
  fold,
  HOUR,
  MIN,
  passPhasesBefore,
  promotion,
  T0,
} from '../../screens/fixtures.js';

// The seed's canary: four 15-minute holds, then two hours of monitoring.
const STAGE = T0 + 3 * HOUR;

/** The canary at 25% since STAGE, in a session whose window is [start, end). */
function onCanary(start: number, end: number): SessionEvent[] {
  const [first, ...rest] = canaryEvents(STAGE);
  return [{ ...first, window: { start, end } } as SessionEvent, ...rest];
}

describe('canaryTimeLeft', () => {
  it('adds what is left of the current hold, the holds to come and the monitoring', () => {
    const state = fold(onCanary(T0, T0 + 10 * HOUR));
    // 10 of 15 minutes left at 25%, then 50% and 100% (30m), then 2h of monitoring.
    expect(canaryTimeLeft(state, promotion, STAGE + 5 * MIN)).toBe(10 * MIN + 30 * MIN + 2 * HOUR);
  });

  it('is every hold and the monitoring before the canary starts', () => {
    const state = fold([created(), ...passPhasesBefore('canary')]);
    expect(canaryTimeLeft(state, promotion, T0)).toBe(60 * MIN + 2 * HOUR);
  });
});

describe('windowWarning', () => {
  it('says nothing while the window outlasts the canary', () => {
    const state = fold(onCanary(T0, STAGE + 4 * HOUR));
    expect(windowWarning(state, promotion, STAGE + 5 * MIN)).toBeUndefined();
  });

  it('warns when the window closes before the planned end of the canary', () => {
    const state = fold(onCanary(T0, STAGE + 65 * MIN));
    expect(windowWarning(state, promotion, STAGE + 5 * MIN)).toEqual({
      kind: 'warn',
      text: "The maintenance window closes in 1h, 1h40m before the canary's planned end (2h40m of holds and monitoring left; window 2026-12-01 20:00 - 2026-12-02 00:05 UTC).",
    });
  });

  it('says when the window has closed, and what the canary still needs', () => {
    const state = fold(onCanary(T0, STAGE));
    expect(windowWarning(state, promotion, STAGE + 5 * MIN)).toEqual({
      kind: 'danger',
      text: 'The maintenance window closed 5m ago; the canary still needs 2h40m (window 2026-12-01 20:00-23:00 UTC).',
    });
  });

  it('counts from the opening of a window still to come when the canary has not started', () => {
    // Opens in an hour for two hours: the canary (3h) would end an hour after it closes.
    const state = fold([
      created({ window: { start: T0 + HOUR, end: T0 + 3 * HOUR } }),
      ...passPhasesBefore('canary'),
    ]);
    const warning = windowWarning(state, promotion, T0);
    expect(warning?.kind).toBe('warn');
    expect(warning?.text).toMatch(/^The maintenance window closes in 3h, 1h before the canary's planned end/);
    // A three-hour window from its opening is enough.
    const enough = fold([
      created({ window: { start: T0 + HOUR, end: T0 + 4 * HOUR } }),
      ...passPhasesBefore('canary'),
    ]);
    expect(windowWarning(enough, promotion, T0)).toBeUndefined();
  });

  it('says nothing without a window, nor once the session has rolled back', () => {
    const [first, ...rest] = canaryEvents(STAGE);
    expect(windowWarning(fold([first, ...rest]), promotion, STAGE + 5 * MIN)).toBeUndefined();
    const rolledBack = fold([
      ...onCanary(T0, STAGE),
      {
        type: 'rollback.started',
        at: STAGE + MIN,
        trigger: 'conductor',
        reason: 'errors',
        by: '@alex',
      },
    ]);
    expect(windowWarning(rolledBack, promotion, STAGE + 5 * MIN)).toBeUndefined();
  });
});
