import { describe, expect, it } from 'vitest';
import { nextTickMs } from '../../src/terminal/use-clock-tick.js';

describe('the screen redraws when the session clock turns a second (nextTickMs)', () => {
  it('at real speed: just after the next second, never sooner than 500 ms', () => {
    expect(nextTickMs(10_005, 1)).toBe(1000);
    expect(nextTickMs(10_400, 1)).toBe(605);
    // Too close to the turn: the redraw waits 500 ms rather than drawing twice in a blink.
    expect(nextTickMs(10_900, 1)).toBe(500);
  });

  it('on an accelerated rehearsal clock: twice a second, whatever the speed', () => {
    expect(nextTickMs(10_400, 60)).toBe(500);
    expect(nextTickMs(10_400, 600)).toBe(500);
  });

  it('on a slowed clock: once a second of that clock', () => {
    expect(nextTickMs(10_005, 0.5)).toBe(2000);
  });
});
