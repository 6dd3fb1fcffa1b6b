import { describe, expect, it } from 'vitest';
import {
  AWS_RETRY,
  backoffMs,
  ErrorStreaks,
  journaledAt,
  ROLLBACK_RETRY,
  retryDelayMs,
  waitSeconds,
} from '../../src/engine/retry.js';

const middle = () => 0.5;
const lowest = () => 0;
const highest = () => 0.999_999;

describe('one way to wait before trying again (issue 12, point 7)', () => {
  it('doubles from the first wait up to the cap, in session time', () => {
    const waits = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => retryDelayMs(AWS_RETRY, n, 1, middle));
    expect(waits).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it('is jittered by ±20 % so retries never fall in step', () => {
    expect(retryDelayMs(AWS_RETRY, 1, 1, lowest)).toBeCloseTo(4_000);
    expect(retryDelayMs(AWS_RETRY, 1, 1, highest)).toBeCloseTo(6_000, -1);
    const draws = new Set(Array.from({ length: 20 }, () => Math.round(retryDelayMs(AWS_RETRY, 3, 1))));
    expect(draws.size).toBeGreaterThan(1);
  });

  it('never spins on an accelerated clock: at least a quarter of a real second', () => {
    // 5 s of session time at x600 would be 8 real ms.
    expect(retryDelayMs(AWS_RETRY, 1, 600, middle)).toBe(250 * 600);
    expect(waitSeconds(retryDelayMs(AWS_RETRY, 1, 600, middle), 600)).toBe(1);
  });

  it('a rollback waits real seconds, 1 s doubling to 10 s, whatever the clock speed', () => {
    const real = [1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(ROLLBACK_RETRY, n, 600, middle) / 600);
    expect(real).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect(retryDelayMs(ROLLBACK_RETRY, 1, 1, middle)).toBe(1_000);
  });

  it('the same doubling fits in a poll period', () => {
    expect([1, 2, 3].map((n) => backoffMs(3_000, 12_000, n, middle))).toEqual([3_000, 6_000, 12_000]);
  });
});

describe('errors journaled once per distinct error, with the count', () => {
  it('counts every failure and journals the 1st, 2nd, 4th, 8th... of a streak', () => {
    const streaks = new ErrorStreaks();
    const journaled: number[] = [];
    for (let n = 1; n <= 20; n++) {
      const { streak, journal } = streaks.fail('prod|rollback', 'AWS did not answer.');
      expect(streak.repeats).toBe(n);
      if (journal) journaled.push(streak.repeats);
    }
    expect(journaled).toEqual([1, 2, 4, 8, 16]);
    expect(streaks.get('prod|rollback')?.journaled).toBe(16);
    expect([0, 1, 2, 3, 4, 6, 8].map(journaledAt)).toEqual([false, true, true, false, true, false, true]);
  });

  it('another error starts a new streak (journaled at once); a success ends it', () => {
    const streaks = new ErrorStreaks();
    streaks.fail('k', 'throttled');
    streaks.fail('k', 'throttled');
    streaks.fail('k', 'throttled');
    expect(streaks.fail('k', 'access denied')).toMatchObject({ journal: true, streak: { repeats: 1 } });
    expect(streaks.fail('other', 'throttled').streak.repeats).toBe(1);
    expect(streaks.end('k')?.repeats).toBe(1);
    expect(streaks.get('k')).toBeUndefined();
    expect(streaks.fail('k', 'access denied').streak.repeats).toBe(1);
  });
});
