/**
 * What the AWS adapters read and write, in the app's own terms. Versions and deployment ids
 * are strings exactly as AWS returns them; weights are fractions (alias) or percents (stage)
 * because that is how each service states them.
 */

/** One Lambda alias as read from AWS: the primary version and at most one weighted extra version. */
export interface LambdaSplit {
  functionName: string;
  alias: string;
  primaryVersion: string;
  additionalVersion?: string;
  /** Share of invocations that go to `additionalVersion`, 0..1 (0 when there is none). */
  additionalWeight: number;
  revisionId?: string;
}

/** One API Gateway stage as read from AWS. */
export interface StageSplit {
  restApiId: string;
  stage: string;
  deploymentId: string;
  canaryDeploymentId?: string;
  /** 0..100, 0 when the stage has no canary. */
  canaryPercent: number;
}

/** The live traffic split of every target of a canary step. */
export interface TrafficSplit {
  apiGateway?: StageSplit;
  lambdas: LambdaSplit[];
  /** Epoch ms (on the clients' clock) when this was read. */
  readAt: number;
}

/**
 * Where a rollback goes, recorded before any traffic moves so that a rollback after a resume
 * still knows the stable version and deployment.
 */
export interface RollbackTarget {
  apiGateway?: { restApiId: string; stage: string; deploymentId: string; canaryDeploymentId?: string };
  lambdas: Array<{ functionName: string; alias: string; stableVersion: string; canaryVersion: string }>;
}

/** The numbers the canary judge needs for one side (canary or baseline) over one window. */
export interface SeriesStats {
  requests: number;
  errors: number;
  /** 100 * errors / requests; null when there were no requests. */
  errorRatePct: number | null;
  /** Milliseconds; null when there was no data. */
  p95Ms: number | null;
  throttles: number;
}

export interface TargetSample {
  /** 'apigateway' or the Lambda function name. */
  targetId: string;
  label: string;
  canary: SeriesStats;
  baseline: SeriesStats;
  /** False when a series came back PartialData, or the newest period of the window has no data yet. */
  complete: boolean;
}

export interface MetricsSnapshot {
  start: number;
  end: number;
  targets: TargetSample[];
  extra: Array<{ id: string; value: number | null }>;
  /** GetMetricData calls made for this snapshot: 1 unless CloudWatch paged the answer. */
  calls: number;
}
