import type { MetricsResult } from '../core/canary/judge.js';
import type { CommandStep, EvidenceRule, ExtraMetric, HttpStep, LoadStep } from '../core/runbook/schema.js';
import type {
  CommandGroupRecord,
  EvidenceRecord,
  OrphanState,
  RollbackTargetRecord,
  TrafficSnapshot,
} from '../core/session/events.js';

/**
 * What the engine needs from the outside world, as small interfaces. The CLI wires them to the
 * real services (AWS SDK clients, execa, http, autocannon, Slack); tests wire them to the same
 * services pointed at the sandbox.
 */

export interface MetricsRequest {
  start: number;
  end: number;
  periodMs: number;
  extra?: ExtraMetric[];
}

/** The AWS side of one environment: identity, traffic and metrics of the promotion's canary targets. */
export interface AwsPort {
  /**
   * Who the environment's credentials are (STS GetCallerIdentity). The engine compares the account
   * with the runbook's (core/gates/identity.ts) and journals the check either way.
   */
  verifyIdentity(signal?: AbortSignal): Promise<{ account: string; arn: string }>;
  readRollbackTarget(signal?: AbortSignal): Promise<RollbackTargetRecord>;
  readTrafficSplit(target: RollbackTargetRecord, signal?: AbortSignal): Promise<TrafficSnapshot>;
  setCanaryWeight(
    target: RollbackTargetRecord,
    percent: number,
    signal?: AbortSignal,
  ): Promise<TrafficSnapshot>;
  promote(target: RollbackTargetRecord, signal?: AbortSignal): Promise<TrafficSnapshot>;
  /**
   * Must send its first request in the same tick it is called: it is the abort path. With `once`,
   * one round of requests (each retried by the SDK) and its read-back: a failure is thrown for the
   * engine to try again on its own schedule (engine/rollback.ts); without it, passing failures are
   * retried here until the writes land.
   */
  rollback(
    target: RollbackTargetRecord,
    options: { promoted: boolean; signal?: AbortSignal; once?: boolean },
  ): Promise<TrafficSnapshot>;
  /**
   * Keep the revert of `target` ready for `rollback` (signed ahead of the key, refreshed in the
   * background) while traffic is shifted; `undefined` once there is nothing to revert. Never
   * throws, never waits: without it `rollback` works the same, a little later.
   */
  readyRollback?(target: RollbackTargetRecord | undefined, promoted: boolean): void;
  fetchMetrics(
    target: RollbackTargetRecord,
    request: MetricsRequest,
    signal?: AbortSignal,
  ): Promise<MetricsResult>;
  /** One sentence for a failed call; without `operation` the failed request's own is named. */
  describeError(error: unknown, operation?: string): string;
  /** The error says the credentials are missing, invalid or expired (identity is checked again). */
  isCredentialsError?(error: unknown): boolean;
  /** The error may pass by itself (throttling, a server fault, a timeout, a dropped connection). */
  isRetryable?(error: unknown): boolean;
}

export interface WorkOutcome {
  ok: boolean;
  detail: string;
  evidence: EvidenceRecord[];
  exitCode?: number | null;
  durationMs: number;
  logFile?: string;
}

/** Running the runbook's work: commands, http checks, load tests. */
export interface WorkPort {
  command(
    step: CommandStep,
    context: {
      env: Record<string, string>;
      logFile: string;
      signal: AbortSignal;
      onLine: (line: string) => void;
      /** Called as the command's process starts, before its output: the engine journals it. */
      onStarted?: (group: CommandGroupRecord) => void;
      /** Put in the command's environment (journaled before the spawn): findGroup looks for it. */
      marker?: string;
    },
  ): Promise<WorkOutcome>;
  /**
   * The command started with `marker` in its environment, if it runs here (its engine died before it
   * journaled the pid). Absent: a marker cannot be looked for ('unverifiable').
   */
  findGroup?(
    marker: string,
  ): { state: 'found'; group: CommandGroupRecord } | { state: 'gone' } | { state: 'unverifiable' };
  /**
   * A command group journaled by an earlier engine: still running here as the same process, or not.
   * Reads only. Absent: no group can be checked (each is taken as gone, its outcome unknown).
   */
  inspectGroup?(group: CommandGroupRecord): { state: OrphanState; runningForMs?: number };
  /** Stop such a group (SIGTERM, then SIGKILL): true once nothing of it runs. Only a group proved ours. */
  stopGroup?(group: CommandGroupRecord): Promise<boolean>;
  http(step: HttpStep, context: { signal: AbortSignal; production: boolean }): Promise<WorkOutcome>;
  load(step: LoadStep, context: { signal: AbortSignal }): Promise<WorkOutcome>;
}

export interface NotifyPort {
  /** Post a rendered message; undefined when no webhook is configured for the channel. */
  post(
    channelId: string,
    message: { channel: string; text: string },
  ): Promise<{ ok: boolean; attempts: number; error?: string } | undefined>;
}

export type { EvidenceRule };
