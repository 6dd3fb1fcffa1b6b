import type { StepState } from '../../core/session/state.js';
import type { EngineContext } from '../context.js';
import { runApproval } from './approval.js';
import { runCanary } from './canary.js';
import { runGonogo } from './gonogo.js';
import { runManual } from './manual.js';
import { runMonitor } from './monitor.js';
import { runNotify } from './notify.js';
import { runWork } from './work.js';

/** One pass of the current step's runner: it returns when the step moved on or needs the person. */
export async function runStep(c: EngineContext, step: StepState): Promise<void> {
  switch (step.kind) {
    case 'manual':
      return runManual(c, step);
    case 'command':
    case 'http':
    case 'load':
      return runWork(c, step);
    case 'approval':
      return runApproval(c, step);
    case 'gonogo':
      return runGonogo(c, step);
    case 'notify':
      return runNotify(c, step);
    case 'canary':
      return runCanary(c, step);
    case 'monitor':
      return runMonitor(c, step);
  }
}
