import type { ChartThreshold } from '../components/MetricChart.js';
import type { Verdict as BadgeVerdict } from '../components/VerdictBadge.js';
import { rollbackStreak } from '../core/canary/stage.js';
import type { CanaryStep } from '../core/runbook/schema.js';
import type {
  RollbackTargetRecord,
  SampleTargetRecord,
  TrafficSnapshot,
  Verdict,
} from '../core/session/events.js';
import { newReleasePercent } from '../core/session/selectors.js';
import type { SampleState } from '../core/session/state.js';

/**
 * Chart series and threshold lines from a stage's samples. The charts follow the first target of
 * each sample (the API Gateway stage when there is one: every request passes through it); the
 * table under the charts lists every target.
 */
export interface StageSeries {
  errorCanary: Array<number | null>;
  errorBaseline: Array<number | null>;
  p95Canary: Array<number | null>;
  p95Baseline: Array<number | null>;
  errorThresholds: ChartThreshold[];
  p95Thresholds: ChartThreshold[];
  /** The baseline p95 the p95 lines are relative to, when one has been measured. */
  baselineP95?: number;
}

export function primaryTarget(sample: SampleState | undefined): SampleTargetRecord | undefined {
  return sample?.targets[0];
}

export function stageSeries(samples: readonly SampleState[], bands: CanaryStep['bands']): StageSeries {
  const primary = samples.map(primaryTarget);
  const baselineP95 =
    [...primary].reverse().find((t) => t?.baseline.p95Ms != null)?.baseline.p95Ms ?? undefined;
  const kinds = ['pass', 'nogo', 'rollback'] as const;
  return {
    errorCanary: primary.map((t) => t?.canary.errorRatePct ?? null),
    errorBaseline: primary.map((t) => t?.baseline.errorRatePct ?? null),
    p95Canary: primary.map((t) => t?.canary.p95Ms ?? null),
    p95Baseline: primary.map((t) => t?.baseline.p95Ms ?? null),
    errorThresholds: kinds.map((kind) => ({
      kind,
      label: kind === 'nogo' ? 'no-go' : kind,
      value: bands[kind].errorRatePct,
    })),
    p95Thresholds:
      baselineP95 === undefined
        ? []
        : kinds.map((kind) => {
            const value = Math.round(baselineP95 * (1 + bands[kind].p95OverBaselinePct / 100));
            return { kind, label: kind === 'nogo' ? 'no-go' : kind, value };
          }),
    baselineP95,
  };
}

const BADGE: Record<Verdict, BadgeVerdict> = {
  PASS: 'pass',
  WATCH: 'watch',
  'NO-GO': 'nogo',
  ROLLBACK: 'rollback',
  INSUFFICIENT: 'insufficient',
  STALE: 'stale',
};

export function badgeVerdict(verdict: Verdict): BadgeVerdict {
  return BADGE[verdict];
}

/** Each sample's verdict with, for ROLLBACK, how far the streak toward an automatic rollback had got. */
export function sampleBadges(
  samples: readonly SampleState[],
  sustained: number,
): Array<{ verdict: BadgeVerdict; breaches?: { count: number; of: number }; at: number }> {
  return samples.map((sample, index) => {
    const verdict = badgeVerdict(sample.verdict);
    if (sample.verdict !== 'ROLLBACK') return { verdict, at: sample.at };
    const streak = rollbackStreak(samples.slice(0, index + 1).map((s) => s.verdict));
    return { verdict, breaches: { count: streak, of: sustained }, at: sample.at };
  });
}

/** Percent of requests on the canary in a snapshot read from AWS. */
/** Share of traffic on the new release, as read from AWS (100 once promoted). */
export function canaryPercentOf(split: TrafficSnapshot, target?: RollbackTargetRecord): number {
  return newReleasePercent(split, target);
}

export function formatPct(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${Number(value.toFixed(2))}%`;
}

export function formatMs(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${Math.round(value)}ms`;
}
