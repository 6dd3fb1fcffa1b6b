import type { CanaryMetrics, MetricSource } from '../runbook/canary-metrics-schema.js';
import type { ApiGatewayTarget, LambdaTarget } from '../runbook/schema.js';

/**
 * The one place that decides which CloudWatch series stand for a canary target's requests,
 * errors, throttles and latency, on the canary side and on the baseline side (issue 13.2).
 *
 * The target kind gives the defaults (what AWS publishes by itself); a target's `metrics:` block
 * replaces the errors, the latency or both with the team's own series. The conductor reads what
 * this returns (services/aws/metrics.ts) and the sandbox serves the same series (sandbox/world.ts),
 * so a rehearsal of any runbook has data for every metric it declares.
 */

export type Side = 'canary' | 'baseline';

/**
 * - requests: counted requests (the rate's denominator and the minRequests check);
 * - errors: failed requests, a count;
 * - errorPct: the error rate itself, in percent (one-metric `unit: Percent`);
 * - throttles: Lambda throttles;
 * - latency: milliseconds, compared with the baseline's.
 */
export type SeriesRole = 'requests' | 'errors' | 'errorPct' | 'throttles' | 'latency';

export interface TargetSeries {
  role: SeriesRole;
  namespace: string;
  metric: string;
  dimensions: Record<string, string>;
  stat: string;
  /** Declared by the runbook (the team's own metric), not published by AWS for the target kind. */
  declared: boolean;
}

/** What tells the canary from the baseline: a Lambda version, or an API Gateway stage name. */
export interface SideOf {
  side: Side;
  /** The Lambda version (canary or stable) or the Stage dimension value (canaryStage or stage). */
  value: string;
}

function declaredDimensions(
  block: CanaryMetrics,
  own: Record<string, string> | undefined,
  side: SideOf,
): Record<string, string> {
  const dims = {
    ...block.dimensions,
    ...own,
    ...(side.side === 'canary' ? block.canaryDimensions : block.baselineDimensions),
  };
  if (block.versionDimension) dims[block.versionDimension] = side.value;
  return dims;
}

function declared(
  role: SeriesRole,
  block: CanaryMetrics,
  source: MetricSource,
  side: SideOf,
  defaultStat: string,
): TargetSeries {
  return {
    role,
    namespace: source.namespace,
    metric: source.metric,
    dimensions: declaredDimensions(block, source.dimensions, side),
    stat: source.stat ?? defaultStat,
    declared: true,
  };
}

interface KindDefaults {
  namespace: string;
  dimensions: Record<string, string>;
  requests: string;
  errors: string;
  throttles?: string;
  latency: string;
}

/** The errors, requests and latency of one side: the block's where it declares them, else the kind's. */
function seriesOf(kind: KindDefaults, block: CanaryMetrics | undefined, side: SideOf): TargetSeries[] {
  const aws = (role: SeriesRole, metric: string, stat: string): TargetSeries => ({
    role,
    namespace: kind.namespace,
    metric,
    dimensions: kind.dimensions,
    stat,
    declared: false,
  });
  const series: TargetSeries[] = [];
  const errors = block?.errors;
  if (block && errors?.numerator && errors.denominator) {
    series.push(declared('requests', block, errors.denominator, side, 'Sum'));
    series.push(declared('errors', block, errors.numerator, side, 'Sum'));
  } else if (block && errors?.namespace && errors.metric) {
    const percent = errors.unit === 'Percent';
    series.push(aws('requests', kind.requests, 'Sum'));
    series.push(
      declared(
        percent ? 'errorPct' : 'errors',
        block,
        {
          namespace: errors.namespace,
          metric: errors.metric,
          dimensions: errors.dimensions,
          stat: errors.stat,
        },
        side,
        percent ? 'Average' : 'Sum',
      ),
    );
  } else {
    series.push(aws('requests', kind.requests, 'Sum'));
    series.push(aws('errors', kind.errors, 'Sum'));
  }
  if (kind.throttles) series.push(aws('throttles', kind.throttles, 'Sum'));
  series.push(
    block?.latency
      ? declared('latency', block, block.latency, side, 'p95')
      : aws('latency', kind.latency, 'p95'),
  );
  return series;
}

/** A Lambda alias's series for one side; `side.value` is the version (canary or stable). */
export function lambdaSeries(target: Pick<LambdaTarget, 'functionName' | 'alias' | 'metrics'>, side: SideOf) {
  return seriesOf(
    {
      namespace: 'AWS/Lambda',
      // The three dimensions AWS documents for comparing versions behind one weighted alias.
      dimensions: {
        FunctionName: target.functionName,
        Resource: `${target.functionName}:${target.alias}`,
        ExecutedVersion: side.value,
      },
      requests: 'Invocations',
      errors: 'Errors',
      throttles: 'Throttles',
      latency: 'Duration',
    },
    target.metrics,
    side,
  );
}

/** An API Gateway stage's series for one side; `side.value` is the Stage dimension (canaryStage or stage). */
export function apiGatewaySeries(target: Pick<ApiGatewayTarget, 'apiName' | 'metrics'>, side: SideOf) {
  return seriesOf(
    {
      namespace: 'AWS/ApiGateway',
      dimensions: { ApiName: target.apiName, Stage: side.value },
      requests: 'Count',
      errors: '5XXError',
      latency: 'Latency',
    },
    target.metrics,
    side,
  );
}

/** How the judge names the error figure and the latency statistic of a target. */
export function metricWords(metrics: CanaryMetrics | undefined): { errors: string; latency: string } {
  const errors = metrics?.errors;
  const errorName = errors?.numerator
    ? `${errors.numerator.metric}/${errors.denominator?.metric ?? '?'}`
    : errors?.metric;
  return {
    errors: errorName ? `${errorName} error rate` : 'Error rate',
    latency: metrics?.latency ? `${metrics.latency.metric} ${metrics.latency.stat ?? 'p95'}` : 'p95',
  };
}
