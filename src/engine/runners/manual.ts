import type { StepState } from '../../core/session/state.js';
import type { Conductor } from '../conductor.js';

export const AUTOPILOT = 'rehearsal-autopilot';

export async function runManual(c: Conductor, step: StepState): Promise<void> {
  if (c.options.autopilot) {
    c.confirmStep(step.id, 'confirmed by the rehearsal autopilot', AUTOPILOT);
    return;
  }
  c.setWaiting({ step: step.id, kind: 'confirm', message: `Confirm: ${step.title}` });
  await c.changed(5_000);
}
