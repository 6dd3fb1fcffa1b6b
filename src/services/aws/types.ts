import type { MetricsResult } from '../../core/canary/judge.js';
import type { TrafficLambda, TrafficSnapshot } from '../../core/session/events.js';

/**
 * What the AWS adapters read and write beyond the core's own types (core/session/events.ts,
 * core/canary/judge.ts). Versions and deployment ids are strings exactly as AWS returns them;
 * weights are fractions (alias) or percents (stage) because that is how each service states them.
 */

/** One Lambda alias as read from AWS, with the RevisionId a routing update is guarded by. */
export interface LambdaSplit extends TrafficLambda {
  revisionId?: string;
}

/**
 * The live traffic split of every target of a canary step, as the adapters read it: each alias
 * keeps its RevisionId (the engine journals the split as it comes).
 */
export interface TrafficSplit extends TrafficSnapshot {
  lambdas: LambdaSplit[];
}

/** One metrics read and the window it covers. */
export interface MetricsSnapshot extends MetricsResult {
  start: number;
  end: number;
}
