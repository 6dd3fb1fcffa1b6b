import type { GonogoStep, Risk } from '../runbook/schema.js';

/**
 * The go/no-go decision (seed 8.1-8.3): up to five inputs, one row each with its reason, one decision.
 * Coverage, tests and performance are rows only when the runbook declares them (a team without load
 * tests declares no performance input); approvals and risk are always rows.
 *
 * Decisions taken where the seed is silent or ambiguous:
 * - A fact that was never measured is 'missing' and gives NO-GO: the tool never says GO on unknown.
 * - Limits are inclusive: coverage exactly at the minimum passes (8.1 ">= 80%"); p95 increase and
 *   error rate exactly at their maximum pass (8.2 halts when they "exceed" / "increase >").
 * - Performance has ONE limit per figure, the runbook's (8.1: p95 within baseline +10%, error rate
 *   1%); the looser 8.2 figure (+20%) is not a second GO band, because 8.1 requires ALL gates true.
 * - A test run in which nothing passed and nothing failed proves nothing: 'fail'.
 * - Risk: a risk in `mitigationRequiredRisks` without a recorded mitigation is NO-GO (8.2); with one it
 *   is GO with extra monitoring, like a risk in `extraMonitoringRisks` (8.3 medium risk).
 * - When the gate does not require approvals (`approvals: false`) the row is 'ok' and says so.
 */
export interface GoNoGoFacts {
  coveragePct?: number;
  testsFailed?: number;
  testsPassed?: number;
  /** p95 latency increase over the baseline, percent (negative when faster). */
  p95IncreasePct?: number;
  errorRatePct?: number;
  approvalsSatisfied: boolean;
  risk: Risk;
  /** The recorded mitigation for a high or critical risk. */
  mitigation?: string;
}

export type GoNoGoDecision = 'GO' | 'GO-EXTRA-MONITORING' | 'NO-GO';

export interface GoNoGoRow {
  input: 'coverage' | 'tests' | 'performance' | 'approvals' | 'risk';
  value: string;
  limit: string;
  verdict: 'ok' | 'fail' | 'missing' | 'watch';
  reason: string;
}

export interface GoNoGoResult {
  decision: GoNoGoDecision;
  rows: GoNoGoRow[];
  /** What would have to change for a better decision, one sentence each; empty for a plain GO. */
  whatWouldChange: string[];
}

function known(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value);
}

function pct(value: number): string {
  return `${Number(value.toFixed(2))}%`;
}

type Declared<K extends 'coverage' | 'tests' | 'performance'> = NonNullable<GonogoStep[K]>;

function coverageRow(coverage: Declared<'coverage'>, facts: GoNoGoFacts): GoNoGoRow {
  const limit = `>= ${pct(coverage.min)}`;
  const value = facts.coveragePct;
  if (!known(value)) {
    return {
      input: 'coverage',
      value: 'not measured',
      limit,
      verdict: 'missing',
      reason: 'No coverage figure was recorded.',
    };
  }
  if (value < coverage.min) {
    return {
      input: 'coverage',
      value: pct(value),
      limit,
      verdict: 'fail',
      reason: `Coverage ${pct(value)} is below the minimum ${pct(coverage.min)}.`,
    };
  }
  return {
    input: 'coverage',
    value: pct(value),
    limit,
    verdict: 'ok',
    reason: `Coverage ${pct(value)} meets ${limit}.`,
  };
}

function testsRow(tests: Declared<'tests'>, facts: GoNoGoFacts): GoNoGoRow {
  const { maxFailed } = tests;
  const limit = maxFailed === 0 ? 'no failures' : `at most ${maxFailed} failed`;
  const failed = facts.testsFailed;
  const passed = facts.testsPassed;
  if (!known(failed)) {
    return {
      input: 'tests',
      value: 'not run',
      limit,
      verdict: 'missing',
      reason: 'No test result was recorded.',
    };
  }
  const value = known(passed) ? `${passed} passed, ${failed} failed` : `${failed} failed`;
  if (failed > maxFailed) {
    return {
      input: 'tests',
      value,
      limit,
      verdict: 'fail',
      reason: `${failed} test(s) failed; the limit is ${limit}.`,
    };
  }
  if (known(passed) && passed === 0 && failed === 0) {
    return {
      input: 'tests',
      value,
      limit,
      verdict: 'fail',
      reason: 'No test ran; an empty run proves nothing.',
    };
  }
  return { input: 'tests', value, limit, verdict: 'ok', reason: `Tests pass (${value}).` };
}

/** The go/no-go's performance bound (8.1: p95 within baseline +10%; 8.2: error rate at most 1%). */
export interface PerformanceBound {
  maxP95IncreasePct: number;
  maxErrorRatePct: number;
}

/** The two figures a performance bound holds: measured by a load step against its recorded baseline. */
export type PerformanceFacts = Pick<GoNoGoFacts, 'p95IncreasePct' | 'errorRatePct'>;

/** The evidence facts that carry the performance figures, as a load step records them. */
export const PERFORMANCE_FACTS = {
  p95IncreasePct: 'p95-increase-pct',
  errorRatePct: 'error-rate-pct',
} as const;

export type FigureVerdict = 'ok' | 'fail' | 'missing';

export interface PerformanceJudgement {
  /** The go/no-go's performance row. */
  row: GoNoGoRow;
  /** Each figure on its own, for the evidence rows of the step that measured them. */
  p95: FigureVerdict;
  errors: FigureVerdict;
}

/**
 * THE answer to "is this performance within bound": the go/no-go's performance row and a load step
 * measured against a baseline both come from here, so the step and the gate cannot disagree.
 */
export function judgePerformance(bound: PerformanceBound, facts: PerformanceFacts): PerformanceJudgement {
  const { maxP95IncreasePct, maxErrorRatePct } = bound;
  const limit = `p95 <= baseline +${pct(maxP95IncreasePct)}, errors <= ${pct(maxErrorRatePct)}`;
  const p95 = facts.p95IncreasePct;
  const errors = facts.errorRatePct;
  const p95Verdict: FigureVerdict = !known(p95) ? 'missing' : p95 > maxP95IncreasePct ? 'fail' : 'ok';
  const errorsVerdict: FigureVerdict = !known(errors) ? 'missing' : errors > maxErrorRatePct ? 'fail' : 'ok';
  const figures = { p95: p95Verdict, errors: errorsVerdict };
  const missing = [!known(p95) && 'p95 against baseline', !known(errors) && 'error rate'].filter(Boolean);
  const value = [
    known(p95) ? `p95 ${p95 >= 0 ? '+' : ''}${pct(p95)}` : 'p95 not measured',
    known(errors) ? `errors ${pct(errors)}` : 'errors not measured',
  ].join(', ');
  const row = (verdict: GoNoGoRow['verdict'], reason: string): PerformanceJudgement => ({
    row: { input: 'performance', value, limit, verdict, reason },
    ...figures,
  });
  if (missing.length > 0) return row('missing', `Not measured: ${missing.join(' and ')}.`);
  const failures: string[] = [];
  if (p95Verdict === 'fail') {
    failures.push(`p95 is ${pct(p95!)} over the baseline (limit +${pct(maxP95IncreasePct)})`);
  }
  if (errorsVerdict === 'fail') failures.push(`error rate ${pct(errors!)} exceeds ${pct(maxErrorRatePct)}`);
  if (failures.length > 0) {
    const reason = `${failures.join('; ')}.`;
    return row('fail', reason[0].toUpperCase() + reason.slice(1));
  }
  return row('ok', 'Performance within the baseline limits.');
}

function performanceRow(performance: Declared<'performance'>, facts: GoNoGoFacts): GoNoGoRow {
  return judgePerformance(performance, facts).row;
}

function approvalsRow(step: GonogoStep, facts: GoNoGoFacts): GoNoGoRow {
  if (!step.approvals) {
    return {
      input: 'approvals',
      value: facts.approvalsSatisfied ? 'complete' : 'not complete',
      limit: 'not required here',
      verdict: 'ok',
      reason: 'This gate does not require approvals.',
    };
  }
  return facts.approvalsSatisfied
    ? {
        input: 'approvals',
        value: 'complete',
        limit: 'all required',
        verdict: 'ok',
        reason: 'Every required approval is valid.',
      }
    : {
        input: 'approvals',
        value: 'not complete',
        limit: 'all required',
        verdict: 'fail',
        reason: 'Required approvals are missing, expired or invalid.',
      };
}

function riskRow(step: GonogoStep, facts: GoNoGoFacts): GoNoGoRow {
  const { risk } = facts;
  const mitigation = facts.mitigation?.trim();
  if (step.mitigationRequiredRisks.includes(risk)) {
    const limit = 'mitigation recorded';
    if (!mitigation) {
      return {
        input: 'risk',
        value: risk,
        limit,
        verdict: 'fail',
        reason: `Risk ${risk} without a recorded mitigation halts the promotion.`,
      };
    }
    return {
      input: 'risk',
      value: `${risk}, mitigated`,
      limit,
      verdict: 'watch',
      reason: `Risk ${risk}, mitigation: "${mitigation}"; go with extra monitoring.`,
    };
  }
  if (step.extraMonitoringRisks.includes(risk)) {
    return {
      input: 'risk',
      value: risk,
      limit: 'extra monitoring',
      verdict: 'watch',
      reason: `Risk ${risk}: go with extra monitoring.`,
    };
  }
  return {
    input: 'risk',
    value: risk,
    limit: 'none',
    verdict: 'ok',
    reason: `Risk ${risk}: no extra condition.`,
  };
}

function whatWouldChange(step: GonogoStep, facts: GoNoGoFacts, row: GoNoGoRow): string {
  switch (row.input) {
    case 'coverage':
      return row.verdict === 'missing'
        ? 'Record the coverage figure (run the coverage step).'
        : `Raise coverage to ${pct(step.coverage?.min ?? 0)} or more (now ${row.value}).`;
    case 'tests':
      if (row.verdict === 'missing') return 'Run the tests and record the result.';
      return (facts.testsFailed ?? 0) > (step.tests?.maxFailed ?? 0)
        ? `Fix the failing tests (${row.value}).`
        : 'Run a test suite that actually runs tests.';
    case 'performance':
      return row.verdict === 'missing'
        ? 'Measure p95 against the baseline and the error rate (run the performance step).'
        : `Bring performance within ${row.limit} (now ${row.value}).`;
    case 'approvals':
      return 'Obtain every required approval.';
    case 'risk':
      return row.verdict === 'watch'
        ? `Risk ${facts.risk} means extra monitoring; only a lower assessed risk gives a plain GO.`
        : `Record a mitigation for the ${row.value} risk, or reassess the risk.`;
  }
}

/** Rows for the inputs the runbook declares (an input left out is not judged), then approvals and risk. */
export function decideGoNoGo(step: GonogoStep, facts: GoNoGoFacts): GoNoGoResult {
  const rows = [
    ...(step.coverage ? [coverageRow(step.coverage, facts)] : []),
    ...(step.tests ? [testsRow(step.tests, facts)] : []),
    ...(step.performance ? [performanceRow(step.performance, facts)] : []),
    approvalsRow(step, facts),
    riskRow(step, facts),
  ];
  const blocking = rows.filter((row) => row.verdict === 'fail' || row.verdict === 'missing');
  if (blocking.length > 0) {
    return {
      decision: 'NO-GO',
      rows,
      whatWouldChange: blocking.map((row) => whatWouldChange(step, facts, row)),
    };
  }
  const watching = rows.filter((row) => row.verdict === 'watch');
  if (watching.length > 0) {
    return {
      decision: 'GO-EXTRA-MONITORING',
      rows,
      whatWouldChange: watching.map((row) => whatWouldChange(step, facts, row)),
    };
  }
  return { decision: 'GO', rows, whatWouldChange: [] };
}
