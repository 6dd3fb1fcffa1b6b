/**
 * What the sandbox serves for a monitor's extra metric: a series the runbook names but no
 * simulated request produces (DynamoDB replication lag, a team's own error count...).
 *
 * Healthy by default, whatever the metric: a rehearsal of a healthy release must stay inside every
 * limit the runbook declares. So the shape follows what the runbook says about the metric:
 * - an error or throttle count (by its name) is 0 while the release is healthy; a scenario that
 *   makes the canary fail adds the canary's excess failures (see `excessFailures`);
 * - any other metric sits near half its declared `max` (or a quarter of `rollbackAbove`), or, with
 *   no limit, near a plain level for its unit (120 ms, 1%, 0 for a count);
 * - a Sum (or SampleCount) adds up over the judging window, so its per-minute share is the level
 *   divided by the window's minutes; other statistics see one sample a second.
 */

export interface DeclaredExtraMetric {
  namespace: string;
  metric: string;
  dimensions: Record<string, string>;
  stat?: string;
  unit?: string;
  max?: number;
  rollbackAbove?: number;
}

export type ExtraKind = 'failures' | 'throttles' | 'level';

export function extraKindOf(extra: Pick<DeclaredExtraMetric, 'metric'>): ExtraKind {
  if (/throttl/i.test(extra.metric)) return 'throttles';
  if (/error|fault|fail|5xx|4xx|declin|reject/i.test(extra.metric)) return 'failures';
  return 'level';
}

const UNIT_LEVEL: Record<string, number> = {
  Milliseconds: 120,
  Seconds: 0.12,
  Microseconds: 120_000,
  Percent: 1,
  Count: 0,
};

/** The healthy value of a `level` metric under its declared statistic over the whole window. */
export function healthyLevel(extra: DeclaredExtraMetric): number {
  if (extra.max !== undefined && extra.max > 0) return extra.max / 2;
  if (extra.rollbackAbove !== undefined && extra.rollbackAbove > 0) return extra.rollbackAbove / 4;
  if (extra.unit !== undefined && extra.unit in UNIT_LEVEL) return UNIT_LEVEL[extra.unit];
  // No unit and no limit: a latency-like name reads as milliseconds, anything else as a small gauge.
  return /latency|duration|age|lag|time/i.test(extra.metric) ? 120 : 1;
}

/** Whether the statistic adds samples up (so a window's value grows with its minutes). */
export function isAdditive(stat: string | undefined): boolean {
  return stat === 'Sum' || stat === 'SampleCount';
}

/**
 * Failures the canary adds in one second over what the stable version would fail: what an error
 * count of the application shows when the new release misbehaves. 0 for a healthy release.
 */
export function excessFailures(
  requestsPerSecond: number,
  canarySharePct: number,
  canaryErrorProbability: number,
  stableErrorProbability: number,
): number {
  const excess = Math.max(0, canaryErrorProbability - stableErrorProbability);
  return (requestsPerSecond * canarySharePct * excess) / 100;
}
