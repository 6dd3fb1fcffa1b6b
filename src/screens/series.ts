import type { ChartSection, ChartThreshold } from '../components/MetricChart.js';
import { p95Limit } from '../core/canary/judge.js';
import { rollbackCounts } from '../core/canary/stage.js';
import type { CanaryStep } from '../core/runbook/schema.js';
import type {
  RollbackTargetRecord,
  SampleTargetRecord,
  TrafficSnapshot,
  Verdict,
} from '../core/session/events.js';
import { newReleasePercent, stageWeight } from '../core/session/selectors.js';
import type { CanaryState, SampleState } from '../core/session/state.js';

/**
 * Chart series and threshold lines from samples. The charts follow one target (the API Gateway
 * stage by default: every request passes through it; `tab` picks another); the table under the
 * charts lists every target.
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

/** The charted target of a sample: the one asked for, else the first. */
export function chartedTarget(
  sample: SampleState | undefined,
  targetId?: string,
): SampleTargetRecord | undefined {
  return sample?.targets.find((t) => t.targetId === targetId) ?? sample?.targets[0];
}

/** The id of the target `tab` has moved the charts to: an index into the newest sample's targets. */
export function chartedTargetId(
  samples: readonly (SampleState | null)[],
  index: number | undefined,
): string | undefined {
  const newest = [...samples].reverse().find((s): s is SampleState => s !== null);
  const targets = newest?.targets ?? [];
  return targets.length > 0 ? targets[(index ?? 0) % targets.length].targetId : undefined;
}

/** The targets a chart can follow, in the order of the latest sample. */
export function chartTargets(samples: readonly SampleState[]): Array<{ id: string; label: string }> {
  return (samples.at(-1)?.targets ?? []).map((t) => ({ id: t.targetId, label: t.label }));
}

/**
 * The p95 the lines are drawn from: the one the verdict used, as journaled with the sample (a
 * runbook's fixed baseline, the stable version's, or the last good one); for a journal from before
 * that was recorded, the baseline measured in the same window.
 */
function limitsBaseP95(targets: ReadonlyArray<SampleTargetRecord | undefined>): number | undefined {
  for (let i = targets.length - 1; i >= 0; i--) {
    const t = targets[i];
    if (!t) continue;
    if (t.limitsBaseP95Ms !== undefined) {
      if (t.limitsBaseP95Ms !== null) return t.limitsBaseP95Ms;
      continue;
    }
    if (t.baseline.p95Ms != null) return t.baseline.p95Ms;
  }
  return undefined;
}

export function stageSeries(
  samples: readonly (SampleState | null)[],
  bands: CanaryStep['bands'],
  targetId?: string,
): StageSeries {
  const charted = samples.map((s) => (s ? chartedTarget(s, targetId) : undefined));
  const baselineP95 = limitsBaseP95(charted);
  const kinds = ['pass', 'nogo', 'rollback'] as const;
  return {
    errorCanary: charted.map((t) => t?.canary.errorRatePct ?? null),
    errorBaseline: charted.map((t) => t?.baseline.errorRatePct ?? null),
    p95Canary: charted.map((t) => t?.canary.p95Ms ?? null),
    p95Baseline: charted.map((t) => t?.baseline.p95Ms ?? null),
    errorThresholds: kinds.map((kind) => ({
      kind,
      label: kind === 'nogo' ? 'no-go' : kind,
      value: bands[kind].errorRatePct,
    })),
    p95Thresholds:
      baselineP95 === undefined
        ? []
        : kinds.map((kind) => ({
            kind,
            label: kind === 'nogo' ? 'no-go' : kind,
            value: Math.round(p95Limit(bands[kind], baselineP95)),
          })),
    baselineP95,
  };
}

/** The whole canary on one time axis: the samples of every stage so far, and the stages to come. */
export interface CanaryTimeline {
  /** One entry per slot; null where a slot has no sample yet. */
  samples: Array<SampleState | null>;
  slots: number;
  sections: ChartSection[];
}

/**
 * Lays the canary's stages end to end. A stage that has ended takes as many slots as it took
 * samples; the running one its hold (or more, if it ran over); the ones to come their planned hold.
 * So the history of the earlier stages stays on screen and the running stage fills from the left.
 */
export function canaryTimeline(def: CanaryStep, canary: CanaryState | undefined): CanaryTimeline {
  const started = canary?.stages ?? [];
  const running = started.at(-1);
  const slotsOf = (ms: number) => Math.max(1, Math.ceil(ms / def.period));
  const samples: Array<SampleState | null> = [];
  const sections: ChartSection[] = [];
  let slots = 0;
  def.stages.forEach((planned, index) => {
    const stage = [...started].reverse().find((s) => s.index === index);
    const current =
      stage !== undefined && stage === running && !canary?.promoted && stage.completedAt === undefined;
    sections.push({ from: slots, label: `${stage ? stageWeight(stage) : planned.weight}%`, current });
    if (!stage) {
      slots += slotsOf(planned.hold);
      return;
    }
    const length =
      stage.completedAt !== undefined
        ? Math.max(1, stage.samples.length)
        : Math.max(slotsOf(stage.holdMs + stage.extendedMs), stage.samples.length);
    if (stage === running) samples.push(...stage.samples);
    else samples.push(...stage.samples, ...Array(length - stage.samples.length).fill(null));
    slots += length;
  });
  return { samples, slots, sections };
}

/** Each sample's verdict with, for ROLLBACK, how far the streak toward an automatic rollback had got. */
export function sampleBadges(
  samples: readonly SampleState[],
  sustained: number,
): Array<{ verdict: Verdict; breaches?: { count: number; of: number }; at: number }> {
  const counts = rollbackCounts(
    samples.map((s) => s.verdict),
    sustained,
  );
  return samples.map((sample, index) => {
    const { verdict } = sample;
    const count = counts[index];
    if (count === undefined) return { verdict, at: sample.at };
    return { verdict, breaches: { count, of: sustained }, at: sample.at };
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
