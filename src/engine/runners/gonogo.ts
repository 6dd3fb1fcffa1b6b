import { decideFor } from '../../core/session/gates.js';
import type { StepState } from '../../core/session/state.js';
import type { Conductor } from '../conductor.js';

/** Seed 8.1-8.3: decide from the evidence recorded; NO-GO halts until the conductor re-evaluates (r). */
export async function runGonogo(c: Conductor, step: StepState): Promise<void> {
  const def = c.definition(step.id);
  if (def.kind !== 'gonogo') return;
  if (step.status === 'failed' && !c.takeRerun(step.id)) {
    c.setWaiting({
      step: step.id,
      kind: 'gonogo',
      message: `NO-GO: ${c.state.gonogo?.whatWouldChange.join(' ') ?? ''} Press r to decide again.`,
    });
    await c.changed(5_000);
    return;
  }
  c.dispatch({ type: 'step.started', at: c.now(), step: step.id, attempt: step.attempts + 1 });
  const result = decideFor(c.runbook, c.promotion, c.state, def, c.now());
  const at = c.now();
  c.dispatch({ type: 'gonogo.decided', at, step: step.id, ...result });
  c.dispatch({
    type: 'step.completed',
    at,
    step: step.id,
    outcome: result.decision === 'NO-GO' ? 'failed' : 'passed',
    detail:
      result.decision === 'NO-GO'
        ? `NO-GO: ${result.rows
            .filter((r) => r.verdict !== 'ok')
            .map((r) => r.reason)
            .join('; ')}`
        : result.decision,
  });
}
