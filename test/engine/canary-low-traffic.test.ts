import { describe, expect, it } from 'vitest';
import { canaryWeightAtSandbox, requestsTo, runningRehearsal, stageOf, until } from './helpers.js';

describe('low-traffic: too few requests to judge', () => {
  it('judges INSUFFICIENT DATA, holds at the end of the 10% stage asking, and never advances', async () => {
    const r = await runningRehearsal({ scenario: 'low-traffic' });
    // The autopilot extends a stage it cannot judge, then leaves the decision to a person.
    await until(r, () => r.conductor.waiting?.kind === 'stage-decision', 'the decision left to a person');
    const stage = stageOf(r)!;
    expect(stage.index).toBe(0);
    expect(stage.samples.length).toBeGreaterThan(5);
    expect(stage.samples.every((x) => x.verdict === 'INSUFFICIENT')).toBe(true);
    expect(stage.decision?.action).toBe('ask');
    expect(stage.decision?.reason).toMatch(/could not be judged/);
    // Autopilot only answers an all-PASS stage: time passes, nothing moves.
    const waitUntil = r.clock.now() + 20 * 60_000;
    await until(r, () => r.clock.now() >= waitUntil, 'twenty clock minutes');
    const s = r.conductor.state;
    expect(s.status).toBe('active');
    expect(s.canary?.stages).toHaveLength(1);
    expect(stageOf(r)?.completedAt).toBeUndefined();
    expect(r.conductor.waiting?.kind).toBe('stage-decision');
    expect(canaryWeightAtSandbox(r)).toBe(10);
    expect(JSON.stringify(requestsTo(r, 'apigateway', 'UpdateStage').map((q) => q.input))).not.toMatch(
      /"25"|:25\b/,
    );
  }, 60_000);
});
