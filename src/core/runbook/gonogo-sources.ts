import type { GonogoStep, Promotion, Step } from './schema.js';

/**
 * Where each go/no-go input's figures come from (issue 13, point 1). The runbook declares the inputs
 * it judges (`coverage`, `tests`, `performance`) and, with `from`, which steps' evidence feeds each;
 * without `from`, every step before the gate that can record the input's figures does.
 */

export type GonogoInput = 'coverage' | 'tests' | 'performance';

export const GONOGO_INPUTS: readonly GonogoInput[] = ['coverage', 'tests', 'performance'];

/** The evidence facts behind each input. */
export const INPUT_FACTS: Record<GonogoInput, readonly string[]> = {
  coverage: ['coverage'],
  tests: ['tests-failed', 'tests-passed'],
  performance: ['p95-increase-pct', 'error-rate-pct'],
};

/** One source of an input: a step, or one evidence rule of a command step. */
export interface GonogoSource {
  step: string;
  evidence?: string;
}

/** The inputs this go/no-go judges, in the matrix's order. */
export function declaredInputs(gate: GonogoStep): GonogoInput[] {
  return GONOGO_INPUTS.filter((input) => gate[input] !== undefined);
}

export function parseSource(entry: string): GonogoSource {
  const dot = entry.indexOf('.');
  return dot < 0 ? { step: entry } : { step: entry.slice(0, dot), evidence: entry.slice(dot + 1) };
}

/** Whether a step can feed an input at all (a coverage rule, a test run, a load test against a baseline). */
function feeds(step: Step, input: GonogoInput): boolean {
  switch (input) {
    case 'coverage':
      return step.kind === 'command' && step.evidence.some((rule) => rule.fact === 'coverage');
    case 'tests':
      return step.kind === 'command';
    case 'performance':
      return step.kind === 'load' && step.baselineP95 !== undefined;
  }
}

function stepsBefore(promotion: Promotion, gateId: string): Step[] {
  const steps = promotion.phases.flatMap((phase) => phase.steps);
  const index = steps.findIndex((step) => step.id === gateId);
  return index < 0 ? [] : steps.slice(0, index);
}

/** The sources of one declared input: its `from`, or every step before the gate that can feed it. */
export function inputSources(promotion: Promotion, gate: GonogoStep, input: GonogoInput): GonogoSource[] {
  const declared = gate[input];
  if (!declared) return [];
  if (declared.from) return declared.from.map(parseSource);
  return stepsBefore(promotion, gate.id)
    .filter((step) => feeds(step, input))
    .map((step) => ({ step: step.id }));
}

/** Where each input's figures can come from, for the messages. */
const SOURCE_KIND: Record<GonogoInput, string> = {
  coverage: 'a command step with an evidence rule of fact: coverage',
  tests: 'a command step',
  performance: 'a load step with baselineP95',
};

/**
 * The declaration's problems, at the path of the entry at fault: an unknown step or evidence id, a
 * step after the gate, a step that cannot record the input's figures, an input nothing can feed.
 */
export function checkGonogoInputs(
  promotion: Promotion,
  gate: GonogoStep,
  at: PropertyKey[],
): Array<{ path: PropertyKey[]; message: string }> {
  const problems: Array<{ path: PropertyKey[]; message: string }> = [];
  const add = (path: PropertyKey[], message: string) => problems.push({ path, message });
  const all = [...promotion.phases.flatMap((phase) => phase.steps)];
  const before = stepsBefore(promotion, gate.id);
  for (const input of declaredInputs(gate)) {
    const candidates = before.filter((step) => feeds(step, input)).map((step) => step.id);
    const candidatesText = candidates.length > 0 ? candidates.join(', ') : 'none';
    const from = gate[input]?.from;
    if (!from) {
      if (candidates.length === 0)
        add(
          [...at, input],
          `${input} is declared, but no step before the go/no-go can measure it (${input} comes from ${SOURCE_KIND[input]}); add one, or leave ${input} out`,
        );
      continue;
    }
    from.forEach((entry, i) => {
      const path = [...at, input, 'from', i];
      const source = parseSource(entry);
      const step = all.find((s) => s.id === source.step);
      if (!step) {
        add(
          path,
          `unknown step "${source.step}" (steps before the go/no-go that record ${input}: ${candidatesText})`,
        );
        return;
      }
      if (!before.includes(step)) {
        add(path, `step "${step.id}" comes after the go/no-go, so its evidence cannot feed it`);
        return;
      }
      if (!feeds(step, input)) {
        const why =
          input === 'performance' && step.kind === 'load'
            ? `load step "${step.id}" has no baselineP95, so it measures no p95 against a baseline; add baselineP95 or leave performance out`
            : `step "${step.id}" is a ${step.kind} step and records no ${input}; ${input} comes from ${SOURCE_KIND[input]} (before the go/no-go: ${candidatesText})`;
        add(path, why);
        return;
      }
      if (source.evidence === undefined) return;
      if (step.kind !== 'command') {
        add(path, `only a command step's evidence rules can be named; write "${step.id}" alone`);
        return;
      }
      const rule = step.evidence.find((r) => r.id === source.evidence);
      if (!rule) {
        const ids = step.evidence.map((r) => r.id).join(', ') || 'none';
        add(path, `step "${step.id}" has no evidence rule "${source.evidence}" (its rules: ${ids})`);
      } else if (!INPUT_FACTS[input].includes(rule.fact)) {
        add(
          path,
          `evidence "${rule.id}" of step "${step.id}" records ${rule.fact}, not ${INPUT_FACTS[input].join(' or ')}`,
        );
      }
    });
  }
  return problems;
}
