import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gonogoStepOf, judgeLoadStep } from '../../../src/core/evidence/performance.js';
import { decideGoNoGo, type GoNoGoFacts } from '../../../src/core/gates/gonogo.js';
import type { LoadStep } from '../../../src/core/runbook/schema.js';
import type { EvidenceRecord } from '../../../src/core/session/events.js';
import { bbwsPromotion } from '../session/traffic-oracle.js';

const { promotion } = bbwsPromotion();
const gate = gonogoStepOf(promotion)!;
const baselineStep = promotion.phases
  .flatMap((phase) => phase.steps)
  .find((step): step is LoadStep => step.id === 'sit-performance-baseline')!;

/** The evidence a load step records (as the work port writes it): error rate and p95 against the baseline. */
function evidence(p95IncreasePct: number | null, errorRatePct: number | null): EvidenceRecord[] {
  return [
    {
      id: 'sit-performance-baseline-p95',
      fact: 'custom',
      value: 745,
      limit: '<= 1s',
      ok: true,
      detail: 'p95 745ms',
    },
    {
      id: 'sit-performance-baseline-error-rate-pct',
      fact: 'error-rate-pct',
      value: errorRatePct,
      limit: '<= 1%',
      ok: errorRatePct !== null && errorRatePct <= 1,
      detail: `error rate ${errorRatePct}%`,
    },
    ...(p95IncreasePct === null
      ? []
      : [
          {
            id: 'sit-performance-baseline-p95-increase-pct',
            fact: 'p95-increase-pct',
            value: p95IncreasePct,
            limit: 'baseline 250 ms',
            ok: true,
            detail: `p95 is +${p95IncreasePct}% against the 250 ms baseline`,
          },
        ]),
  ];
}

const green: GoNoGoFacts = {
  coveragePct: 85,
  testsPassed: 847,
  testsFailed: 0,
  approvalsSatisfied: true,
  risk: 'low',
};

describe('judgeLoadStep: a load step against its baseline is judged as the go/no-go judges it', () => {
  it('the bbws SIT baseline step promises the PROD go/no-go bound', () => {
    expect(baselineStep.title).toContain('p95 within +10%');
    expect(gate.id).toBe('gonogo-prod');
    expect(gate.performance?.maxP95IncreasePct).toBe(10);
  });

  it('fails the step whose evidence says p95 +198% over the baseline, as the gate does on the same figure', () => {
    const judged = judgeLoadStep(baselineStep, gate, evidence(198, 0));
    expect(judged.ok).toBe(false);
    expect(judged.reason).toBe(
      "performance is outside the go/no-go's bound (p95 <= baseline +10%, errors <= 1%): p95 is 198% over the baseline (limit +10%)",
    );
    expect(judged.evidence.find((row) => row.fact === 'p95-increase-pct')).toMatchObject({
      value: 198,
      ok: false,
      limit: '<= baseline +10%',
    });
    const gonogo = decideGoNoGo(gate, { ...green, p95IncreasePct: 198, errorRatePct: 0 });
    expect(gonogo.rows.find((row) => row.input === 'performance')?.verdict).toBe('fail');
  });

  it('passes within the bound and marks the figure ok', () => {
    const judged = judgeLoadStep(baselineStep, gate, evidence(4.2, 0.1));
    expect(judged.ok).toBe(true);
    expect(judged.reason).toBeUndefined();
    expect(judged.evidence.find((row) => row.fact === 'p95-increase-pct')?.ok).toBe(true);
  });

  it('fails when the figure against the baseline was never measured: the gate would say NO-GO on it', () => {
    const judged = judgeLoadStep(baselineStep, gate, evidence(null, 0));
    expect(judged.ok).toBe(false);
    expect(judged.reason).toBe(
      "the go/no-go's performance bound (p95 <= baseline +10%, errors <= 1%) cannot be judged: p95 against the baseline not measured",
    );
  });

  it('leaves a load step without a baseline, or a promotion without a go/no-go, to its own limits', () => {
    const rows = evidence(198, 0);
    expect(judgeLoadStep({ ...baselineStep, baselineP95: undefined }, gate, rows)).toEqual({
      ok: true,
      evidence: rows,
    });
    expect(judgeLoadStep(baselineStep, undefined, rows)).toEqual({ ok: true, evidence: rows });
  });

  it('for any figures, the step passes exactly when the go/no-go performance row is ok', () => {
    const figure = fc.option(fc.double({ min: -100, max: 500, noNaN: true }), { nil: null });
    fc.assert(
      fc.property(figure, figure, (p95, errors) => {
        const judged = judgeLoadStep(baselineStep, gate, evidence(p95, errors));
        const gonogo = decideGoNoGo(gate, {
          ...green,
          p95IncreasePct: p95 ?? undefined,
          errorRatePct: errors ?? undefined,
        });
        const row = gonogo.rows.find((r) => r.input === 'performance');
        expect(judged.ok).toBe(row?.verdict === 'ok');
      }),
    );
  });
});
