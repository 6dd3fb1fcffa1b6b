import { GetMetricDataCommand, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { canaryMetricsSchema } from '../../../src/core/runbook/canary-metrics-schema.js';
import type { ExtraMetric } from '../../../src/core/runbook/schema.js';
import { buildMetricQueries, fetchMetrics } from '../../../src/services/aws/metrics.js';
import { canaryTargets, offlineClients, recordedTarget, serviceError } from './fixtures.js';

const clients = offlineClients();
const cloudwatch = mockClient(clients.cloudwatch);
afterEach(() => cloudwatch.reset());

const replication: ExtraMetric = {
  id: 'ddb-replication',
  title: 'DynamoDB replication latency',
  namespace: 'AWS/DynamoDB',
  metric: 'ReplicationLatency',
  dimensions: { TableName: 'orders', ReceivingRegion: 'eu-west-1' },
  stat: 'Maximum',
};
const input = { targets: canaryTargets, rollbackTarget: recordedTarget, periodSec: 60, extra: [replication] };
const minute = 60_000;
const start = 1_700_000_040_000; // a whole minute
const end = start + 3 * minute;

function series(id: string, values: number[], status = 'Complete', firstAt = start): MetricDataResult {
  return {
    Id: id,
    Timestamps: values.map((_, index) => new Date(firstAt + index * minute)),
    Values: values,
    StatusCode: status as MetricDataResult['StatusCode'],
  };
}

describe('buildMetricQueries', () => {
  const queries = buildMetricQueries(input);

  it('asks for every series of a poll in one list, with ids CloudWatch accepts', () => {
    // API Gateway 2 sides x 3, two Lambdas x 2 versions x 4, one extra.
    expect(queries).toHaveLength(6 + 16 + 1);
    const ids = queries.map((query) => query.Id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
    expect(queries.every((query) => query.MetricStat?.Period === 60)).toBe(true);
  });

  it('reads each Lambda version behind the alias by FunctionName, Resource and ExecutedVersion', () => {
    const canaryDuration = queries.find((query) => query.Id === 'l0c_p95');
    expect(canaryDuration?.MetricStat).toEqual({
      Metric: {
        Namespace: 'AWS/Lambda',
        MetricName: 'Duration',
        Dimensions: [
          { Name: 'FunctionName', Value: 'bbws-orders' },
          { Name: 'Resource', Value: 'bbws-orders:live' },
          { Name: 'ExecutedVersion', Value: '42' },
        ],
      },
      Period: 60,
      Stat: 'p95',
    });
    const stable = queries.filter((query) => query.Id?.startsWith('l1s_'));
    expect(stable.map((query) => [query.MetricStat?.Metric?.MetricName, query.MetricStat?.Stat])).toEqual([
      ['Invocations', 'Sum'],
      ['Errors', 'Sum'],
      ['Throttles', 'Sum'],
      ['Duration', 'p95'],
    ]);
    expect(stable[0].MetricStat?.Metric?.Dimensions).toContainEqual({ Name: 'ExecutedVersion', Value: '6' });
  });

  it('reads the stage and its canary stage by ApiName and Stage', () => {
    const api = queries.filter((query) => query.MetricStat?.Metric?.Namespace === 'AWS/ApiGateway');
    expect(
      api.map((query) => [
        query.Id,
        query.MetricStat?.Metric?.MetricName,
        query.MetricStat?.Stat,
        query.MetricStat?.Metric?.Dimensions,
      ]),
    ).toEqual([
      [
        'ac_count',
        'Count',
        'Sum',
        [
          { Name: 'ApiName', Value: 'bbws-api' },
          { Name: 'Stage', Value: 'prod/Canary' },
        ],
      ],
      [
        'ac_5xx',
        '5XXError',
        'Sum',
        [
          { Name: 'ApiName', Value: 'bbws-api' },
          { Name: 'Stage', Value: 'prod/Canary' },
        ],
      ],
      [
        'ac_p95',
        'Latency',
        'p95',
        [
          { Name: 'ApiName', Value: 'bbws-api' },
          { Name: 'Stage', Value: 'prod/Canary' },
        ],
      ],
      [
        'as_count',
        'Count',
        'Sum',
        [
          { Name: 'ApiName', Value: 'bbws-api' },
          { Name: 'Stage', Value: 'prod' },
        ],
      ],
      [
        'as_5xx',
        '5XXError',
        'Sum',
        [
          { Name: 'ApiName', Value: 'bbws-api' },
          { Name: 'Stage', Value: 'prod' },
        ],
      ],
      [
        'as_p95',
        'Latency',
        'p95',
        [
          { Name: 'ApiName', Value: 'bbws-api' },
          { Name: 'Stage', Value: 'prod' },
        ],
      ],
    ]);
  });

  it('adds the runbook extra metrics with their own statistic', () => {
    expect(queries.at(-1)).toEqual({
      Id: 'x0',
      Label: 'DynamoDB replication latency',
      MetricStat: {
        Metric: {
          Namespace: 'AWS/DynamoDB',
          MetricName: 'ReplicationLatency',
          Dimensions: [
            { Name: 'TableName', Value: 'orders' },
            { Name: 'ReceivingRegion', Value: 'eu-west-1' },
          ],
        },
        Period: 60,
        Stat: 'Maximum',
      },
      ReturnData: true,
    });
  });
});

describe('fetchMetrics', () => {
  it('fetches the window in one call and sums counts, takes the highest p95, flags nothing missing', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        series('ac_count', [100, 100, 100]),
        series('ac_5xx', [1, 5, 3]),
        series('ac_p95', [120, 180, 150]),
        series('as_count', [900, 900, 900]),
        series('as_5xx', [2, 2, 5]),
        series('as_p95', [100, 110, 105]),
        series('l0c_inv', [50, 50]),
        series('l0c_err', []),
        series('x0', [800, 1900, 1200]),
      ],
    });

    const snapshot = await fetchMetrics(clients.cloudwatch, { ...input, start, end });

    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(1);
    const sent = cloudwatch.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect(sent.StartTime).toEqual(new Date(start));
    expect(sent.EndTime).toEqual(new Date(end));
    expect(sent.MetricDataQueries).toEqual(buildMetricQueries(input));
    expect(snapshot.calls).toBe(1);

    const api = snapshot.targets.find((target) => target.targetId === 'apigateway')!;
    expect(api.label).toBe('bbws-api prod');
    expect(api.canary).toEqual({ requests: 300, errors: 9, errorRatePct: 3, p95Ms: 180, throttles: 0 });
    expect(api.baseline).toEqual({
      requests: 2700,
      errors: 9,
      errorRatePct: (100 * 9) / 2700,
      p95Ms: 110,
      throttles: 0,
    });
    expect(api.complete).toBe(true);

    const orders = snapshot.targets.find((target) => target.targetId === 'bbws-orders')!;
    expect(orders.canary).toEqual({ requests: 100, errors: 0, errorRatePct: 0, p95Ms: null, throttles: 0 });
    // No datapoint in the newest minute yet.
    expect(orders.complete).toBe(false);
    const auth = snapshot.targets.find((target) => target.targetId === 'bbws-auth')!;
    expect(auth.baseline).toEqual({ requests: 0, errors: 0, errorRatePct: null, p95Ms: null, throttles: 0 });

    expect(snapshot.extra).toEqual([{ id: 'ddb-replication', value: 1900 }]);
  });

  it('follows NextToken and merges the pages of each series', async () => {
    cloudwatch
      .on(GetMetricDataCommand, { NextToken: undefined })
      .resolves({
        MetricDataResults: [series('as_count', [900], 'PartialData'), series('as_5xx', [3], 'PartialData')],
        NextToken: 'more',
      })
      .on(GetMetricDataCommand, { NextToken: 'more' })
      .resolves({
        MetricDataResults: [
          series('as_count', [900, 900], 'Complete', start + minute),
          series('as_5xx', [4, 2], 'Complete', start + minute),
        ],
      });

    const snapshot = await fetchMetrics(clients.cloudwatch, { ...input, start, end });

    expect(snapshot.calls).toBe(2);
    const api = snapshot.targets.find((target) => target.targetId === 'apigateway')!;
    expect(api.baseline.requests).toBe(2700);
    expect(api.baseline.errors).toBe(9);
    expect(api.complete).toBe(true);
  });

  it('flags a series CloudWatch still calls PartialData', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        series('as_count', [900, 900, 900]),
        series('as_p95', [100, 100, 100], 'PartialData'),
      ],
    });
    const snapshot = await fetchMetrics(clients.cloudwatch, { ...input, start, end });
    expect(snapshot.targets.find((target) => target.targetId === 'apigateway')!.complete).toBe(false);
  });

  it('flags a window whose newest period has not ended yet', async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .resolves({ MetricDataResults: [series('as_count', [900, 900, 900])] });
    const running = await fetchMetrics(clients.cloudwatch, { ...input, start, end, now: end - 1 });
    expect(running.targets[0].complete).toBe(false);
    const ended = await fetchMetrics(clients.cloudwatch, { ...input, start, end, now: end });
    expect(ended.targets[0].complete).toBe(true);
  });

  it('returns nulls, not zeros, when there is no data at all', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const snapshot = await fetchMetrics(clients.cloudwatch, { ...input, start, end });
    for (const target of snapshot.targets) {
      expect(target.canary.errorRatePct).toBeNull();
      expect(target.canary.p95Ms).toBeNull();
      expect(target.complete).toBe(false);
    }
    expect(snapshot.extra).toEqual([{ id: 'ddb-replication', value: null }]);
  });

  it('turns a throttled poll into one sentence', async () => {
    const throttled = Object.assign(serviceError('Throttling', 400, 'Rate exceeded', 5), {
      Code: 'Throttling',
    });
    cloudwatch.on(GetMetricDataCommand).rejects(throttled);
    await expect(fetchMetrics(clients.cloudwatch, { ...input, start, end })).rejects.toThrow(
      'AWS throttled CloudWatch GetMetricData (5 attempts); wait a minute and try again, or ask for a higher quota.',
    );
  });

  it('passes the abort signal to the call', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const controller = new AbortController();
    await fetchMetrics(clients.cloudwatch, { ...input, start, end }, controller.signal);
    expect((cloudwatch.send.firstCall.args as unknown[])[1]).toEqual({ abortSignal: controller.signal });
  });
});

describe('a target with its own metrics (issue 13.2)', () => {
  const ordersMetrics = canaryMetricsSchema.parse({
    dimensions: { Service: 'orders' },
    versionDimension: 'FunctionVersion',
    errors: {
      numerator: { namespace: 'Shop/Orders', metric: 'OrdersFailed' },
      denominator: { namespace: 'Shop/Orders', metric: 'OrdersPlaced' },
    },
    latency: { namespace: 'Shop/Orders', metric: 'CheckoutTime', stat: 'p90' },
  });
  const apiMetrics = canaryMetricsSchema.parse({
    versionDimension: 'Stage',
    dimensions: { ApiName: 'bbws-api' },
    errors: { namespace: 'Shop/Api', metric: 'ErrorRate', unit: 'Percent' },
  });
  const declared = {
    ...input,
    extra: [],
    targets: {
      apiGateway: { ...canaryTargets.apiGateway!, metrics: apiMetrics },
      lambdas: [{ ...canaryTargets.lambdas[0], metrics: ordersMetrics }],
    },
  };

  it('asks for the declared series of each side, with the side’s version or stage', () => {
    const queries = buildMetricQueries(declared);
    const brief = queries.map((q) => [
      q.Id,
      q.Label,
      `${q.MetricStat?.Metric?.Namespace} ${q.MetricStat?.Metric?.MetricName}`,
      q.MetricStat?.Stat,
    ]);
    expect(brief.filter(([id]) => id?.startsWith('l0c_'))).toEqual([
      ['l0c_inv', 'bbws-orders v42 OrdersPlaced', 'Shop/Orders OrdersPlaced', 'Sum'],
      ['l0c_err', 'bbws-orders v42 OrdersFailed', 'Shop/Orders OrdersFailed', 'Sum'],
      ['l0c_thr', 'bbws-orders v42 throttles', 'AWS/Lambda Throttles', 'Sum'],
      ['l0c_p95', 'bbws-orders v42 CheckoutTime p90', 'Shop/Orders CheckoutTime', 'p90'],
    ]);
    const stableFailed = queries.find((q) => q.Id === 'l0s_err');
    expect(stableFailed?.MetricStat?.Metric?.Dimensions).toEqual([
      { Name: 'Service', Value: 'orders' },
      { Name: 'FunctionVersion', Value: '41' },
    ]);
    expect(brief.filter(([id]) => id?.startsWith('ac_'))).toEqual([
      ['ac_count', 'prod/Canary requests', 'AWS/ApiGateway Count', 'Sum'],
      ['ac_errpct', 'prod/Canary ErrorRate', 'Shop/Api ErrorRate', 'Average'],
      ['ac_p95', 'prod/Canary latency p95', 'AWS/ApiGateway Latency', 'p95'],
    ]);
    const ids = queries.map((q) => q.Id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('turns the declared series into the same sample: a ratio of counts, a rate weighed by requests', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        series('l0c_inv', [100, 300, 100]),
        series('l0c_err', [1, 9, 2]),
        series('l0c_p95', [150, 170, 160]),
        series('l0s_inv', [900, 900, 900]),
        series('l0s_err', [1, 0, 2]),
        // API: 1% of 100 requests, then 5% of 300: 16 of 400, 4%.
        series('ac_count', [100, 300]),
        series('ac_errpct', [1, 5]),
        series('as_count', [900, 900]),
      ],
    });
    const snapshot = await fetchMetrics(clients.cloudwatch, { ...declared, start, end });
    const orders = snapshot.targets.find((t) => t.targetId === 'bbws-orders')!;
    expect(orders.canary).toEqual({ requests: 500, errors: 12, errorRatePct: 2.4, p95Ms: 170, throttles: 0 });
    expect(orders.baseline.errorRatePct).toBeCloseTo(100 / 900);
    const api = snapshot.targets.find((t) => t.targetId === 'apigateway')!;
    expect(api.canary.requests).toBe(400);
    expect(api.canary.errorRatePct).toBeCloseTo(4);
    expect(api.canary.errors).toBeCloseTo(16);
    // The stable stage reported requests but no rate: no rate, not a rate of 0.
    expect(api.baseline.requests).toBe(1800);
    expect(api.baseline.errorRatePct).toBeNull();
  });
});
