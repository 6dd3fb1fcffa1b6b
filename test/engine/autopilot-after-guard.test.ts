import { describe, expect, it } from 'vitest';
import { AUTOPILOT } from '../../src/engine/runners/manual.js';
import { canaryWeightAtSandbox, eventsOf, runningRehearsal, stageOf, until } from './helpers.js';

/**
 * Found by the SIGKILL-storm bench: a screen killed during a stage leaves a headless guard, which
 * raises the stage-end decision but (rightly) answers nothing. When a screen takes the seat again
 * the autopilot must answer that decision; it waited for a person instead, for ever.
 */
describe('the autopilot and a stage decision raised while the engine guarded', () => {
  it('answers the decision once a driver is back (a guard alone answers nothing)', async () => {
    const r = await runningRehearsal({ scenario: 'healthy' });
    await until(r, () => stageOf(r) !== undefined, 'the first canary stage', 120_000);
    r.conductor.becomeGuard();
    const guarded = stageOf(r)!;

    await until(
      r,
      () =>
        stageOf(r)?.index === guarded.index &&
        stageOf(r)?.decision !== undefined &&
        r.conductor.waiting?.kind === 'stage-decision',
      `the decision at the end of stage ${guarded.index + 1}, raised by the guard`,
    );
    const decision = stageOf(r)!.decision!;
    const detachedAt = eventsOf(r, 'session.detached').at(-1)!.at;
    expect(decision.at).toBeGreaterThanOrEqual(detachedAt);
    // The guard alone answers nothing, and traffic stays where the stage put it.
    expect(stageOf(r)!.choices.filter((c) => c.at >= decision.at)).toEqual([]);
    expect(canaryWeightAtSandbox(r)).toBe(guarded.weight);

    r.conductor.attachDriver();
    // Answered: advanced, or extended first when the samples could not judge (a loaded machine
    // makes polls STALE, and the autopilot extends those rather than advance on nothing).
    await until(
      r,
      () => eventsOf(r, 'canary.stage.choice').some((c) => c.stage === guarded.index && c.at >= decision.at),
      `an answer to the decision of stage ${guarded.index + 1}`,
      60_000,
    );
    const answer = eventsOf(r, 'canary.stage.choice').find(
      (c) => c.stage === guarded.index && c.at >= decision.at,
    );
    expect(answer?.by).toBe(AUTOPILOT);
    expect(['advance', 'extend']).toContain(answer?.choice);
    expect(stageOf(r)?.decision?.at === decision.at).toBe(false);
  }, 200_000);
});
