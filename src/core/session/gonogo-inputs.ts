import { GONOGO_INPUTS, type GonogoInput, INPUT_FACTS, inputSources } from '../runbook/gonogo-sources.js';
import type { GonogoStep, Promotion } from '../runbook/schema.js';
import type { SessionState } from './state.js';

/**
 * The steps whose evidence fed the go/no-go's failing inputs (a load test measured on a busy
 * machine, a test run): what `r` runs again before the decision is taken again. Only the input's
 * sources count, and of those the steps that recorded its figures or failed.
 */
export function stepsBehindFailingInputs(
  state: SessionState,
  rows: ReadonlyArray<{ input: string; verdict: string }>,
  promotion: Promotion,
  gate: GonogoStep,
): string[] {
  const failing = new Set(rows.filter((r) => r.verdict !== 'ok').map((r) => r.input));
  const ids = new Set<string>();
  for (const input of GONOGO_INPUTS.filter((i: GonogoInput) => failing.has(i))) {
    const facts = INPUT_FACTS[input];
    for (const source of inputSources(promotion, gate, input)) {
      const step = state.steps.find((s) => s.id === source.step);
      if (!step || step.kind === 'gonogo') continue;
      if (step.status === 'failed' || step.evidence.some((e) => facts.includes(e.fact))) ids.add(step.id);
    }
  }
  return state.steps.filter((st) => ids.has(st.id)).map((st) => st.id);
}
