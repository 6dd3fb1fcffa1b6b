import { describe, expect, it } from 'vitest';
import { decideGoNoGo, type GoNoGoFacts } from '../../../src/core/gates/gonogo.js';
import { gonogoStepSchema } from '../../../src/core/runbook/schema.js';

// The PROD go/no-go of seed 8.1: coverage >= 80%, no failed test, p95 within baseline +10%, errors <= 1%.
const step = gonogoStepSchema.parse({
  id: 'gonogo-prod',
  title: 'Go/no-go for PROD',
  kind: 'gonogo',
  coverage: { min: 80 },
  tests: { maxFailed: 0 },
  performance: { maxP95IncreasePct: 10, maxErrorRatePct: 1 },
});

const allGreen: GoNoGoFacts = {
  coveragePct: 84.2,
  testsPassed: 412,
  testsFailed: 0,
  p95IncreasePct: 3,
  errorRatePct: 0.2,
  approvalsSatisfied: true,
  risk: 'low',
};

function verdictOf(result: ReturnType<typeof decideGoNoGo>, input: string) {
  return result.rows.find((row) => row.input === input)?.verdict;
}

describe('decideGoNoGo: the decision matrix of seed 8.3, one test per row', () => {
  it('All green: coverage >= 80%, tests pass, perf OK, approved -> GO', () => {
    const result = decideGoNoGo(step, allGreen);
    expect(result.decision).toBe('GO');
    expect(result.rows.map((row) => row.verdict)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(result.whatWouldChange).toEqual([]);
  });

  it('Coverage low: < 80% -> NO-GO, saying the coverage and the minimum', () => {
    const result = decideGoNoGo(step, { ...allGreen, coveragePct: 79.9 });
    expect(result.decision).toBe('NO-GO');
    expect(result.rows[0]).toEqual({
      input: 'coverage',
      value: '79.9%',
      limit: '>= 80%',
      verdict: 'fail',
      reason: 'Coverage 79.9% is below the minimum 80%.',
    });
    expect(result.whatWouldChange).toEqual(['Raise coverage to 80% or more (now 79.9%).']);
  });

  it('Test fail: a failed test -> NO-GO', () => {
    const result = decideGoNoGo(step, { ...allGreen, testsFailed: 2, testsPassed: 410 });
    expect(result.decision).toBe('NO-GO');
    expect(verdictOf(result, 'tests')).toBe('fail');
    expect(result.rows[1].reason).toBe('2 test(s) failed; the limit is no failures.');
    expect(result.whatWouldChange).toEqual(['Fix the failing tests (410 passed, 2 failed).']);
  });

  it('Perf issue: p95 beyond baseline +10% -> NO-GO', () => {
    const result = decideGoNoGo(step, { ...allGreen, p95IncreasePct: 14 });
    expect(result.decision).toBe('NO-GO');
    expect(verdictOf(result, 'performance')).toBe('fail');
    expect(result.rows[2].reason).toBe('P95 is 14% over the baseline (limit +10%).');
  });

  it('Perf issue: error rate above 1% -> NO-GO', () => {
    const result = decideGoNoGo(step, { ...allGreen, errorRatePct: 1.5 });
    expect(result.decision).toBe('NO-GO');
    expect(result.rows[2].reason).toBe('Error rate 1.5% exceeds 1%.');
  });

  it('No approval -> NO-GO', () => {
    const result = decideGoNoGo(step, { ...allGreen, approvalsSatisfied: false });
    expect(result.decision).toBe('NO-GO');
    expect(verdictOf(result, 'approvals')).toBe('fail');
    expect(result.whatWouldChange).toEqual(['Obtain every required approval.']);
  });

  it('Medium risk, all else green -> GO with extra monitoring', () => {
    const result = decideGoNoGo(step, { ...allGreen, risk: 'medium' });
    expect(result.decision).toBe('GO-EXTRA-MONITORING');
    expect(result.rows[4]).toMatchObject({
      input: 'risk',
      verdict: 'watch',
      reason: 'Risk medium: go with extra monitoring.',
    });
    expect(result.whatWouldChange).toEqual([
      'Risk medium means extra monitoring; only a lower assessed risk gives a plain GO.',
    ]);
  });
});

describe('decideGoNoGo: limits and unknowns', () => {
  it('passes at exactly the limits (coverage 80%, p95 +10%, errors 1%)', () => {
    const result = decideGoNoGo(step, { ...allGreen, coveragePct: 80, p95IncreasePct: 10, errorRatePct: 1 });
    expect(result.decision).toBe('GO');
  });

  it('never says GO on an unmeasured fact: each missing fact alone gives NO-GO', () => {
    const missing: Array<[keyof GoNoGoFacts, string]> = [
      ['coveragePct', 'coverage'],
      ['testsFailed', 'tests'],
      ['p95IncreasePct', 'performance'],
      ['errorRatePct', 'performance'],
    ];
    for (const [fact, input] of missing) {
      const facts = { ...allGreen, [fact]: undefined };
      const result = decideGoNoGo(step, facts);
      expect(result.decision, fact).toBe('NO-GO');
      expect(verdictOf(result, input), fact).toBe('missing');
    }
    expect(decideGoNoGo(step, { ...allGreen, coveragePct: Number.NaN }).decision).toBe('NO-GO');
  });

  it('says what to measure when facts are missing', () => {
    const result = decideGoNoGo(step, { approvalsSatisfied: true, risk: 'low' });
    expect(result.decision).toBe('NO-GO');
    expect(result.rows[2].reason).toBe('Not measured: p95 against baseline and error rate.');
    expect(result.whatWouldChange).toEqual([
      'Record the coverage figure (run the coverage step).',
      'Run the tests and record the result.',
      'Measure p95 against the baseline and the error rate (run the performance step).',
    ]);
  });

  it('treats a run with no test at all as a failure, not a pass', () => {
    const result = decideGoNoGo(step, { ...allGreen, testsPassed: 0, testsFailed: 0 });
    expect(result.decision).toBe('NO-GO');
    expect(result.rows[1].reason).toBe('No test ran; an empty run proves nothing.');
    expect(result.whatWouldChange).toEqual(['Run a test suite that actually runs tests.']);
  });

  it('respects a gate that tolerates some failed tests', () => {
    const lenient = gonogoStepSchema.parse({ ...step, coverage: { min: 70 }, tests: { maxFailed: 3 } });
    expect(decideGoNoGo(lenient, { ...allGreen, coveragePct: 72, testsFailed: 3 }).decision).toBe('GO');
    expect(decideGoNoGo(lenient, { ...allGreen, testsFailed: 4 }).decision).toBe('NO-GO');
  });
});

describe('decideGoNoGo: risk (seed 8.2 "HIGH without mitigation")', () => {
  it('halts a high or critical risk without a mitigation', () => {
    for (const risk of ['high', 'critical'] as const) {
      const result = decideGoNoGo(step, { ...allGreen, risk, mitigation: '   ' });
      expect(result.decision).toBe('NO-GO');
      expect(result.rows[4].reason).toBe(`Risk ${risk} without a recorded mitigation halts the promotion.`);
      expect(result.whatWouldChange).toEqual([
        `Record a mitigation for the ${risk} risk, or reassess the risk.`,
      ]);
    }
  });

  it('gives GO with extra monitoring for a mitigated high risk', () => {
    const result = decideGoNoGo(step, {
      ...allGreen,
      risk: 'high',
      mitigation: 'Feature flag off by default',
    });
    expect(result.decision).toBe('GO-EXTRA-MONITORING');
    expect(result.rows[4].value).toBe('high, mitigated');
  });

  it('reports every failing input, not only the first', () => {
    const result = decideGoNoGo(step, {
      ...allGreen,
      coveragePct: 60,
      approvalsSatisfied: false,
      risk: 'high',
    });
    expect(result.rows.filter((row) => row.verdict === 'fail').map((row) => row.input)).toEqual([
      'coverage',
      'approvals',
      'risk',
    ]);
    expect(result.whatWouldChange).toHaveLength(3);
  });

  it('does not ask for approvals when the gate says so', () => {
    const noApprovals = gonogoStepSchema.parse({ ...step, approvals: false });
    const result = decideGoNoGo(noApprovals, { ...allGreen, approvalsSatisfied: false });
    expect(result.decision).toBe('GO');
    expect(result.rows[3].reason).toBe('This gate does not require approvals.');
  });
});
