import { GetStageCommand } from '@aws-sdk/client-api-gateway';
import { ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { GetAliasCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createFaultInjector } from '../../src/sandbox/faults.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { FIXTURE, shiftTraffic, startTestSandbox, waitFor } from './helpers.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const getAlias = new GetAliasCommand({ FunctionName: FIXTURE.functions[0], Name: FIXTURE.alias });

describe('fault injection', () => {
  it('throttles one Lambda call; the client retries and succeeds', async () => {
    const started = await startTestSandbox({
      faults: [{ operation: 'lambda:GetAlias', errorRate: 1, times: 1 }],
      clientOptions: { maxAttempts: 3 },
    });
    sandbox = started.sandbox;
    const alias = await started.clients.lambda.send(getAlias);
    expect(alias.FunctionVersion).toBe('41');
    expect(alias.$metadata.attempts).toBe(2);
    expect(sandbox.requests.filter((r) => r.operation === 'GetAlias').map((r) => r.status)).toEqual([
      429, 200,
    ]);
    expect(sandbox.faults.list()).toEqual([]);
  });

  it('answers an injected error in the shape of the service', async () => {
    const started = await startTestSandbox({
      faults: [
        { operation: 'apigateway:*', errorRate: 1 },
        { operation: 'cloudwatch:ListMetrics', errorRate: 1, errorCode: 'InternalServiceError' },
      ],
    });
    sandbox = started.sandbox;
    await expect(
      started.clients.apigateway.send(
        new GetStageCommand({ restApiId: FIXTURE.restApiId, stageName: FIXTURE.stage }),
      ),
    ).rejects.toMatchObject({ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
    await expect(started.clients.cloudwatch.send(new ListMetricsCommand({}))).rejects.toMatchObject({
      name: 'InternalServiceFault',
      $metadata: { httpStatusCode: 500 },
    });
    sandbox.faults.clear();
    const stage = await started.clients.apigateway.send(
      new GetStageCommand({ restApiId: FIXTURE.restApiId, stageName: FIXTURE.stage }),
    );
    expect(stage.stageName).toBe(FIXTURE.stage);
  });

  it('holds a hung call until the client gives up, and records it', async () => {
    const started = await startTestSandbox({ clientOptions: { requestTimeout: 150 } });
    sandbox = started.sandbox;
    sandbox.faults.set({ operation: 'lambda:UpdateAlias', hang: true });
    const update = started.clients.lambda.send(
      new UpdateAliasCommand({
        FunctionName: FIXTURE.functions[0],
        Name: FIXTURE.alias,
        FunctionVersion: '42',
      }),
    );
    await expect(update).rejects.toMatchObject({ name: 'TimeoutError' });
    await waitFor(
      () => sandbox?.requests.find((r) => r.operation === 'UpdateAlias'),
      'the hung request to be recorded',
    );
    expect(sandbox.requests.find((r) => r.operation === 'UpdateAlias')?.status).toBe(0);
    // Held means never applied.
    expect((await started.clients.lambda.send(getAlias)).FunctionVersion).toBe('41');
  });

  it('adds latency in clock milliseconds', async () => {
    const started = await startTestSandbox({ speed: 100 });
    sandbox = started.sandbox;
    sandbox.faults.set({ operation: 'lambda:GetAlias', clockLatencyMs: 30_000 });
    const before = started.clock.now();
    await started.clients.lambda.send(getAlias);
    // 30 clock seconds at speed 100 is 300 ms of real waiting, however fast the machine is.
    expect(started.clock.now() - before).toBeGreaterThanOrEqual(30_000);
  });

  it('matches operations exactly, by service, or all, and expires after `times`', () => {
    const injector = createFaultInjector([
      { operation: 'lambda:*', latencyMs: 5 },
      { operation: 'cloudwatch:GetMetricData', hang: true },
      { operation: '*', errorRate: 1, errorCode: 'Boom', times: 2 },
    ]);
    expect(injector.decide('lambda', 'GetAlias')).toEqual({
      hang: false,
      delayRealMs: 5,
      delayClockMs: 0,
      error: { code: 'Boom' },
    });
    expect(injector.decide('cloudwatch', 'GetMetricData').hang).toBe(true);
    expect(injector.decide('cloudwatch', 'ListMetrics')).toEqual({
      hang: false,
      delayRealMs: 0,
      delayClockMs: 0,
    });
    expect(() => injector.set({ operation: 'x', errorRate: 2 })).toThrow(
      /errorRate must be a number from 0 to 1/,
    );
  });
});

describe('admin endpoints', () => {
  it('reads the world through GET /_sandbox/state and steers faults through POST /_sandbox/faults', async () => {
    const started = await startTestSandbox();
    sandbox = started.sandbox;
    await shiftTraffic(started.clients, 10);
    const state = (await (await fetch(`${sandbox.url}/_sandbox/state`)).json()) as {
      scenario: string;
      canaryWeightPct: number;
      apiGateway: { canary: { percentTraffic: number } };
      lambdas: Array<{ functionVersion: string; additionalVersionWeights: Record<string, number> }>;
      requests: Record<string, number>;
    };
    expect(state.scenario).toBe('healthy');
    expect(state.canaryWeightPct).toBe(10);
    expect(state.apiGateway.canary.percentTraffic).toBe(10);
    expect(state.lambdas.map((l) => l.additionalVersionWeights)).toEqual([{ '42': 0.1 }, { '42': 0.1 }]);
    expect(state.requests['lambda:UpdateAlias']).toBe(2);

    const set = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ set: [{ operation: 'lambda:GetAlias', errorRate: 1 }] }),
    });
    expect(set.status).toBe(200);
    await expect(started.clients.lambda.send(getAlias)).rejects.toMatchObject({
      name: 'TooManyRequestsException',
    });
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ clear: true }) });
    expect((await started.clients.lambda.send(getAlias)).FunctionVersion).toBe('41');
    const bad = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ set: { operation: 'lambda:GetAlias', errorRate: 'often' } }),
    });
    expect(bad.status).toBe(400);
  });
});

describe('application endpoints', () => {
  it('serves the smoke-test routes from the stable version while the canary has no traffic', async () => {
    const started = await startTestSandbox();
    sandbox = started.sandbox;
    const health = await fetch(`${sandbox.appUrl}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-lambda-version')).toBe('41');
    const products = await fetch(`${sandbox.appUrl}/products/list?limit=10`);
    expect(products.headers.get('x-lambda-function')).toBe('fixture-product-lambda');
    expect(products.headers.get('x-lambda-version')).toBe('41');
    expect(((await products.json()) as { items: unknown[] }).items).toHaveLength(10);
    const order = await fetch(`${sandbox.appUrl}/orders/create`, { method: 'POST', body: '{"items":[1]}' });
    expect(order.status).toBe(201);
    expect(order.headers.get('x-lambda-function')).toBe('fixture-order-lambda');
    expect((await fetch(`${sandbox.appUrl}/nowhere`)).status).toBe(404);
    expect(sandbox.requests.filter((r) => r.service === 'app').map((r) => r.operation)).toContain(
      'GET /products/list',
    );
  });

  it('routes by the live weights and fails at the version error rate', async () => {
    const started = await startTestSandbox({ scenario: 'error-spike', speed: 6000 });
    sandbox = started.sandbox;
    const appUrl = sandbox.appUrl;
    await shiftTraffic(started.clients, 100);
    const statuses: number[] = [];
    const versions = new Set<string | null>();
    // App answers take the version's real latency (~100-200 ms): ask in parallel batches.
    for (let batch = 0; batch < 6; batch++) {
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          const response = await fetch(`${appUrl}/products/list`);
          statuses.push(response.status);
          versions.add(response.headers.get('x-lambda-version'));
          await response.arrayBuffer();
        }),
      );
    }
    expect([...versions]).toEqual(['42']);
    const failed = statuses.filter((s) => s === 502).length;
    // 8% of 300 is 24: far from both 0 and "most".
    expect(failed).toBeGreaterThan(8);
    expect(failed).toBeLessThan(50);
  });
});

describe('clients without an explicit endpoint option', () => {
  it('reach the sandbox through AWS_ENDPOINT_URL', async () => {
    const started = await startTestSandbox();
    sandbox = started.sandbox;
    const previous = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = sandbox.url;
    try {
      const { LambdaClient } = await import('@aws-sdk/client-lambda');
      const client = new LambdaClient({
        region: 'af-south-1',
        credentials: { accessKeyId: 'rehearsal', secretAccessKey: 'rehearsal' },
      });
      expect((await client.send(getAlias)).FunctionVersion).toBe('41');
    } finally {
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = previous;
    }
  });
});
