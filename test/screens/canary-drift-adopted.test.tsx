import { describe, expect, it } from 'vitest';
import type { DriftChoice, SessionEvent } from '../../src/core/session/events.js';
import { stageWeight } from '../../src/core/session/selectors.js';
import { Canary, stripStages } from '../../src/screens/Canary.js';
import { frameOf, stripAnsi } from '../components/render-helpers.js';
import { canaryEvents, fold, MIN, promotion, runbook, sample, split, T0 } from './fixtures.js';

const base = { runbook, promotion, width: 100, height: 30 };
const STAGE = T0 + 3 * 60 * MIN;
const canaryDef = (() => {
  const step = promotion.phases.flatMap((p) => p.steps).find((s) => s.kind === 'canary');
  if (step?.kind !== 'canary') throw new Error('the fixture promotion has no canary step');
  return step;
})();

/** Stage 2 runs at 25%; AWS is found at 40%; the conductor answers the drift with `choice`. */
function driftResolved(choice: DriftChoice): SessionEvent[] {
  const at = STAGE + 4 * MIN;
  const events: SessionEvent[] = [
    ...canaryEvents(STAGE),
    sample(STAGE + MIN, 1, { verdict: 'PASS', errPct: 0.1, p95: 195 }),
    { type: 'drift.detected', at, recordedWeight: 25, live: split(40, at), details: ['canary at 40% live'] },
  ];
  // What Conductor.resolveDrift journals: the adopted (or re-applied) split, then the answer.
  events.push(
    choice === 'adopt'
      ? { type: 'traffic.shifted', at: at + 1_000, weight: 40, split: split(40, at) }
      : { type: 'traffic.shifted', at: at + 1_000, weight: 25, split: split(25, at + 1_000) },
    { type: 'drift.resolved', at: at + 1_000, choice, by: '@alex' },
  );
  return events;
}

describe('Canary after a drift was resolved', () => {
  it('adopting the live split: the strip, the split and the decision show the live 40%, not the planned 25%', async () => {
    const events = driftResolved('adopt');
    events.push({
      type: 'canary.stage.decision-needed',
      at: STAGE + 15 * MIN,
      step: 'prod-canary',
      stage: 1,
      action: 'ask',
      reason: 'All 2 samples passed. Press enter to advance.',
    });
    const state = fold(events);
    const frame = stripAnsi(await frameOf(<Canary {...base} state={state} now={STAGE + 15 * MIN} />));
    expect(frame).toContain('10% ✓ → [40%] → 50% → 100%');
    expect(frame).not.toContain('[25%]');
    expect(frame).toContain('Stage 2 (40%) needs a decision');
    expect(frame).toContain('40% canary v42');
    // The stage started at 25% (its journal line says so); it runs at 40% since the adopt.
    expect(state.canary?.stages[1]).toMatchObject({ weight: 25, adoptedWeight: 40 });
  });

  it('the adopted weight stays with the stage once it is done, and the next stage runs at its own', () => {
    const events = driftResolved('adopt');
    const at = STAGE + 16 * MIN;
    events.push(
      { type: 'canary.stage.completed', at, step: 'prod-canary', stage: 1, verdict: 'PASS', summary: 'ok' },
      { type: 'traffic.shifted', at, weight: 50, split: split(50, at) },
      { type: 'canary.stage.started', at, step: 'prod-canary', stage: 2, weight: 50, holdMs: 15 * MIN },
    );
    const state = fold(events);
    expect(stripStages(canaryDef, state)).toEqual([
      { percent: 10, state: 'done' },
      { percent: 40, state: 'done' },
      { percent: 50, state: 'current' },
      { percent: 100, state: 'todo' },
    ]);
    expect(stageWeight(state.canary!.stages[2])).toBe(50);
  });

  it('re-applying the recorded split leaves the planned weight', async () => {
    const state = fold(driftResolved('reapply'));
    expect(state.canary?.stages[1].adoptedWeight).toBeUndefined();
    const frame = stripAnsi(await frameOf(<Canary {...base} state={state} now={STAGE + 5 * MIN} />));
    expect(frame).toContain('10% ✓ → [25%] → 50% → 100%');
  });
});
