import type { AwsCredentialIdentity } from '@smithy/types';
import type { CanaryStep, Environment } from '../core/runbook/schema.js';
import type { AwsPort } from '../engine/ports.js';
import { type AwsClients, createAwsClients, type RetryInfo } from '../services/aws/clients.js';
import { describeAwsError, isCredentialsError, isRetryableAwsError } from '../services/aws/errors.js';
import { callerIdentity } from '../services/aws/identity.js';
import { fetchMetrics } from '../services/aws/metrics.js';
import { ReadyRevert } from '../services/aws/signed-revert.js';
import {
  promote,
  readRollbackTarget,
  readTrafficSplit,
  rollback,
  setCanaryWeight,
} from '../services/aws/traffic.js';
import type { Clock } from '../services/clock.js';

export interface AwsPortOptions {
  env: Environment;
  canary: CanaryStep | undefined;
  clock: Clock;
  /** Endpoint override (the sandbox in a rehearsal). */
  endpoint?: string;
  credentials?: AwsCredentialIdentity;
  onRetry?: (info: RetryInfo) => void;
  requestTimeoutMs?: number;
}

/** The engine's AWS port for one environment, built on the real SDK clients. */
export function createAwsPort(options: AwsPortOptions): AwsPort & { clients: AwsClients } {
  const { env, canary } = options;
  const clients = createAwsClients({
    region: env.region,
    profile: options.credentials ? undefined : env.profile,
    endpoint: options.endpoint,
    credentials: options.credentials,
    onRetry: options.onRetry,
    now: () => options.clock.now(),
    clockSpeed: options.clock.speed,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  // The revert, signed ahead of the key while traffic is shifted (the engine arms it).
  const ready = new ReadyRevert(clients);
  const targets = (): CanaryStep['targets'] => {
    if (!canary) throw new Error(`the promotion to ${env.title} has no canary step with traffic targets`);
    return canary.targets;
  };
  return {
    clients,
    // Who the credentials are; the engine compares the account with the runbook's and journals it.
    verifyIdentity: (signal) => callerIdentity(clients.sts, signal),
    readRollbackTarget: (signal) => readRollbackTarget(clients, targets(), signal),
    readTrafficSplit: (target, signal) => readTrafficSplit(clients, target, signal),
    setCanaryWeight: (target, percent, signal) => setCanaryWeight(clients, target, percent, signal),
    promote: (target, signal) => promote(clients, target, signal),
    rollback: (target, { promoted, signal, once }) =>
      rollback(clients, target, { promoted, signal, once, signed: ready.take(target, promoted) }),
    readyRollback: (target, promoted) => ready.arm(target, promoted),
    fetchMetrics: async (target, request, signal) => {
      const snapshot = await fetchMetrics(
        clients.cloudwatch,
        {
          targets: targets(),
          rollbackTarget: target,
          // One datapoint over the whole window: CloudWatch computes the window's true p95, not
          // the highest of several noisy per-minute p95s.
          periodSec: Math.max(60, Math.round((request.end - request.start) / 60_000) * 60),
          extra: request.extra,
          start: request.start,
          end: request.end,
        },
        signal,
      );
      return { targets: snapshot.targets, extra: snapshot.extra, calls: snapshot.calls };
    },
    describeError: (error, operation) =>
      describeAwsError(error, { operation, envTitle: env.title, profile: env.profile }),
    isCredentialsError,
    isRetryable: isRetryableAwsError,
  };
}
