import { formatDuration } from '../runbook/duration.js';
import type { Variables } from '../runbook/interpolate.js';
import type { CanaryStep } from '../runbook/schema.js';
import type { Verdict } from './events.js';
import { currentStage, stageElapsed, stageTimeLeft } from './selectors.js';
import type { SampleState, SessionState } from './state.js';

/**
 * Verdicts that judge the release. A STALE or INSUFFICIENT sample says only that data was missing:
 * it neither changes what stakeholders are told nor hides the last real figures.
 */
const JUDGED: ReadonlySet<Verdict> = new Set<Verdict>(['PASS', 'WATCH', 'NO-GO', 'ROLLBACK']);

export function isJudged(verdict: Verdict): boolean {
  return JUDGED.has(verdict);
}

/** One sample's figures: for canary and baseline each, the highest of its targets (null: none measured). */
export interface SampleFigures {
  at: number;
  verdict: Verdict;
  errorRatePct: number | null;
  baselineErrorRatePct: number | null;
  p95Ms: number | null;
  baselineP95Ms: number | null;
}

function highest(values: Array<number | null>): number | null {
  let top: number | null = null;
  for (const value of values) if (value !== null && (top === null || value > top)) top = value;
  return top;
}

export function sampleFigures(sample: SampleState): SampleFigures {
  const t = sample.targets;
  return {
    at: sample.at,
    verdict: sample.verdict,
    errorRatePct: highest(t.map((x) => x.canary.errorRatePct)),
    baselineErrorRatePct: highest(t.map((x) => x.baseline.errorRatePct)),
    p95Ms: highest(t.map((x) => x.canary.p95Ms)),
    baselineP95Ms: highest(t.map((x) => x.baseline.p95Ms)),
  };
}

function hasFigures(sample: SampleState): boolean {
  return sample.targets.some((t) => t.canary.errorRatePct !== null || t.canary.p95Ms !== null);
}

/** Every sample of the canary's stages, then of the monitoring after it: oldest first. */
function allSamples(state: SessionState): SampleState[] {
  const canary = state.canary;
  if (!canary) return [];
  return [...canary.stages.flatMap((stage) => stage.samples), ...(canary.monitor?.samples ?? [])];
}

/**
 * The sample whose figures a message reports: the latest judged one, else (only STALE or
 * INSUFFICIENT so far) the latest that measured anything. Undefined before any.
 */
export function reportedSample(state: SessionState): SampleState | undefined {
  const samples = allSamples(state);
  for (let i = samples.length - 1; i >= 0; i--) if (isJudged(samples[i].verdict)) return samples[i];
  for (let i = samples.length - 1; i >= 0; i--) if (hasFigures(samples[i])) return samples[i];
  return undefined;
}

/** Where the release stands, for a stakeholder: the canary stage or the monitoring, and the clock of it. */
export interface ProgressFigures {
  /** "stage 2 of 4, 25% of traffic", "monitoring after promotion, 100% of traffic". */
  activity: string;
  /** 1-based; undefined before the first stage. */
  stage?: number;
  stageCount?: number;
  weight: number;
  sample?: SampleFigures;
  /** Counted hold time of the stage (or time monitored), and what is left of it. */
  inStageMs?: number;
  leftMs?: number;
  /** The hold is over and the stage waits for a person's decision. */
  awaitingDecision: boolean;
  paused: boolean;
  monitoring: boolean;
}

export function progressFigures(
  state: SessionState,
  canary: CanaryStep | undefined,
  now: number,
): ProgressFigures {
  const sampled = reportedSample(state);
  const sample = sampled ? sampleFigures(sampled) : undefined;
  const weight = state.recordedWeight;
  const stageCount = canary?.stages.length;
  const monitor = state.canary?.monitor;
  if (monitor) {
    const inStageMs = Math.max(0, now - monitor.startedAt);
    return {
      activity: `monitoring after promotion, ${weight}% of traffic`,
      stage: state.canary?.stages.length,
      stageCount,
      weight,
      sample,
      inStageMs,
      leftMs: Math.max(0, monitor.durationMs - inStageMs),
      awaitingDecision: false,
      paused: false,
      monitoring: true,
    };
  }
  const stage = currentStage(state);
  if (!stage)
    return {
      activity: 'canary not started',
      stageCount,
      weight,
      sample,
      awaitingDecision: false,
      paused: false,
      monitoring: false,
    };
  const of = stageCount === undefined ? '' : ` of ${stageCount}`;
  return {
    activity: state.canary?.promoted
      ? `promoted, ${weight}% of traffic`
      : `stage ${stage.index + 1}${of}, ${stage.weight}% of traffic`,
    stage: stage.index + 1,
    stageCount,
    weight,
    sample,
    inStageMs: stageElapsed(stage, now),
    leftMs: stageTimeLeft(stage, now),
    awaitingDecision: stage.decision !== undefined && stage.completedAt === undefined,
    paused: stage.pausedAt !== undefined,
    monitoring: false,
  };
}

const NONE = 'n/a';

function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? NONE : value.toFixed(2);
}

function millis(value: number | null | undefined): string {
  return value === null || value === undefined ? NONE : `${Math.round(value)}ms`;
}

function timeLeft(figures: ProgressFigures): string {
  if (figures.leftMs === undefined) return NONE;
  if (figures.awaitingDecision) return 'hold over, waiting for a decision';
  if (figures.leftMs <= 0) return figures.monitoring ? 'window over' : 'hold over';
  return `${formatDuration(figures.leftMs)}${figures.paused ? ' (paused)' : ''}`;
}

/**
 * The live figures as template values (docs/runbook-format.md, Variables): the one place they are
 * formatted, for progress updates and every other message alike.
 */
export function progressVariables(
  state: SessionState,
  canary: CanaryStep | undefined,
  now: number,
): Variables {
  const f = progressFigures(state, canary, now);
  return {
    activity: f.activity,
    stage: f.stage === undefined ? NONE : String(f.stage),
    stageCount: f.stageCount === undefined ? NONE : String(f.stageCount),
    weight: String(f.weight),
    verdict: f.sample?.verdict ?? 'no sample yet',
    errorRate: percent(f.sample?.errorRatePct),
    baselineErrorRate: percent(f.sample?.baselineErrorRatePct),
    p95: millis(f.sample?.p95Ms),
    baselineP95: millis(f.sample?.baselineP95Ms),
    timeInStage: f.inStageMs === undefined ? NONE : formatDuration(f.inStageMs),
    timeLeft: timeLeft(f),
  };
}
