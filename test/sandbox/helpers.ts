import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { LambdaClient, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { parseRunbook } from '../../src/core/runbook/parse.js';
import type { Runbook } from '../../src/core/runbook/schema.js';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/index.js';
import { acceleratedClock, type Clock } from '../../src/services/clock.js';

export const FIXTURE_RUNBOOK = new URL('./fixtures/runbook.yaml', import.meta.url).pathname;
export const FIXTURE = {
  accountId: '444455556666',
  restApiId: 'fx1api0001',
  apiName: 'fixture-api',
  stage: 'live',
  canaryStage: 'live/Canary',
  functions: ['fixture-product-lambda', 'fixture-order-lambda'],
  alias: 'live',
} as const;

export function loadRunbook(file = FIXTURE_RUNBOOK): Runbook {
  const parsed = parseRunbook(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw new Error(`fixture runbook is invalid: ${JSON.stringify(parsed.problems)}`);
  return parsed.runbook;
}

export interface ClientOptions {
  maxAttempts?: number;
  requestTimeout?: number;
}

/** The real SDK v3 clients pointed at a sandbox with the rehearsal credentials. */
export function sdkClients(endpoint: string, options: ClientOptions = {}) {
  const config = {
    endpoint,
    region: 'af-south-1',
    credentials: { accessKeyId: 'rehearsal', secretAccessKey: 'rehearsal' },
    maxAttempts: options.maxAttempts ?? 1,
    // Without throwOnRequestTimeout this handler only warns when a request hangs.
    requestHandler: new NodeHttpHandler({
      requestTimeout: options.requestTimeout ?? 10_000,
      throwOnRequestTimeout: true,
    }),
  };
  return {
    cloudwatch: new CloudWatchClient(config),
    lambda: new LambdaClient(config),
    apigateway: new APIGatewayClient(config),
    sts: new STSClient(config),
  };
}

export type Clients = ReturnType<typeof sdkClients>;

/** A sandbox on the fixture runbook with an accelerated clock, plus clients pointed at it. */
export async function startTestSandbox(
  options: Partial<SandboxOptions> & { speed?: number; clientOptions?: ClientOptions } = {},
): Promise<{ sandbox: Sandbox; clock: Clock; clients: Clients }> {
  const clock = options.clock ?? acceleratedClock(options.speed ?? 600);
  const sandbox = await startSandbox({ runbook: loadRunbook(), ...options, clock });
  return { sandbox, clock, clients: sdkClients(sandbox.url, options.clientOptions) };
}

/** Polls until `check` returns a value that is not undefined/false (no fixed sleeps). */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until the clock has passed the end of the minute after `at`: that minute is complete. */
export async function waitForCompleteMinuteAfter(clock: Clock, at: number): Promise<void> {
  const minuteEnd = (Math.floor(at / 60_000) + 2) * 60_000;
  await waitFor(() => clock.now() >= minuteEnd, 'a complete clock minute');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Points every fixture alias and the stage canary at `weightPct` of the new release (42). */
export async function shiftTraffic(clients: Clients, weightPct: number): Promise<void> {
  const { UpdateStageCommand } = await import('@aws-sdk/client-api-gateway');
  await clients.apigateway.send(
    new UpdateStageCommand({
      restApiId: FIXTURE.restApiId,
      stageName: FIXTURE.stage,
      patchOperations: [
        { op: 'replace', path: '/canarySettings/percentTraffic', value: weightPct.toFixed(1) },
      ],
    }),
  );
  for (const fn of FIXTURE.functions) {
    await clients.lambda.send(
      new UpdateAliasCommand({
        FunctionName: fn,
        Name: FIXTURE.alias,
        FunctionVersion: '41',
        RoutingConfig: { AdditionalVersionWeights: weightPct > 0 ? { '42': weightPct / 100 } : {} },
      }),
    );
  }
}

/** Sum of one Lambda metric for one executed version over complete minutes in [from, to). */
export async function lambdaVersionSum(
  clients: Clients,
  metric: 'Invocations' | 'Errors',
  version: string,
  from: number,
  to: number,
): Promise<number> {
  const result = await clients.cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(from),
      EndTime: new Date(to),
      MetricDataQueries: FIXTURE.functions.map((fn, i) => ({
        Id: `m${i}`,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/Lambda',
            MetricName: metric,
            Dimensions: [
              { Name: 'FunctionName', Value: fn },
              { Name: 'Resource', Value: `${fn}:${FIXTURE.alias}` },
              { Name: 'ExecutedVersion', Value: version },
            ],
          },
          Period: 60,
          Stat: 'Sum',
        },
      })),
    }),
  );
  return (result.MetricDataResults ?? []).flatMap((r) => r.Values ?? []).reduce((a, b) => a + b, 0);
}

export function minuteStart(at: number): number {
  return Math.floor(at / 60_000) * 60_000;
}
