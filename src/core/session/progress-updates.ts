import { formatDuration } from '../runbook/duration.js';
import type { Promotion } from '../runbook/schema.js';
import type { ProgressMark, Verdict } from './events.js';
import { isJudged } from './progress-figures.js';
import { canaryStepOf } from './selectors.js';
import type { SampleState, SessionState } from './state.js';

/** What a promotion's runbook says about stakeholder progress updates; undefined: it sends none. */
export interface ProgressSettings {
  template: string;
  /** The interval of session time; undefined: updates go out on changes only. */
  everyMs?: number;
}

export function progressSettings(promotion: Promotion): ProgressSettings | undefined {
  const canary = canaryStepOf(promotion);
  if (!canary?.progressTemplate) return undefined;
  return { template: canary.progressTemplate, everyMs: canary.progressEvery };
}

/** A progress update due now: what to journal with it, and why it goes out, in words. */
export interface ProgressDue {
  mark: ProgressMark;
  /** The step it is sent for: the canary, or the monitor once monitoring started. */
  step: string;
  /** "stage 2 started", "verdict PASS -> WATCH", "every 15m". */
  why: string;
}

/** The part of the release updates are sent for: a canary stage, or the monitoring after promotion. */
interface Part {
  step: string;
  /** Canary stage index, or -1 for the monitoring. */
  stage: number;
  samples: readonly SampleState[];
  /** The interval counts from here: the canary's first shift, or the monitoring's start. */
  since: number;
}

function partOf(state: SessionState): Part | undefined {
  const canary = state.canary;
  if (state.status !== 'active' || state.rollback || !canary) return undefined;
  const running = (stepId: string) => state.steps.find((s) => s.id === stepId)?.status === 'running';
  const monitor = canary.monitor;
  if (monitor) {
    if (!running(monitor.step)) return undefined;
    return { step: monitor.step, stage: -1, samples: monitor.samples, since: monitor.startedAt };
  }
  const stage = canary.stages.at(-1);
  if (!stage || canary.promoted || !running(canary.step)) return undefined;
  return { step: canary.step, stage: stage.index, samples: stage.samples, since: canary.stages[0].startedAt };
}

function latestJudged(samples: readonly SampleState[]): Verdict | undefined {
  for (let i = samples.length - 1; i >= 0; i--) if (isJudged(samples[i].verdict)) return samples[i].verdict;
  return undefined;
}

/** The first moment of the interval after the last interval update of this part (from the journal). */
function nextIntervalAt(state: SessionState, part: Part, everyMs: number): number {
  const last = state.progress?.lastInterval;
  // The canary's stages share one grid; the monitoring starts its own.
  const samePart = last !== undefined && last.stage < 0 === part.stage < 0 && last.at >= part.since;
  if (!samePart) return part.since + everyMs;
  // Due times stay on the part's grid (since + k x every): a late update does not push the next back.
  return part.since + (Math.floor((last.at - part.since) / everyMs) + 1) * everyMs;
}

/**
 * Which stakeholder update is due now, if any, from the session's state alone (the journal keeps
 * every update sent, so a resumed session neither sends one again nor skips one). While the canary
 * runs and while monitoring after it, an update goes out:
 * - at the first judged verdict of each stage, and of the monitoring;
 * - at once when the judged verdict changes from the one last reported (PASS -> WATCH, ...);
 * - every `everyMs` of session time counted from the canary's first shift (the monitoring's start).
 * STALE and INSUFFICIENT samples change nothing: they only say data was missing.
 */
export function progressUpdateDue(
  state: SessionState,
  settings: ProgressSettings,
  now: number,
): ProgressDue | undefined {
  const part = partOf(state);
  if (!part) return undefined;
  const verdict = latestJudged(part.samples);
  const last = state.progress?.last;
  const name = part.stage < 0 ? 'monitoring' : `stage ${part.stage + 1}`;
  const due = (reason: ProgressMark['reason'], why: string): ProgressDue => ({
    mark: { reason, stage: part.stage, ...(verdict !== undefined && { verdict }) },
    step: part.step,
    why,
  });
  if (verdict !== undefined && (!last || last.stage !== part.stage))
    return due('stage', part.stage < 0 ? 'monitoring started' : `${name} started`);
  if (verdict !== undefined && last?.verdict !== verdict)
    return due(
      'verdict',
      last?.verdict === undefined ? `first verdict of ${name}` : `verdict ${last.verdict} -> ${verdict}`,
    );
  if (
    settings.everyMs !== undefined &&
    settings.everyMs > 0 &&
    now >= nextIntervalAt(state, part, settings.everyMs)
  )
    return due('interval', `every ${formatDuration(settings.everyMs)}`);
  return undefined;
}
