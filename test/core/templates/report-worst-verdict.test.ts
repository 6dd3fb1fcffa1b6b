import { describe, expect, it } from 'vitest';
import { worstVerdict } from '../../../src/core/canary/verdict.js';
import type { SessionEvent } from '../../../src/core/session/events.js';
import type { SampleState } from '../../../src/core/session/state.js';
import { summariseSamples } from '../../../src/core/templates/report-model.js';
import { sample } from '../../screens/fixtures.js';

const T0 = Date.UTC(2026, 11, 2, 20);

function samples(...verdicts: Array<'PASS' | 'WATCH' | 'STALE' | 'INSUFFICIENT'>): SampleState[] {
  return verdicts.map((verdict, i) => {
    const event = sample(T0 + i * 60_000, 0, { verdict, errPct: 0.1, p95: 180 }) as Extract<
      SessionEvent,
      { type: 'canary.sample' }
    >;
    const { type: _type, step: _step, stage: _stage, ...state } = event;
    return state as SampleState;
  });
}

describe("the report's worst verdict is the core's (issue 14: the two rankings disagreed)", () => {
  it('ranks a STALE or INSUFFICIENT sample above a WATCH one, as the screen does', () => {
    for (const unknown of ['STALE', 'INSUFFICIENT'] as const) {
      const summary = summariseSamples(samples('PASS', unknown, 'WATCH', 'PASS'));
      expect(summary.targets[0]?.worstVerdict).toBe(worstVerdict(['PASS', unknown, 'WATCH']));
      expect(summary.targets[0]?.worstVerdict).toBe(unknown);
    }
  });
});
