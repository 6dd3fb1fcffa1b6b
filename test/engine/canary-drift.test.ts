import { describe, expect, it } from 'vitest';
import { aliasesAtSandbox, canaryWeightAtSandbox, eventsOf, runningRehearsal, until } from './helpers.js';

describe('drift: the split changed behind the conductor', () => {
  it('detects the drift with both values, waits for the conductor, and re-applies the recorded weight', async () => {
    const r = await runningRehearsal({ scenario: 'drift', advanceBelow: 25 });
    await until(r, () => r.conductor.state.drift !== undefined, 'the drift detection', 40_000);
    const [detected] = eventsOf(r, 'drift.detected');
    expect(detected.recordedWeight).toBe(25);
    expect(detected.live.apiGateway?.canaryPercent).toBe(40);
    // Both values, in words the screen shows.
    expect(detected.details.join('\n')).toMatch(/canary at 40% live, 25% in the journal/);
    expect(detected.details.join('\n')).toMatch(/40% on version \S+ live, 25% in the journal/);

    // The session waits for the conductor: nothing advances while the drift stands.
    await until(r, () => r.conductor.waiting?.kind === 'drift', 'the engine asking about the drift');
    const stagesAtDrift = r.conductor.state.canary!.stages.length;
    const samplesAtDrift = eventsOf(r, 'canary.sample').length;
    const waitUntil = r.clock.now() + 30 * 60_000;
    await until(r, () => r.clock.now() >= waitUntil, 'thirty clock minutes');
    expect(r.conductor.state.canary!.stages).toHaveLength(stagesAtDrift);
    // ...but traffic is still shifted: the metrics are still watched, the rollback band armed.
    expect(eventsOf(r, 'canary.sample').length).toBeGreaterThan(samplesAtDrift + 10);
    expect(eventsOf(r, 'drift.detected')).toHaveLength(1);
    expect(r.conductor.state.rollback).toBeUndefined();
    expect(canaryWeightAtSandbox(r)).toBe(40);

    await r.conductor.resolveDrift('reapply');
    expect(r.conductor.state.drift?.resolved).toBe('reapply');
    const sandbox = r.sandbox.world.describe();
    expect(sandbox.apiGateway?.canary?.percentTraffic).toBe(25);
    for (const alias of aliasesAtSandbox(r))
      expect(Object.values(alias.additionalVersionWeights)).toEqual([0.25]);
    expect(canaryWeightAtSandbox(r)).toBe(25);
    // And the canary goes on from where it was.
    await until(
      r,
      () => (r.conductor.state.canary?.stages.length ?? 0) > stagesAtDrift,
      'the next stage',
      40_000,
    );
    expect(r.conductor.state.drift?.resolved).toBe('reapply');
  }, 120_000);
});
