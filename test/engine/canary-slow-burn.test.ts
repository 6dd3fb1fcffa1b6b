import { describe, expect, it } from 'vitest';
import { canaryWeightAtSandbox, requestsTo, runningRehearsal, stageOf, until } from './helpers.js';

describe('slow-burn: NO-GO halts the stage', () => {
  it('halts at the end of the 10% stage, waits for the conductor, and never advances (autopilot does not choose for a NO-GO)', async () => {
    const r = await runningRehearsal({ scenario: 'slow-burn' });
    await until(r, () => stageOf(r)?.decision !== undefined, 'the end-of-stage decision');
    const decision = stageOf(r)!.decision!;
    expect(decision.action).toBe('halt');
    expect(decision.reason).toMatch(/no-go/i);
    expect(stageOf(r)!.samples.some((x) => x.verdict === 'NO-GO')).toBe(true);
    // Let a good stretch of clock time pass (20 clock minutes) while the stage waits.
    const waitUntil = r.clock.now() + 20 * 60_000;
    await until(r, () => r.clock.now() >= waitUntil, 'twenty clock minutes');
    await until(
      r,
      () => r.conductor.waiting?.kind === 'stage-decision',
      'the engine waiting for the conductor',
    );

    const s = r.conductor.state;
    expect(s.status).toBe('active');
    expect(s.rollback).toBeUndefined();
    expect(s.canary?.stages).toHaveLength(1);
    expect(s.canary?.stages[0].completedAt).toBeUndefined();
    expect(stageOf(r)!.decision?.action).toBe('halt');
    // The sandbox never saw a shift past 10%.
    expect(canaryWeightAtSandbox(r)).toBe(10);
    const shifts = requestsTo(r, 'apigateway', 'UpdateStage');
    expect(shifts.length).toBeGreaterThan(0);
    expect(JSON.stringify(shifts.map((q) => q.input))).not.toMatch(/"25"|:25\b/);
    // Advancing is refused by the engine itself.
    expect(r.conductor.chooseAtStageEnd('advance', 'looks fine')).toMatch(/never advances/);
  }, 60_000);
});
