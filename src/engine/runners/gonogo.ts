import { decideFor } from '../../core/session/gates.js';
import { stepsBehindFailingInputs } from '../../core/session/gonogo-inputs.js';
import type { StepState } from '../../core/session/state.js';
import type { EngineContext } from '../context.js';

/** Seed 8.1-8.3: decide from the evidence recorded; NO-GO halts until the conductor re-evaluates (r). */
export async function runGonogo(c: EngineContext, step: StepState): Promise<void> {
  const def = c.definition(step.id);
  if (def.kind !== 'gonogo') return;
  if (step.status === 'failed') {
    const sources = stepsBehindFailingInputs(c.state, c.state.gonogo?.rows ?? [], c.promotion, def);
    if (!c.takeRerun(step.id)) {
      const titles = sources.map((id) => c.definition(id).title);
      c.setWaiting({
        step: step.id,
        kind: 'gonogo',
        message: `NO-GO: ${c.state.gonogo?.whatWouldChange.join(' ') ?? ''} ${
          titles.length
            ? `Press r to run ${titles.join(', ')} again and decide again.`
            : 'Press r to decide again.'
        }`,
      });
      await c.waitWatching(5_000);
      return;
    }
    // The inputs are measured anew (a load test run on a busy machine), then the decision is taken.
    if (sources.length > 0) {
      c.dispatch({
        type: 'steps.reopened',
        at: c.now(),
        steps: [...sources, step.id],
        reason: 'the go/no-go is decided again on inputs measured anew',
        by: c.options.conductor,
      });
      return;
    }
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
