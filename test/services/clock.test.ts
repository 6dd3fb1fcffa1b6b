import { describe, expect, it } from 'vitest';
import { acceleratedClock, onClock, systemClock, wallTime } from '../../src/services/clock.js';

const HOUR = 3_600_000;

describe('real-world time beside a rehearsal clock', () => {
  it('the wall clock is its own real time, and a real moment is itself on it', () => {
    const before = Date.now();
    expect(wallTime(systemClock)).toBeGreaterThanOrEqual(before);
    expect(onClock(systemClock, before + HOUR)).toBe(before + HOUR);
  });

  it('an accelerated clock keeps real time apart, and a real hour ahead is `speed` hours of it', () => {
    const clock = acceleratedClock(120, Date.UTC(2026, 11, 1, 20, 0));
    const wall = Date.now();
    expect(Math.abs(wallTime(clock) - wall)).toBeLessThan(1_000);
    const sessionNow = clock.now();
    const inAnHour = onClock(clock, wallTime(clock) + HOUR);
    // Within the few real milliseconds between the reads, times 120.
    expect(Math.abs(inAnHour - (sessionNow + 120 * HOUR))).toBeLessThan(120 * 1_000);
  });
});
