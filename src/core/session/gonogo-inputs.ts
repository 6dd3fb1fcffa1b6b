import type { SessionState } from './state.js';

/** The evidence facts behind each go/no-go input. */
const INPUT_FACTS: Record<string, readonly string[] | undefined> = {
  coverage: ['coverage'],
  tests: ['tests-failed', 'tests-passed'],
  performance: ['p95-increase-pct', 'error-rate-pct'],
};

/**
 * The steps whose evidence fed the go/no-go's failing inputs (a load test measured on a busy
 * machine, a test run): what `r` runs again before the decision is taken again.
 */
export function stepsBehindFailingInputs(
  state: SessionState,
  rows: ReadonlyArray<{ input: string; verdict: string }>,
): string[] {
  const facts = new Set(rows.filter((r) => r.verdict !== 'ok').flatMap((r) => INPUT_FACTS[r.input] ?? []));
  return state.steps
    .filter((st) => st.kind !== 'gonogo' && st.evidence.some((e) => facts.has(e.fact)))
    .map((st) => st.id);
}
