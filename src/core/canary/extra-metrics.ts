import type { ExtraMetric } from '../runbook/schema.js';
import type { Verdict } from './verdict.js';
import { verdictRank } from './verdict.js';

/**
 * Judging the monitor's extra metrics (DynamoDB replication lag, throttles) against the runbook's
 * own limits for them (seed 5.3 step 9, 10.1).
 *
 * - Above `rollbackAbove` -> ROLLBACK: the sample counts toward the sustained rollback band like an
 *   error-rate breach, so a lag that holds triggers the automatic rollback.
 * - Above `max` -> WATCH.
 * - A metric CloudWatch did not report (null) is not judged: the request-based series already say
 *   whether the poll had data.
 */
export interface ExtraValue {
  id: string;
  value: number | null;
}

export interface ExtraJudgement {
  verdict: Verdict;
  /** One sentence per breach, worst first. */
  reasons: string[];
}

const UNIT_SUFFIX: Record<string, string> = {
  Milliseconds: ' ms',
  Seconds: ' s',
  Count: '',
  Percent: '%',
};

function shown(value: number, unit: string | undefined): string {
  const suffix = unit === undefined ? '' : (UNIT_SUFFIX[unit] ?? ` ${unit}`);
  return `${Number(value.toFixed(2))}${suffix}`;
}

/** The worst breach among the extra metrics; undefined when every reported one is within its limits. */
export function judgeExtraMetrics(
  metrics: readonly ExtraMetric[],
  values: readonly ExtraValue[] | undefined,
): ExtraJudgement | undefined {
  const findings: Array<{ verdict: Verdict; reason: string }> = [];
  for (const metric of metrics) {
    const value = values?.find((v) => v.id === metric.id)?.value;
    if (value === null || value === undefined) continue;
    if (metric.rollbackAbove !== undefined && value > metric.rollbackAbove) {
      findings.push({
        verdict: 'ROLLBACK',
        reason: `${metric.title} ${shown(value, metric.unit)} above the rollback limit of ${shown(metric.rollbackAbove, metric.unit)}.`,
      });
    } else if (metric.max !== undefined && value > metric.max) {
      findings.push({
        verdict: 'WATCH',
        reason: `${metric.title} ${shown(value, metric.unit)} above its limit of ${shown(metric.max, metric.unit)}.`,
      });
    }
  }
  if (findings.length === 0) return undefined;
  findings.sort((a, b) => verdictRank(b.verdict) - verdictRank(a.verdict));
  return { verdict: findings[0].verdict, reasons: findings.map((f) => f.reason) };
}
