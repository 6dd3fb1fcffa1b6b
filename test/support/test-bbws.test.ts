import { describe, expect, it } from 'vitest';
import { testBbwsText } from './test-bbws.js';

const holds = (text: string) =>
  [...text.matchAll(/\{ weight: (\d+), hold: (\w+) \}/g)].map((m) => `${m[1]}:${m[2]}`);

describe('the test copy of BBWS', () => {
  it('keeps the shipped stages unless told, and shortens one stage or all', () => {
    expect(holds(testBbwsText())).toEqual(['10:15m', '25:15m', '50:15m', '100:15m']);
    expect(holds(testBbwsText({ canaryMinutes: { hold: 5 } }))).toEqual([
      '10:5m',
      '25:5m',
      '50:5m',
      '100:5m',
    ]);
    // One figure per stage, the last repeated: a quick 10% stage, then the shipped 15 minutes.
    expect(holds(testBbwsText({ canaryMinutes: { hold: [5, 15] } }))).toEqual([
      '10:5m',
      '25:15m',
      '50:15m',
      '100:15m',
    ]);
    expect(testBbwsText({ canaryMinutes: { hold: [5, 15] } })).toMatch(/duration: 2h\n/);
    expect(testBbwsText({ canaryMinutes: { monitor: 30 } })).toMatch(/duration: 30m\n/);
  });
});
