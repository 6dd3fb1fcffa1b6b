import { describe, expect, it } from 'vitest';
import { eventsOf, runningRehearsal, until } from './helpers.js';

describe('drift: adopting a mixed split', () => {
  it('records the split resource by resource, so the next polls find no drift (no loop)', async () => {
    // The drift scenario moves the API stage to 40% and one Lambda alias to 40%; the others stay at 25%.
    const r = await runningRehearsal({ scenario: 'drift', advanceBelow: 25 });
    await until(r, () => r.conductor.state.drift !== undefined, 'the drift detection', 40_000);
    const live = r.conductor.state.drift!.live;
    const weights = new Set(live.lambdas.map((l) => l.additionalWeight));
    expect(weights.size).toBeGreaterThan(1);

    await r.conductor.resolveDrift('adopt');
    expect(r.conductor.state.drift?.resolved).toBe('adopt');
    const samplesAtAdopt = eventsOf(r, 'canary.sample').length;
    // Ten more polls of the same live split.
    await until(
      r,
      () => eventsOf(r, 'canary.sample').length >= samplesAtAdopt + 10,
      'ten more samples',
      60_000,
    );
    expect(eventsOf(r, 'drift.detected')).toHaveLength(1);
    expect(r.conductor.state.drift?.resolved).toBe('adopt');
    expect(r.conductor.state.rollback).toBeUndefined();
  }, 120_000);
});
