import type { HeaderEnvironment } from '../components/Header.js';
import type { RailPhase } from '../components/PhaseRail.js';
import type { StatusBarProps } from '../components/StatusBar.js';
import { metricsStaleAfterMs } from '../core/canary/stage.js';
import { formatDuration } from '../core/runbook/duration.js';
import type { Promotion, Runbook } from '../core/runbook/schema.js';
import { currentStep, environmentOf, stepDefinition, stepEnvironment } from '../core/session/selectors.js';
import type { SessionState } from '../core/session/state.js';
import { canaryPercentOf } from './series.js';

/** The environment the keys act on now: the current step's, else the promotion's target. */
export function headerEnvironment(
  runbook: Runbook,
  promotion: Promotion,
  state: SessionState,
): HeaderEnvironment {
  const step = currentStep(state);
  const env = step ? stepEnvironment(runbook, promotion, step.id) : environmentOf(runbook, promotion.to);
  if (!env) return { name: promotion.to, account: 'unknown', region: '', production: false };
  return {
    name: env.title,
    account: state.identity[env.id]?.account ?? env.accountId,
    region: env.region,
    production: env.production,
  };
}

function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/** Done phases with how long they took, the current one with when it started. */
export function railPhases(state: SessionState): RailPhase[] {
  const failedPhase = state.steps.find((s) => s.status === 'failed')?.phaseId;
  return state.phases.map((phase) => {
    if (phase.status === 'done') {
      const took =
        phase.startedAt !== undefined && phase.endedAt !== undefined
          ? phase.endedAt - phase.startedAt
          : undefined;
      return {
        id: phase.id,
        title: phase.title,
        state: 'done',
        time: took !== undefined ? formatDuration(took) : undefined,
      };
    }
    if (phase.status === 'current') {
      return {
        id: phase.id,
        title: phase.title,
        state: phase.id === failedPhase || state.rollback !== undefined ? 'failed' : 'current',
        time: phase.startedAt !== undefined ? clockTime(phase.startedAt) : undefined,
      };
    }
    return { id: phase.id, title: phase.title, state: 'todo' };
  });
}

export interface StatusFacts {
  lastPollAt?: number;
  lastSavedAt?: number;
  /** How often the step polling now polls (pollPeriodOf); the poll age turns STALE by it. */
  pollPeriodMs?: number;
}

/** The poll period of the step that polls metrics now: the monitoring step once started, else the canary. */
export function pollPeriodOf(state: SessionState, promotion: Promotion): number | undefined {
  const stepId = state.canary?.monitor?.step ?? state.canary?.step;
  const def = stepId ? stepDefinition(promotion, stepId) : undefined;
  return def?.kind === 'canary' || def?.kind === 'monitor' ? def.period : undefined;
}

export function statusBarProps(state: SessionState, now: number, facts: StatusFacts): StatusBarProps {
  const split = state.lastSplit;
  return {
    traffic: split
      ? {
          stableVersion: state.meta.previousVersion ?? 'stable',
          canaryVersion: state.meta.version,
          canaryPercent: canaryPercentOf(split, state.rollbackTarget),
          readAgoMs: Math.max(0, now - split.readAt),
        }
      : undefined,
    noSplit: !split && !state.steps.some((step) => step.kind === 'canary'),
    lastPollAgoMs: facts.lastPollAt !== undefined ? Math.max(0, now - facts.lastPollAt) : undefined,
    pollStaleAfterMs: facts.pollPeriodMs !== undefined ? metricsStaleAfterMs(facts.pollPeriodMs) : undefined,
    journalSavedAgoMs: facts.lastSavedAt !== undefined ? Math.max(0, now - facts.lastSavedAt) : undefined,
  };
}
