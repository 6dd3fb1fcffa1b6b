import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import type { TargetSample } from '../../core/canary/judge.js';
import {
  apiGatewaySeries,
  lambdaSeries,
  type SeriesRole,
  type Side,
  type TargetSeries,
} from '../../core/canary/target-metrics.js';
import type { SeriesStats } from '../../core/canary/verdict.js';
import type { CanaryStep, ExtraMetric } from '../../core/runbook/schema.js';
import type { RollbackTargetRecord } from '../../core/session/events.js';
import { callAws } from './errors.js';
import type { MetricsSnapshot } from './types.js';

/**
 * The canary's numbers, every series of one poll in ONE GetMetricData call: Lambda per version
 * behind the alias (ExecutedVersion) and the API Gateway stage against its canary stage, or the
 * series a target's `metrics:` block declares instead (core/canary/target-metrics.ts decides which).
 *
 * How a window becomes one sample: counts are summed over the window; p95 is the HIGHEST
 * per-period p95 in the window. Per-period percentiles cannot be merged exactly, and the
 * highest is the conservative choice: a latency regression in any minute of the window shows.
 * A declared error rate (unit Percent) is weighed by each period's requests.
 */

export interface MetricQueryInput {
  targets: CanaryStep['targets'];
  rollbackTarget: RollbackTargetRecord;
  /** Seconds per datapoint; a multiple of 60 for standard-resolution metrics. */
  periodSec: number;
  extra?: ExtraMetric[];
}

type Measure = SeriesRole;

interface SeriesPlan {
  id: string;
  targetId: string;
  side: Side;
  measure: Measure;
}

interface TargetPlan {
  targetId: string;
  label: string;
}

interface MetricPlan {
  queries: MetricDataQuery[];
  series: SeriesPlan[];
  targets: TargetPlan[];
  extra: Array<{ queryId: string; id: string; stat: string }>;
}

function dimensions(entries: Record<string, string>) {
  return Object.entries(entries).map(([Name, Value]) => ({ Name, Value }));
}

/** Query id suffixes and label words by role; the AWS defaults keep the ids they always had. */
const LAMBDA_WORDS: Record<Measure, [string, string]> = {
  requests: ['inv', 'invocations'],
  errors: ['err', 'errors'],
  errorPct: ['errpct', 'error rate'],
  throttles: ['thr', 'throttles'],
  latency: ['p95', 'duration'],
};
const API_WORDS: Record<Measure, [string, string]> = {
  requests: ['count', 'requests'],
  errors: ['5xx', '5xx'],
  errorPct: ['errpct', 'error rate'],
  throttles: ['thr', 'throttles'],
  latency: ['p95', 'latency'],
};

function planMetricQueries(input: MetricQueryInput): MetricPlan {
  const queries: MetricDataQuery[] = [];
  const series: SeriesPlan[] = [];
  const targets: TargetPlan[] = [];
  const period = input.periodSec;

  const addSide = (
    targetId: string,
    side: Side,
    prefix: string,
    name: string,
    planned: TargetSeries[],
    words: Record<Measure, [string, string]>,
  ) => {
    for (const one of planned) {
      const [suffix, word] = words[one.role];
      const id = `${prefix}_${suffix}`;
      series.push({ id, targetId, side, measure: one.role });
      const what = one.declared ? one.metric : word;
      queries.push({
        Id: id,
        Label: `${name} ${what}${one.role === 'latency' ? ` ${one.stat}` : ''}`,
        MetricStat: {
          Metric: {
            Namespace: one.namespace,
            MetricName: one.metric,
            Dimensions: dimensions(one.dimensions),
          },
          Period: period,
          Stat: one.stat,
        },
        ReturnData: true,
      });
    }
  };

  const api = input.targets.apiGateway;
  if (api) {
    const targetId = 'apigateway';
    targets.push({ targetId, label: `${api.apiName} ${api.stage}` });
    const sides: Array<[Side, string, string]> = [
      ['canary', 'ac', api.canaryStage],
      ['baseline', 'as', api.stage],
    ];
    for (const [side, prefix, stage] of sides) {
      addSide(targetId, side, prefix, stage, apiGatewaySeries(api, { side, value: stage }), API_WORDS);
    }
  }

  input.targets.lambdas.forEach((target, index) => {
    const recorded = input.rollbackTarget.lambdas.find(
      (entry) => entry.functionName === target.functionName && entry.alias === target.alias,
    );
    if (!recorded) return;
    const targetId = target.functionName;
    targets.push({ targetId, label: `${target.functionName}:${target.alias}` });
    const sides: Array<[Side, string, string]> = [
      ['canary', `l${index}c`, recorded.canaryVersion],
      ['baseline', `l${index}s`, recorded.stableVersion],
    ];
    for (const [side, prefix, version] of sides) {
      const name = `${target.functionName} v${version}`;
      addSide(targetId, side, prefix, name, lambdaSeries(target, { side, value: version }), LAMBDA_WORDS);
    }
  });

  const extra = (input.extra ?? []).map((metric, index) => {
    const queryId = `x${index}`;
    queries.push({
      Id: queryId,
      Label: metric.title,
      MetricStat: {
        Metric: {
          Namespace: metric.namespace,
          MetricName: metric.metric,
          Dimensions: dimensions(metric.dimensions),
        },
        Period: period,
        Stat: metric.stat,
      },
      ReturnData: true,
    });
    return { queryId, id: metric.id, stat: metric.stat };
  });

  return { queries, series, targets, extra };
}

/** Every query of one poll, in one list (GetMetricData takes up to 500). Pure. */
export function buildMetricQueries(input: MetricQueryInput): MetricDataQuery[] {
  return planMetricQueries(input).queries;
}

interface MergedSeries {
  points: Array<{ at: number; value: number }>;
  status: string;
}

const maxPages = 20;

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/**
 * A window's error rate from per-period rates (percent): each period weighs by its requests, so
 * the window's rate is errors over requests as with counts; without request counts, the mean.
 * Undefined when the target declares no rate metric.
 */
function errorRateOf(
  rates: Array<{ at: number; value: number }>,
  requests: Array<{ at: number; value: number }>,
): number | undefined {
  if (rates.length === 0) return undefined;
  const requestsAt = new Map<number, number>();
  for (const point of requests) requestsAt.set(point.at, (requestsAt.get(point.at) ?? 0) + point.value);
  const weights = rates.map((point) => requestsAt.get(point.at) ?? 0);
  const total = sum(weights);
  if (total === 0) return sum(rates.map((point) => point.value)) / rates.length;
  return sum(rates.map((point, index) => point.value * weights[index])) / total;
}

/** How an extra metric's datapoints become one number for the window, by its statistic. */
function aggregate(stat: string, values: number[]): number | null {
  if (values.length === 0) return null;
  if (stat === 'Sum' || stat === 'SampleCount') return sum(values);
  if (stat === 'Minimum') return Math.min(...values);
  return Math.max(...values);
}

/**
 * Fetches one window [start, end) (epoch ms) of every series in ONE GetMetricData call,
 * following NextToken if CloudWatch pages the answer.
 */
export async function fetchMetrics(
  cloudwatch: CloudWatchClient,
  input: MetricQueryInput & {
    start: number;
    end: number;
    /** The clock's now: a window whose newest period has not ended yet is incomplete. */
    now?: number;
  },
  signal?: AbortSignal,
): Promise<MetricsSnapshot> {
  const plan = planMetricQueries(input);
  const merged = new Map<string, MergedSeries>();
  let calls = 0;
  let nextToken: string | undefined;
  do {
    const token = nextToken;
    const page = await callAws('cloudwatch', 'GetMetricData', () =>
      cloudwatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: plan.queries,
          StartTime: new Date(input.start),
          EndTime: new Date(input.end),
          ScanBy: 'TimestampAscending',
          NextToken: token,
        }),
        { abortSignal: signal },
      ),
    );
    calls++;
    for (const result of page.MetricDataResults ?? []) mergeResult(merged, result);
    nextToken = page.NextToken;
  } while (nextToken && calls < maxPages);

  const periodMs = input.periodSec * 1000;
  const alignedStart = Math.floor(input.start / 60_000) * 60_000;
  const newestPeriod = alignedStart + Math.floor((input.end - 1 - alignedStart) / periodMs) * periodMs;
  const newestStillRunning = input.now !== undefined && newestPeriod + periodMs > input.now;

  const stats = (targetId: string, side: Side): SeriesStats => {
    const planned = (measure: Measure) =>
      plan.series.find((s) => s.targetId === targetId && s.side === side && s.measure === measure);
    const points = (measure: Measure) => {
      const entry = planned(measure);
      return entry ? (merged.get(entry.id)?.points ?? []) : [];
    };
    const values = (measure: Measure) => points(measure).map((point) => point.value);
    const requests = sum(values('requests'));
    const rate = errorRateOf(points('errorPct'), points('requests'));
    // A declared error rate (unit Percent) gives the errors as its share of the requests.
    const errors = rate === undefined ? sum(values('errors')) : (rate * requests) / 100;
    const latency = values('latency');
    // A declared rate CloudWatch did not report says nothing: no rate, not a rate of 0.
    const rateMissing = planned('errorPct') !== undefined && rate === undefined;
    return {
      requests,
      errors,
      errorRatePct: requests > 0 && !rateMissing ? (100 * errors) / requests : null,
      p95Ms: latency.length > 0 ? Math.max(...latency) : null,
      throttles: sum(values('throttles')),
    };
  };

  const targets: TargetSample[] = plan.targets.map((target) => {
    const own = plan.series.filter((s) => s.targetId === target.targetId);
    const allComplete = own.every((s) => (merged.get(s.id)?.status ?? 'Complete') === 'Complete');
    const newestSeen = own
      .filter((s) => s.measure === 'requests')
      .some((s) => merged.get(s.id)?.points.some((point) => point.at === newestPeriod));
    return {
      targetId: target.targetId,
      label: target.label,
      canary: stats(target.targetId, 'canary'),
      baseline: stats(target.targetId, 'baseline'),
      complete: allComplete && newestSeen && !newestStillRunning,
    };
  });

  const extra = plan.extra.map((metric) => ({
    id: metric.id,
    value: aggregate(metric.stat, merged.get(metric.queryId)?.points.map((point) => point.value) ?? []),
  }));

  return { start: input.start, end: input.end, targets, extra, calls };
}

function mergeResult(merged: Map<string, MergedSeries>, result: MetricDataResult): void {
  if (!result.Id) return;
  const entry = merged.get(result.Id) ?? { points: [], status: 'Complete' };
  const timestamps = result.Timestamps ?? [];
  const values = result.Values ?? [];
  timestamps.forEach((timestamp, index) => {
    const value = values[index];
    if (value !== undefined && Number.isFinite(value)) entry.points.push({ at: timestamp.getTime(), value });
  });
  // Each page states the series' status so far; the last page's word is the final one.
  entry.status = result.StatusCode ?? entry.status;
  merged.set(result.Id, entry);
}
