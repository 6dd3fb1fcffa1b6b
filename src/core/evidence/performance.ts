import { judgePerformance, PERFORMANCE_FACTS } from '../gates/gonogo.js';
import type { GonogoStep, LoadStep, Promotion } from '../runbook/schema.js';
import type { EvidenceRecord } from '../session/events.js';

/** The go/no-go step of a promotion: its performance bound is the one its load steps promise. */
export function gonogoStepOf(promotion: Promotion): GonogoStep | undefined {
  return promotion.phases.flatMap((phase) => phase.steps).find((step) => step.kind === 'gonogo');
}

export interface LoadStepJudgement {
  ok: boolean;
  /** Why the step fails, one sentence without its full stop (it leads the step's detail). */
  reason?: string;
  /** The step's evidence rows, each figure marked as the gate judges it. */
  evidence: EvidenceRecord[];
}

/** The last recorded value of a fact, as the go/no-go reads it (a row without a value does not count). */
function lastValue(evidence: readonly EvidenceRecord[], fact: string): number | undefined {
  let value: number | undefined;
  for (const row of evidence) if (row.fact === fact && row.value !== null) value = row.value;
  return value;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * A load step measured against a recorded baseline promises the go/no-go's bound ("p95 within
 * +10%"): it is judged by the gate's own function on the figures it recorded, so a step cannot show
 * done on a figure the go/no-go then fails. A figure that was not measured fails it too: the gate
 * would say NO-GO on it. Without a baseline, without a go/no-go in the promotion that judges
 * performance, or when that go/no-go takes its performance from other steps (`from`), the step is held
 * to its own limits only and its evidence is returned as it is.
 */
export function judgeLoadStep(
  step: LoadStep,
  gate: GonogoStep | undefined,
  evidence: readonly EvidenceRecord[],
): LoadStepJudgement {
  const bound = gate?.performance;
  const feedsGate = bound !== undefined && (bound.from === undefined || bound.from.includes(step.id));
  if (step.baselineP95 === undefined || !feedsGate) return { ok: true, evidence: [...evidence] };
  const judged = judgePerformance(bound, {
    p95IncreasePct: lastValue(evidence, PERFORMANCE_FACTS.p95IncreasePct),
    errorRatePct: lastValue(evidence, PERFORMANCE_FACTS.errorRatePct),
  });
  const { maxP95IncreasePct, maxErrorRatePct } = bound;
  const marked = evidence.map((row): EvidenceRecord => {
    if (row.fact === PERFORMANCE_FACTS.p95IncreasePct)
      return { ...row, limit: `<= baseline +${maxP95IncreasePct}%`, ok: judged.p95 === 'ok' };
    if (row.fact === PERFORMANCE_FACTS.errorRatePct)
      return {
        ...row,
        limit: `<= ${Math.min(step.maxErrorRatePct, maxErrorRatePct)}%`,
        ok: row.ok && judged.errors === 'ok',
      };
    return row;
  });
  const { row } = judged;
  if (row.verdict === 'ok') return { ok: true, evidence: marked };
  if (row.verdict === 'missing') {
    const missing = [
      judged.p95 === 'missing' && 'p95 against the baseline',
      judged.errors === 'missing' && 'error rate',
    ].filter(Boolean);
    return {
      ok: false,
      reason: `the go/no-go's performance bound (${row.limit}) cannot be judged: ${missing.join(' and ')} not measured`,
      evidence: marked,
    };
  }
  return {
    ok: false,
    reason: `performance is outside the go/no-go's bound (${row.limit}): ${lowerFirst(row.reason).replace(/\.$/, '')}`,
    evidence: marked,
  };
}
