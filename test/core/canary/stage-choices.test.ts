import { describe, expect, it } from 'vitest';
import { stageChoiceRefusal, stageChoices } from '../../../src/core/canary/stage-choices.js';
import type { CanaryStep } from '../../../src/core/runbook/schema.js';
import type { SessionEvent, Verdict } from '../../../src/core/session/events.js';
import { currentStage } from '../../../src/core/session/selectors.js';
import { canaryEvents, fold, MIN, promotion, sample, T0 } from '../../screens/fixtures.js';

const STAGE = T0 + 3 * 60 * MIN;
const definition = promotion.phases.flatMap((p) => p.steps).find((s) => s.kind === 'canary') as CanaryStep;

/** Stage 2 of the seed canary with one sample a minute of these verdicts, and what may be answered. */
function choicesAfter(verdicts: Verdict[], more: SessionEvent[] = []) {
  const events = [
    ...canaryEvents(STAGE),
    ...verdicts.map((verdict, i) => sample(STAGE + (i + 1) * MIN, 1, { verdict, errPct: 0.1, p95: 200 })),
    ...more,
  ];
  const state = fold(events);
  const stage = currentStage(state);
  if (!stage) throw new Error('no canary stage in the fixture');
  const choices = stageChoices(state, stage, definition);
  return { ...choices, answers: choices.options.map((o) => o.choice) };
}

describe('stageChoices: the one list of answers at the end of a stage', () => {
  it('a streak of passing samples offers advance first, with nothing withheld', () => {
    const choices = choicesAfter(['PASS', 'PASS', 'PASS', 'PASS']);
    expect(choices.answers).toEqual(['advance', 'extend', 'rollback', 'investigate']);
    expect(choices.options.map((o) => o.label)).toEqual(['advance', 'extend', 'roll back', 'investigate']);
    expect(choices.advanceWithheld).toBeUndefined();
    expect(stageChoiceRefusal(choices, 'advance')).toBeUndefined();
  });

  it('early unknown samples outweighed by three passes still offer advance', () => {
    expect(choicesAfter(['STALE', 'PASS', 'PASS', 'PASS']).answers[0]).toBe('advance');
  });

  it('a STALE latest sample withholds advance, and says so', () => {
    const choices = choicesAfter(['STALE', 'PASS', 'PASS', 'PASS', 'STALE']);
    expect(choices.answers).toEqual(['extend', 'rollback', 'investigate']);
    expect(choices.advanceWithheld).toBe('the latest sample is STALE');
    expect(stageChoiceRefusal(choices, 'advance')).toBe(
      'Advance is not allowed now: the latest sample is STALE.',
    );
  });

  it('a WATCH latest sample withholds advance; a pass after it offers it again (after extend)', () => {
    const watching = choicesAfter(['PASS', 'PASS', 'WATCH']);
    expect(watching.answers).toEqual(['extend', 'rollback', 'investigate']);
    expect(watching.advanceWithheld).toBe('the latest sample is WATCH');
    expect(choicesAfter(['PASS', 'WATCH', 'PASS']).answers).toEqual([
      'extend',
      'advance',
      'rollback',
      'investigate',
    ]);
  });

  it('a NO-GO latest sample halts: roll back or investigate, never advance or extend', () => {
    const choices = choicesAfter(['PASS', 'PASS', 'NO-GO']);
    expect(choices.end.action).toBe('halt');
    expect(choices.answers).toEqual(['rollback', 'investigate']);
    expect(choices.advanceWithheld).toBe('1 of 3 samples breached the no-go limits');
    expect(stageChoiceRefusal(choices, 'advance')).toBe(
      'A NO-GO stage never advances: 1 of 3 samples breached the no-go limits.',
    );
    expect(stageChoiceRefusal(choices, 'extend')).toBe(
      '"extend" is not an answer to this stage now: choose roll back, investigate.',
    );
  });

  it('unknown samples not yet outweighed withhold advance even when the latest passed', () => {
    const choices = choicesAfter(['STALE', 'PASS']);
    expect(choices.answers).toEqual(['extend', 'rollback', 'investigate']);
    expect(choices.advanceWithheld).toBe(
      'samples this stage could not judge are not yet outweighed by 3 passing ones in a row',
    );
    // With a WATCH as well, three passes at the end outweigh the unknown one: the person weighs the WATCH.
    expect(choicesAfter(['STALE', 'WATCH', 'PASS', 'PASS', 'PASS']).answers).toEqual([
      'extend',
      'advance',
      'rollback',
      'investigate',
    ]);
  });

  it('a stage without samples cannot advance, and says why', () => {
    expect(choicesAfter([]).advanceWithheld).toBe('no sample was judged in this stage');
  });

  it('once the rollback has started, nothing is asked', () => {
    const choices = choicesAfter(
      ['PASS', 'PASS', 'PASS'],
      [{ type: 'rollback.started', at: STAGE + 4 * MIN, trigger: 'conductor', reason: 'x', by: '@alex' }],
    );
    expect(choices.answers).toEqual([]);
    expect(stageChoiceRefusal(choices, 'rollback')).toBe(
      '"rollback" is not an answer to this stage now: nothing is asked (the rollback has started).',
    );
  });
});
