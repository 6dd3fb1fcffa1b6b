import {
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type GetMetricDataCommandOutput,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  type MetricDataQuery,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { findScenario } from '../../src/sandbox/scenarios.js';
import type { Clock } from '../../src/services/clock.js';
import { type Clients, FIXTURE, minuteStart, startTestSandbox } from './helpers.js';

const HEALTHY_RPM = findScenario('healthy')!.requestsPerMinute;

let sandbox: Sandbox;
let clients: Clients;
let clock: Clock;

beforeAll(async () => {
  ({ sandbox, clients, clock } = await startTestSandbox());
});
afterAll(() => sandbox.close());

const fn = FIXTURE.functions[0];
const versionDims = (version: string) => [
  { Name: 'FunctionName', Value: fn },
  { Name: 'Resource', Value: `${fn}:${FIXTURE.alias}` },
  { Name: 'ExecutedVersion', Value: version },
];
const lambdaQuery = (id: string, metric: string, stat: string, returnData = true): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: { Namespace: 'AWS/Lambda', MetricName: metric, Dimensions: versionDims('41') },
    Period: 60,
    Stat: stat,
  },
  ReturnData: returnData,
});

describe('CloudWatch GetMetricData through the real client (AWS JSON 1.0)', () => {
  it('computes metric math over inputs that are not returned', async () => {
    const end = minuteStart(clock.now());
    const result = await clients.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(end - 30 * 60_000),
        EndTime: new Date(end),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [
          lambdaQuery('invocations', 'Invocations', 'Sum', false),
          lambdaQuery('errors', 'Errors', 'Sum', false),
          { Id: 'rate', Expression: '100*errors/invocations', Label: 'error rate' },
          lambdaQuery('inv', 'Invocations', 'Sum'),
          lambdaQuery('err', 'Errors', 'Sum'),
        ],
      }),
    );
    const byId = new Map(result.MetricDataResults?.map((r) => [r.Id, r]));
    expect([...byId.keys()]).toEqual(['rate', 'inv', 'err']);
    const rate = byId.get('rate');
    const inv = byId.get('inv')?.Values ?? [];
    const err = byId.get('err')?.Values ?? [];
    expect(rate?.Label).toBe('error rate');
    expect(inv).toHaveLength(30);
    // The healthy scenario's requests over two functions: about half a minute's on this alias.
    for (const v of inv) expect(v).toBeGreaterThan(HEALTHY_RPM * 0.4);
    expect(rate?.Values).toEqual(inv.map((v, i) => (100 * err[i]) / v));
    expect(rate?.StatusCode).toBe('Complete');
    const times = rate?.Timestamps?.map((t) => t.getTime()) ?? [];
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('flags the minute still in progress as PartialData', async () => {
    const now = clock.now();
    const result = await clients.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(minuteStart(now) - 5 * 60_000),
        EndTime: new Date(now + 60_000),
        MetricDataQueries: [lambdaQuery('inv', 'Invocations', 'Sum')],
      }),
    );
    const series = result.MetricDataResults?.[0];
    expect(series?.StatusCode).toBe('PartialData');
    // Default ScanBy is newest first; the newest minute is the one in progress.
    expect(series?.Timestamps?.[0].getTime()).toBe(minuteStart(series?.Timestamps?.[0].getTime() ?? 0));
    expect(series?.Timestamps?.[0].getTime()).toBeGreaterThanOrEqual(minuteStart(now));
  });

  it('pages with MaxDatapoints and NextToken to the same points as one call', async () => {
    const end = minuteStart(clock.now());
    const base = {
      StartTime: new Date(end - 12 * 60_000),
      EndTime: new Date(end),
      MetricDataQueries: [lambdaQuery('inv', 'Invocations', 'Sum'), lambdaQuery('p', 'Duration', 'p95')],
    };
    const whole = await clients.cloudwatch.send(new GetMetricDataCommand(base));
    const pages: GetMetricDataCommandOutput[] = [];
    let token: string | undefined;
    do {
      const page = await clients.cloudwatch.send(
        new GetMetricDataCommand({ ...base, MaxDatapoints: 5, NextToken: token }),
      );
      pages.push(page);
      token = page.NextToken;
    } while (token && pages.length < 20);
    expect(pages.length).toBe(5);
    expect(pages[0].MetricDataResults?.[0].StatusCode).toBe('PartialData');
    for (const id of ['inv', 'p']) {
      const joined = pages.flatMap((p) => p.MetricDataResults?.find((r) => r.Id === id)?.Values ?? []);
      expect(joined).toEqual(whole.MetricDataResults?.find((r) => r.Id === id)?.Values);
    }
  });

  it('gives a p95 Duration near 180 ms for the stable version', async () => {
    const end = minuteStart(clock.now());
    const result = await clients.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(end - 10 * 60_000),
        EndTime: new Date(end),
        MetricDataQueries: [lambdaQuery('p', 'Duration', 'p95'), lambdaQuery('avg', 'Duration', 'Average')],
      }),
    );
    const [p95, avg] = result.MetricDataResults ?? [];
    for (const v of p95.Values ?? []) {
      expect(v).toBeGreaterThan(150);
      expect(v).toBeLessThan(220);
    }
    for (const [i, v] of (avg.Values ?? []).entries()) expect(v).toBeLessThan(p95.Values?.[i] ?? 0);
  });

  it('rejects an unknown statistic with InvalidParameterValue', async () => {
    const end = minuteStart(clock.now());
    await expect(
      clients.cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(end - 60_000),
          EndTime: new Date(end),
          MetricDataQueries: [lambdaQuery('x', 'Duration', 'Median')],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      Code: 'InvalidParameterValue',
      $metadata: { httpStatusCode: 400 },
    });
  });
});

describe('CloudWatch GetMetricStatistics, PutMetricData, ListMetrics, DescribeAlarms', () => {
  it('answers GetMetricStatistics with statistics and percentiles per period', async () => {
    const end = minuteStart(clock.now());
    const result = await clients.cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/ApiGateway',
        MetricName: 'Latency',
        Dimensions: [
          { Name: 'ApiName', Value: FIXTURE.apiName },
          { Name: 'Stage', Value: FIXTURE.stage },
        ],
        StartTime: new Date(end - 10 * 60_000),
        EndTime: new Date(end),
        Period: 300,
        Statistics: ['SampleCount', 'Maximum'],
        ExtendedStatistics: ['p95'],
      }),
    );
    expect(result.Datapoints).toHaveLength(2);
    for (const point of result.Datapoints ?? []) {
      expect(point.SampleCount).toBe(5 * HEALTHY_RPM);
      expect(point.ExtendedStatistics?.p95).toBeGreaterThan(150);
      expect(point.Maximum).toBeGreaterThan(point.ExtendedStatistics?.p95 ?? 0);
      expect(point.Unit).toBe('Milliseconds');
    }
  });

  it('stores PutMetricData (gzip-compressed when large) and serves it back', async () => {
    const now = clock.now();
    const at = new Date(minuteStart(now) - 60_000);
    // 400 datapoints make a body well over 10 KiB, which the client sends gzip-compressed.
    const MetricData = Array.from({ length: 400 }, (_, i) => ({
      MetricName: 'CheckoutLatency',
      Dimensions: [{ Name: 'Service', Value: 'checkout' }],
      Timestamp: at,
      Value: i + 1,
      Unit: 'Milliseconds' as const,
    }));
    for (let i = 0; i < MetricData.length; i += 100)
      await clients.cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: 'Rehearsal/Custom',
          MetricData: MetricData.slice(i, i + 1000),
        }),
      );
    const big = await clients.cloudwatch.send(
      new PutMetricDataCommand({ Namespace: 'Rehearsal/Big', MetricData }),
    );
    expect(big.$metadata.httpStatusCode).toBe(200);
    const read = await clients.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: at,
        EndTime: new Date(at.getTime() + 60_000),
        MetricDataQueries: ['Sum', 'SampleCount', 'p50'].map((Stat, i) => ({
          Id: `q${i}`,
          MetricStat: {
            Metric: {
              Namespace: 'Rehearsal/Big',
              MetricName: 'CheckoutLatency',
              Dimensions: [{ Name: 'Service', Value: 'checkout' }],
            },
            Period: 60,
            Stat,
          },
        })),
      }),
    );
    expect(read.MetricDataResults?.map((r) => r.Values?.[0])).toEqual([(400 * 401) / 2, 400, 200]);
    const listed = await clients.cloudwatch.send(new ListMetricsCommand({ Namespace: 'Rehearsal/Big' }));
    expect(listed.Metrics).toEqual([
      {
        Namespace: 'Rehearsal/Big',
        MetricName: 'CheckoutLatency',
        Dimensions: [{ Name: 'Service', Value: 'checkout' }],
      },
    ]);
  });

  it('refuses PutMetricData into an AWS/ namespace', async () => {
    await expect(
      clients.cloudwatch.send(
        new PutMetricDataCommand({ Namespace: 'AWS/Lambda', MetricData: [{ MetricName: 'x', Value: 1 }] }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException', Code: 'InvalidParameterValue' });
  });

  it('lists the per-version Lambda series with a dimension filter', async () => {
    const listed = await clients.cloudwatch.send(
      new ListMetricsCommand({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'ExecutedVersion' }, { Name: 'FunctionName', Value: fn }],
      }),
    );
    expect(
      listed.Metrics?.map((m) => m.Dimensions?.find((d) => d.Name === 'ExecutedVersion')?.Value),
    ).toEqual(['41']);
  });

  it('describes the alarms on the canary targets, all OK while healthy', async () => {
    const alarms = await clients.cloudwatch.send(new DescribeAlarmsCommand({}));
    expect(alarms.MetricAlarms?.map((a) => a.AlarmName)).toEqual([
      `${FIXTURE.functions[0]}-errors`,
      `${FIXTURE.functions[1]}-errors`,
      `${FIXTURE.apiName}-${FIXTURE.stage}-5xx`,
    ]);
    expect(new Set(alarms.MetricAlarms?.map((a) => a.StateValue))).toEqual(new Set(['OK']));
    const prefixed = await clients.cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: FIXTURE.apiName }),
    );
    expect(prefixed.MetricAlarms).toHaveLength(1);
  });
});

describe('CloudWatch awsQuery (older clients)', () => {
  const post = (form: Record<string, string>) =>
    fetch(sandbox.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams(form).toString(),
    });

  it('answers a form-encoded GetMetricData with the XML the query protocol uses', async () => {
    const end = minuteStart(clock.now());
    const response = await post({
      Action: 'GetMetricData',
      Version: '2010-08-01',
      StartTime: new Date(end - 3 * 60_000).toISOString(),
      EndTime: new Date(end).toISOString(),
      'MetricDataQueries.member.1.Id': 'count',
      'MetricDataQueries.member.1.MetricStat.Metric.Namespace': 'AWS/ApiGateway',
      'MetricDataQueries.member.1.MetricStat.Metric.MetricName': 'Count',
      'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name': 'ApiName',
      'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value': FIXTURE.apiName,
      'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Name': 'Stage',
      'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Value': FIXTURE.stage,
      'MetricDataQueries.member.1.MetricStat.Period': '60',
      'MetricDataQueries.member.1.MetricStat.Stat': 'Sum',
      'MetricDataQueries.member.2.Id': 'perSecond',
      'MetricDataQueries.member.2.Expression': 'count/60',
      ScanBy: 'TimestampAscending',
    });
    expect(response.status).toBe(200);
    const xml = await response.text();
    expect(xml).toContain('<GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">');
    expect(xml).toContain('<Id>count</Id>');
    expect(xml).toContain('<StatusCode>Complete</StatusCode>');
    expect(xml).toContain(`<Timestamps><member>${new Date(end - 3 * 60_000).toISOString()}</member>`);
    // Every minute of a healthy stage at canary 0%: all of the scenario's requests.
    const r = HEALTHY_RPM;
    expect(xml).toContain(`<Values><member>${r}</member><member>${r}</member><member>${r}</member></Values>`);
    const perSecond = HEALTHY_RPM / 60;
    expect(xml).toContain(
      `<Values><member>${perSecond}</member><member>${perSecond}</member><member>${perSecond}</member></Values>`,
    );
    expect(xml).toMatch(/<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata>/);
  });

  it('answers a form-encoded GetMetricStatistics, and errors as <ErrorResponse>', async () => {
    const end = minuteStart(clock.now());
    const ok = await post({
      Action: 'GetMetricStatistics',
      Version: '2010-08-01',
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      'Dimensions.member.1.Name': 'FunctionName',
      'Dimensions.member.1.Value': fn,
      StartTime: new Date(end - 2 * 60_000).toISOString(),
      EndTime: new Date(end).toISOString(),
      Period: '120',
      'Statistics.member.1': 'Sum',
    });
    const xml = await ok.text();
    expect(xml).toContain('<GetMetricStatisticsResult><Label>Invocations</Label><Datapoints><member>');
    expect(xml).toMatch(/<Sum>\d{3,5}<\/Sum>/);
    const bad = await post({ Action: 'GetMetricStatistics', Version: '2010-08-01', Namespace: 'AWS/Lambda' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(
      /<ErrorResponse><Error><Type>Sender<\/Type><Code>ValidationError<\/Code>/,
    );
  });
});
