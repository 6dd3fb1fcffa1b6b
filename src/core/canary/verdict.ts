/**
 * The verdict of one canary sample (issue #5).
 *
 * PASS          inside the pass band
 * WATCH         outside the pass band, inside the no-go limits
 * NO-GO         beyond the no-go limits (or throttled beyond the no-go limit)
 * ROLLBACK      beyond the rollback limits; counts toward the sustained limit
 * INSUFFICIENT  fewer requests than the runbook's minimum, or nothing to compare against
 * STALE         the poll failed or came late
 */
export type Verdict = 'PASS' | 'WATCH' | 'NO-GO' | 'ROLLBACK' | 'INSUFFICIENT' | 'STALE';

/**
 * Severity, worst first: the worst verdict of the targets decides the sample.
 * STALE and INSUFFICIENT rank above WATCH because an unknown must never look better than a known
 * concern, and below NO-GO because a measured breach is worse than a missing measurement.
 */
export const VERDICT_SEVERITY: readonly Verdict[] = [
  'ROLLBACK',
  'NO-GO',
  'STALE',
  'INSUFFICIENT',
  'WATCH',
  'PASS',
];

/** Larger is worse. */
export function verdictRank(verdict: Verdict): number {
  return VERDICT_SEVERITY.length - VERDICT_SEVERITY.indexOf(verdict);
}

/** The worst of some verdicts; undefined for none. */
export function worstVerdict(verdicts: readonly Verdict[]): Verdict | undefined {
  let worst: Verdict | undefined;
  for (const verdict of verdicts) {
    if (worst === undefined || verdictRank(verdict) > verdictRank(worst)) worst = verdict;
  }
  return worst;
}

/**
 * What a screen prints for a verdict; ROLLBACK carries its count toward the sustained limit, which
 * stops at the limit (see rollbackCounts in stage.ts).
 */
export function verdictLabel(verdict: Verdict, rollback?: { streak: number; sustained: number }): string {
  if (verdict === 'ROLLBACK' && rollback) {
    return `ROLLBACK ${Math.min(rollback.streak, rollback.sustained)}/${rollback.sustained}`;
  }
  if (verdict === 'INSUFFICIENT') return 'INSUFFICIENT DATA';
  return verdict;
}

/**
 * Request count, errors, error rate and p95 of one series over one sampling window. The same shape
 * as the metrics service returns; core defines it so core never imports services.
 */
export interface SeriesStats {
  requests: number;
  errors: number;
  /** null when there were no requests. */
  errorRatePct: number | null;
  /** null when there were no requests. */
  p95Ms: number | null;
  throttles: number;
}
