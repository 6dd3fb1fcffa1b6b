import type { StepState } from '../../core/session/state.js';
import type { EngineContext } from '../context.js';

export const AUTOPILOT = 'rehearsal-autopilot';

export async function runManual(c: EngineContext, step: StepState): Promise<void> {
  if (c.options.autopilot) {
    c.confirmStep(step.id, 'confirmed by the rehearsal autopilot', AUTOPILOT);
    return;
  }
  c.setWaiting({ step: step.id, kind: 'confirm', message: `Confirm: ${step.title}` });
  // Traffic may be on the new version (a check after promotion): it is watched meanwhile.
  await c.waitWatching(5_000);
}
