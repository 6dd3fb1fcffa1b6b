import type { CommandStep, EvidenceRule, ExtraMetric, HttpStep, LoadStep } from '../core/runbook/schema.js';
import type {
  EvidenceRecord,
  RollbackTargetRecord,
  SeriesRecord,
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

export interface TargetMetrics {
  targetId: string;
  label: string;
  canary: SeriesRecord;
  baseline: SeriesRecord;
  complete: boolean;
}

export interface MetricsResult {
  targets: TargetMetrics[];
  extra: Array<{ id: string; value: number | null }>;
  calls: number;
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
  /** Must send its first request in the same tick it is called: it is the abort path. */
  rollback(
    target: RollbackTargetRecord,
    options: { promoted: boolean; signal?: AbortSignal },
  ): Promise<TrafficSnapshot>;
  fetchMetrics(
    target: RollbackTargetRecord,
    request: MetricsRequest,
    signal?: AbortSignal,
  ): Promise<MetricsResult>;
  describeError(error: unknown, operation: string): string;
  /** The error says the credentials are missing, invalid or expired (identity is checked again). */
  isCredentialsError?(error: unknown): boolean;
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
    },
  ): Promise<WorkOutcome>;
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
