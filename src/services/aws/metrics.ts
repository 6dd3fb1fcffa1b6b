import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import type { CanaryStep, ExtraMetric } from '../../core/runbook/schema.js';
import { callAws } from './errors.js';
import type { MetricsSnapshot, RollbackTarget, SeriesStats, TargetSample } from './types.js';

/**
 * The canary's numbers, every series of one poll in ONE GetMetricData call: Lambda per version
 * behind the alias (ExecutedVersion) and the API Gateway stage against its canary stage.
 *
 * How a window becomes one sample: counts are summed over the window; p95 is the HIGHEST
 * per-period p95 in the window. Per-period percentiles cannot be merged exactly, and the
 * highest is the conservative choice: a latency regression in any minute of the window shows.
 */

export interface MetricQueryInput {
  targets: CanaryStep['targets'];
  rollbackTarget: RollbackTarget;
  /** Seconds per datapoint; a multiple of 60 for standard-resolution metrics. */
  periodSec: number;
  extra?: ExtraMetric[];
}

type Side = 'canary' | 'baseline';
type Measure = 'requests' | 'errors' | 'throttles' | 'p95';

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

function planMetricQueries(input: MetricQueryInput): MetricPlan {
  const queries: MetricDataQuery[] = [];
  const series: SeriesPlan[] = [];
  const targets: TargetPlan[] = [];
  const period = input.periodSec;

  const add = (
    plan: Omit<SeriesPlan, 'id'> & { id: string },
    namespace: string,
    metric: string,
    dims: Record<string, string>,
    stat: string,
    label: string,
  ) => {
    series.push(plan);
    queries.push({
      Id: plan.id,
      Label: label,
      MetricStat: {
        Metric: { Namespace: namespace, MetricName: metric, Dimensions: dimensions(dims) },
        Period: period,
        Stat: stat,
      },
      ReturnData: true,
    });
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
      const dims = { ApiName: api.apiName, Stage: stage };
      add(
        { id: `${prefix}_count`, targetId, side, measure: 'requests' },
        'AWS/ApiGateway',
        'Count',
        dims,
        'Sum',
        `${stage} requests`,
      );
      add(
        { id: `${prefix}_5xx`, targetId, side, measure: 'errors' },
        'AWS/ApiGateway',
        '5XXError',
        dims,
        'Sum',
        `${stage} 5xx`,
      );
      add(
        { id: `${prefix}_p95`, targetId, side, measure: 'p95' },
        'AWS/ApiGateway',
        'Latency',
        dims,
        'p95',
        `${stage} latency p95`,
      );
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
      // The three dimensions AWS documents for comparing versions behind one weighted alias.
      const dims = {
        FunctionName: target.functionName,
        Resource: `${target.functionName}:${target.alias}`,
        ExecutedVersion: version,
      };
      const name = `${target.functionName} v${version}`;
      add(
        { id: `${prefix}_inv`, targetId, side, measure: 'requests' },
        'AWS/Lambda',
        'Invocations',
        dims,
        'Sum',
        `${name} invocations`,
      );
      add(
        { id: `${prefix}_err`, targetId, side, measure: 'errors' },
        'AWS/Lambda',
        'Errors',
        dims,
        'Sum',
        `${name} errors`,
      );
      add(
        { id: `${prefix}_thr`, targetId, side, measure: 'throttles' },
        'AWS/Lambda',
        'Throttles',
        dims,
        'Sum',
        `${name} throttles`,
      );
      add(
        { id: `${prefix}_p95`, targetId, side, measure: 'p95' },
        'AWS/Lambda',
        'Duration',
        dims,
        'p95',
        `${name} duration p95`,
      );
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
    const values = (measure: Measure) => {
      const entry = plan.series.find(
        (s) => s.targetId === targetId && s.side === side && s.measure === measure,
      );
      return entry ? (merged.get(entry.id)?.points.map((point) => point.value) ?? []) : [];
    };
    const requests = sum(values('requests'));
    const errors = sum(values('errors'));
    const p95 = values('p95');
    return {
      requests,
      errors,
      errorRatePct: requests > 0 ? (100 * errors) / requests : null,
      p95Ms: p95.length > 0 ? Math.max(...p95) : null,
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
