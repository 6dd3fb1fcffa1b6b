import { UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import type { RetryInfo } from '../../../src/services/aws/clients.js';
import { AwsCallError, callAws } from '../../../src/services/aws/errors.js';
import { verifyIdentity } from '../../../src/services/aws/identity.js';
import { fetchMetrics } from '../../../src/services/aws/metrics.js';
import { readRollbackTarget, readTrafficSplit } from '../../../src/services/aws/traffic.js';
import { type Rehearsal, rehearse } from './sandbox-setup.js';

const minute = 60_000;
let rehearsal: Rehearsal | undefined;
afterEach(async () => {
  await rehearsal?.close();
  rehearsal = undefined;
});

function lastMinutes(now: number, count: number) {
  const end = Math.floor(now / minute) * minute;
  return { start: end - count * minute, end };
}

describe('failures of the real clients against the sandbox', () => {
  it('retries a throttled GetMetricData, reports the retries, then returns the data', async () => {
    const retries: RetryInfo[] = [];
    rehearsal = await rehearse({ clients: { onRetry: (info) => retries.push(info) } });
    const { clients, canary, sandbox, clock } = rehearsal;
    const target = await readRollbackTarget(clients, canary.targets);
    sandbox.faults.set({
      operation: 'cloudwatch:GetMetricData',
      errorRate: 1,
      errorCode: 'Throttling',
      times: 2,
    });

    const snapshot = await fetchMetrics(clients.cloudwatch, {
      targets: canary.targets,
      rollbackTarget: target,
      periodSec: 60,
      ...lastMinutes(clock.now(), 2),
    });

    expect(snapshot.calls).toBe(1);
    expect(snapshot.targets[0].baseline.requests).toBeGreaterThan(0);
    expect(retries.map(({ service, operation, attempt }) => `${service} ${operation} ${attempt}`)).toEqual([
      'cloudwatch GetMetricData 2',
      'cloudwatch GetMetricData 3',
    ]);
    expect(retries[0].error).toBe(
      'AWS throttled CloudWatch GetMetricData; wait a minute and try again, or ask for a higher quota.',
    );
    const statuses = sandbox.requests.filter((r) => r.operation === 'GetMetricData').map((r) => r.status);
    expect(statuses).toEqual([400, 400, 200]);
  });

  it('gives up a hanging GetMetricData after the request timeout, with one clear sentence', async () => {
    rehearsal = await rehearse({ clients: { requestTimeoutMs: 400, maxAttempts: 2 } });
    const { clients, canary, sandbox, clock } = rehearsal;
    const target = await readRollbackTarget(clients, canary.targets);
    sandbox.faults.set({ operation: 'cloudwatch:GetMetricData', hang: true });

    const failure = await fetchMetrics(clients.cloudwatch, {
      targets: canary.targets,
      rollbackTarget: target,
      periodSec: 60,
      ...lastMinutes(clock.now(), 2),
    }).catch((error) => error);

    expect(failure).toBeInstanceOf(AwsCallError);
    expect(failure.message).toBe(
      'CloudWatch GetMetricData did not answer within 0.4 s (2 attempts); check the network and the endpoint, then try again.',
    );
    // The sandbox saw both attempts given up by the client.
    await expect
      .poll(() => sandbox.requests.filter((r) => r.operation === 'GetMetricData' && r.status === 0).length)
      .toBe(2);
  });

  it('turns a missing alias into a sentence naming it', async () => {
    rehearsal = await rehearse();
    const { clients, canary } = rehearsal;
    const missing = {
      lambdas: [{ functionName: 'bbws-prod-nope-lambda', alias: canary.targets.lambdas[0].alias }],
    };
    const failure = await readRollbackTarget(clients, missing).catch((error) => error);
    expect(failure).toBeInstanceOf(AwsCallError);
    expect(failure.httpStatus).toBe(404);
    expect(failure.message).toMatch(
      /^Lambda GetAlias found no alias \S+ of bbws-prod-nope-lambda \(AWS says: .+\); check the names in the runbook's targets\.$/,
    );
  });

  it('explains a stale RevisionId (412) as someone else moving traffic', async () => {
    rehearsal = await rehearse();
    const { clients, canary } = rehearsal;
    const target = await readRollbackTarget(clients, canary.targets);
    const lambda = target.lambdas[0];
    const failure = await callAws(
      'lambda',
      'UpdateAlias',
      () =>
        clients.lambda.send(
          new UpdateAliasCommand({
            FunctionName: lambda.functionName,
            Name: lambda.alias,
            FunctionVersion: lambda.stableVersion,
            RoutingConfig: { AdditionalVersionWeights: { [lambda.canaryVersion]: 0.1 } },
            RevisionId: 'stale-revision',
          }),
        ),
      `alias ${lambda.alias} of ${lambda.functionName}`,
    ).catch((error) => error);
    expect(failure.httpStatus).toBe(412);
    expect(failure.message).toBe(
      `Lambda UpdateAlias was refused because alias ${lambda.alias} of ${lambda.functionName} changed since it was read (someone else moved traffic); read the live split and try again.`,
    );
    // Nothing moved.
    const split = await readTrafficSplit(clients, target);
    expect(split.lambdas[0].additionalWeight).toBe(0);
  });

  it('passes the identity guard for the rehearsed account and refuses another one', async () => {
    rehearsal = await rehearse();
    const { clients, sandbox } = rehearsal;
    const account = sandbox.world.accountId;

    const identity = await verifyIdentity(clients.sts, { accountId: account, envTitle: 'PROD' });
    expect(identity.account).toBe(account);
    expect(identity.arn).toContain(account);

    const other = account === '111111111111' ? '222222222222' : '111111111111';
    const failure = await verifyIdentity(clients.sts, { accountId: other, envTitle: 'PROD' }).catch(
      (error) => error,
    );
    expect(failure).toBeInstanceOf(UserError);
    expect(failure.message).toContain(`the credentials are for account ${account}`);
    expect(failure.message).toContain(`but PROD is account ${other}`);
  });
});
