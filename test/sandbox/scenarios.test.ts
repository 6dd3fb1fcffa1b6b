import { GetStageCommand } from '@aws-sdk/client-api-gateway';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, SCENARIOS } from '../../src/sandbox/index.js';
import {
  FIXTURE,
  lambdaVersionSum,
  minuteStart,
  sdkClients,
  shiftTraffic,
  startTestSandbox,
  waitFor,
  waitForCompleteMinuteAfter,
} from './helpers.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('scenario error-spike', () => {
  it('raises canary errors to about 8% at weight 50, and a rollback stops them', async () => {
    const started = await startTestSandbox({ scenario: 'error-spike' });
    sandbox = started.sandbox;
    const { clients, clock } = started;

    await shiftTraffic(clients, 25);
    const at25 = clock.now();
    await waitForCompleteMinuteAfter(clock, at25 + 2 * 60_000);
    const from25 = minuteStart(at25) + 60_000;
    const to25 = from25 + 2 * 60_000;
    const canaryAt25 = await lambdaVersionSum(clients, 'Invocations', '42', from25, to25);
    const errorsAt25 = await lambdaVersionSum(clients, 'Errors', '42', from25, to25);
    // 25% of 1200 a minute over two minutes: about 600 canary invocations, nearly all fine.
    expect(canaryAt25).toBeGreaterThan(450);
    expect(errorsAt25 / canaryAt25).toBeLessThan(0.01);

    await shiftTraffic(clients, 50);
    const at50 = clock.now();
    await waitForCompleteMinuteAfter(clock, at50 + 3 * 60_000);
    const from50 = minuteStart(at50) + 60_000;
    const to50 = from50 + 3 * 60_000;
    const canaryAt50 = await lambdaVersionSum(clients, 'Invocations', '42', from50, to50);
    const errorsAt50 = await lambdaVersionSum(clients, 'Errors', '42', from50, to50);
    expect(canaryAt50).toBeGreaterThan(1500);
    expect(errorsAt50 / canaryAt50).toBeGreaterThan(0.05);
    expect(errorsAt50 / canaryAt50).toBeLessThan(0.11);
    const stableErrors = await lambdaVersionSum(clients, 'Errors', '41', from50, to50);
    const stableCalls = await lambdaVersionSum(clients, 'Invocations', '41', from50, to50);
    expect(stableErrors / stableCalls).toBeLessThan(0.01);

    await shiftTraffic(clients, 0);
    const rolledBack = clock.now();
    await waitForCompleteMinuteAfter(clock, rolledBack + 60_000);
    const fromRollback = minuteStart(rolledBack) + 60_000;
    const toRollback = fromRollback + 2 * 60_000;
    expect(await lambdaVersionSum(clients, 'Invocations', '42', fromRollback, toRollback)).toBe(0);
    expect(await lambdaVersionSum(clients, 'Errors', '42', fromRollback, toRollback)).toBe(0);
    expect(await lambdaVersionSum(clients, 'Invocations', '41', fromRollback, toRollback)).toBeGreaterThan(
      2000,
    );
  });

  it('shows the canary stage errors on API Gateway metrics too', async () => {
    const started = await startTestSandbox({ scenario: 'error-spike' });
    sandbox = started.sandbox;
    const { clients, clock } = started;
    await shiftTraffic(clients, 50);
    const at = clock.now();
    await waitForCompleteMinuteAfter(clock, at + 60_000);
    const from = minuteStart(at) + 60_000;
    const stage = (Stage: string, id: string) => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/ApiGateway',
          MetricName: '5XXError',
          Dimensions: [
            { Name: 'ApiName', Value: FIXTURE.apiName },
            { Name: 'Stage', Value: Stage },
          ],
        },
        Period: 120,
        Stat: 'Average',
      },
    });
    const result = await clients.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(from),
        EndTime: new Date(from + 120_000),
        MetricDataQueries: [stage(FIXTURE.canaryStage, 'canary'), stage(FIXTURE.stage, 'main')],
      }),
    );
    const [canary, main] = result.MetricDataResults ?? [];
    expect(canary.Values?.[0]).toBeGreaterThan(0.05);
    expect(main.Values?.[0]).toBeLessThan(0.01);
  });
});

describe('other scenarios', () => {
  it('latency-regression: the canary p95 is about 2.5x the stable one from weight 25', async () => {
    const started = await startTestSandbox({ scenario: 'latency-regression' });
    sandbox = started.sandbox;
    const { clients, clock } = started;
    await shiftTraffic(clients, 25);
    const at = clock.now();
    await waitForCompleteMinuteAfter(clock, at);
    const from = minuteStart(at) + 60_000;
    const query = (version: string) => ({
      Id: `v${version}`,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/Lambda',
          MetricName: 'Duration',
          Dimensions: [
            { Name: 'FunctionName', Value: FIXTURE.functions[0] },
            { Name: 'Resource', Value: `${FIXTURE.functions[0]}:${FIXTURE.alias}` },
            { Name: 'ExecutedVersion', Value: version },
          ],
        },
        Period: 60,
        Stat: 'p95',
      },
    });
    const result = await clients.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(from),
        EndTime: new Date(from + 60_000),
        MetricDataQueries: [query('41'), query('42')],
      }),
    );
    const [stable, canary] = (result.MetricDataResults ?? []).map((r) => r.Values?.[0] ?? 0);
    expect(canary / stable).toBeGreaterThan(2);
    expect(canary / stable).toBeLessThan(3);
  });

  it('low-traffic: only 20 requests a minute reach the stage', async () => {
    const started = await startTestSandbox({ scenario: 'low-traffic' });
    sandbox = started.sandbox;
    const end = minuteStart(started.clock.now());
    const result = await started.clients.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(end - 3 * 60_000),
        EndTime: new Date(end),
        MetricDataQueries: [
          {
            Id: 'count',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/ApiGateway',
                MetricName: 'Count',
                Dimensions: [
                  { Name: 'ApiName', Value: FIXTURE.apiName },
                  { Name: 'Stage', Value: FIXTURE.stage },
                ],
              },
              Period: 60,
              Stat: 'Sum',
            },
          },
        ],
      }),
    );
    expect(result.MetricDataResults?.[0].Values).toEqual([20, 20, 20]);
  });

  it('drift: five clock minutes after weight 25 the split changes behind the app', async () => {
    const started = await startTestSandbox({ scenario: 'drift' });
    sandbox = started.sandbox;
    const { clients } = started;
    await shiftTraffic(clients, 25);
    const stage = await waitFor(async () => {
      const s = await clients.apigateway.send(
        new GetStageCommand({ restApiId: FIXTURE.restApiId, stageName: FIXTURE.stage }),
      );
      return s.canarySettings?.percentTraffic === 40 ? s : undefined;
    }, 'the stage canary to drift to 40%');
    expect(stage.canarySettings?.percentTraffic).toBe(40);
    const alias = await clients.lambda.send(
      new GetAliasCommand({ FunctionName: FIXTURE.functions[0], Name: FIXTURE.alias }),
    );
    expect(alias.RoutingConfig?.AdditionalVersionWeights).toEqual({ '42': 0.4 });
    expect(sandbox.world.canaryWeightPct()).toBe(40);
  });

  it('throttled: about half of CloudWatch calls are answered with Throttling', async () => {
    const started = await startTestSandbox({ scenario: 'throttled' });
    sandbox = started.sandbox;
    const end = minuteStart(started.clock.now());
    const outcomes: string[] = [];
    for (let i = 0; i < 40; i++) {
      try {
        await started.clients.cloudwatch.send(
          new GetMetricDataCommand({
            StartTime: new Date(end - 60_000),
            EndTime: new Date(end),
            MetricDataQueries: [{ Id: 'e', Expression: '1+1' }],
          }),
        );
        outcomes.push('ok');
      } catch (error) {
        outcomes.push((error as { Code?: string; $metadata?: { httpStatusCode?: number } }).Code ?? 'other');
        expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
      }
    }
    const throttled = outcomes.filter((o) => o === 'Throttling').length;
    expect(throttled).toBeGreaterThan(8);
    expect(throttled).toBeLessThan(32);
    expect(outcomes.filter((o) => o !== 'Throttling' && o !== 'ok')).toEqual([]);
  });

  it('cloudwatch-outage: GetMetricData hangs after the canary gets traffic, then recovers', async () => {
    const started = await startTestSandbox({ scenario: 'cloudwatch-outage' });
    sandbox = started.sandbox;
    const { clients, clock } = started;
    const query = () => {
      const end = minuteStart(clock.now());
      return new GetMetricDataCommand({
        StartTime: new Date(end - 60_000),
        EndTime: new Date(end),
        MetricDataQueries: [{ Id: 'e', Expression: '1+1' }],
      });
    };
    await clients.cloudwatch.send(query());
    await shiftTraffic(clients, 10);
    const hanging = sdkClients(sandbox.url, { requestTimeout: 150 });
    await expect(hanging.cloudwatch.send(query())).rejects.toMatchObject({ name: 'TimeoutError' });
    await waitFor(
      () => sandbox?.requests.some((r) => r.operation === 'GetMetricData' && r.status === 0),
      'the held request to be recorded as given up',
    );
    const outageEnd = (sandbox.world.firstReached(0) ?? 0) + 8 * 60_000;
    await waitFor(() => clock.now() > outageEnd, 'the outage to pass');
    const recovered = await clients.cloudwatch.send(query());
    expect(recovered.$metadata.httpStatusCode).toBe(200);
  });

  it('coverage-drop: the scenario says 72% coverage for the stand-ins', () => {
    expect(SCENARIOS['coverage-drop'].coverage).toBe(72);
    expect(SCENARIOS.healthy.coverage).toBeGreaterThan(80);
  });

  it('refuses an unknown scenario with a sentence listing the valid ones', async () => {
    await expect(startTestSandbox({ scenario: 'meteor' })).rejects.toThrow(
      /Unknown sandbox scenario "meteor": use one of healthy, error-spike/,
    );
  });
});
