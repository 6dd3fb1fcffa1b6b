import {
  CreateDeploymentCommand,
  GetDeploymentsCommand,
  GetRestApisCommand,
  GetStageCommand,
  GetStagesCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import {
  GetAliasCommand,
  GetFunctionCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { type Clients, FIXTURE, startTestSandbox } from './helpers.js';

let sandbox: Sandbox;
let clients: Clients;

beforeAll(async () => {
  ({ sandbox, clients } = await startTestSandbox());
});
afterAll(() => sandbox.close());

const [productFn, orderFn] = FIXTURE.functions;

describe('STS through the real client', () => {
  it('answers GetCallerIdentity with the account of the promotion target', async () => {
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe(FIXTURE.accountId);
    expect(identity.Arn).toContain(`arn:aws:sts::${FIXTURE.accountId}:`);
  });
});

describe('Lambda through the real client', () => {
  it('lists the canary functions and describes one with its ARN in the environment', async () => {
    const list = await clients.lambda.send(new ListFunctionsCommand({}));
    expect(list.Functions?.map((f) => f.FunctionName).sort()).toEqual([...FIXTURE.functions].sort());
    const fn = await clients.lambda.send(new GetFunctionCommand({ FunctionName: productFn }));
    expect(fn.Configuration?.FunctionArn).toBe(
      `arn:aws:lambda:af-south-1:${FIXTURE.accountId}:function:${productFn}:$LATEST`,
    );
    const byQualifier = await clients.lambda.send(
      new GetFunctionCommand({ FunctionName: productFn, Qualifier: '41' }),
    );
    expect(byQualifier.Configuration?.Version).toBe('41');
  });

  it('lists versions 1..42 after $LATEST, paging with Marker', async () => {
    const first = await clients.lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: orderFn, MaxItems: 30 }),
    );
    expect(first.Versions?.[0].Version).toBe('$LATEST');
    expect(first.NextMarker).toBeDefined();
    const rest = await clients.lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: orderFn, Marker: first.NextMarker }),
    );
    const versions = [...(first.Versions ?? []), ...(rest.Versions ?? [])].map((v) => v.Version);
    expect(versions.at(-1)).toBe('42');
    expect(versions).toHaveLength(43);
  });

  it('starts with the alias on the stable version and no routing', async () => {
    const alias = await clients.lambda.send(
      new GetAliasCommand({ FunctionName: productFn, Name: FIXTURE.alias }),
    );
    expect(alias.FunctionVersion).toBe('41');
    expect(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).toEqual({});
    expect(alias.AliasArn).toBe(`arn:aws:lambda:af-south-1:${FIXTURE.accountId}:function:${productFn}:live`);
  });

  it('updates weights, and refuses a stale RevisionId with PreconditionFailedException (412)', async () => {
    const before = await clients.lambda.send(
      new GetAliasCommand({ FunctionName: orderFn, Name: FIXTURE.alias }),
    );
    const updated = await clients.lambda.send(
      new UpdateAliasCommand({
        FunctionName: orderFn,
        Name: FIXTURE.alias,
        FunctionVersion: '41',
        RoutingConfig: { AdditionalVersionWeights: { '42': 0.1 } },
        RevisionId: before.RevisionId,
      }),
    );
    expect(updated.RoutingConfig?.AdditionalVersionWeights).toEqual({ '42': 0.1 });
    expect(updated.RevisionId).not.toBe(before.RevisionId);
    const read = await clients.lambda.send(
      new GetAliasCommand({ FunctionName: orderFn, Name: FIXTURE.alias }),
    );
    expect(read.RoutingConfig?.AdditionalVersionWeights).toEqual({ '42': 0.1 });

    const stale = clients.lambda.send(
      new UpdateAliasCommand({
        FunctionName: orderFn,
        Name: FIXTURE.alias,
        FunctionVersion: '41',
        RoutingConfig: { AdditionalVersionWeights: {} },
        RevisionId: before.RevisionId,
      }),
    );
    await expect(stale).rejects.toMatchObject({
      name: 'PreconditionFailedException',
      $metadata: { httpStatusCode: 412 },
    });
    const unchanged = await clients.lambda.send(
      new GetAliasCommand({ FunctionName: orderFn, Name: FIXTURE.alias }),
    );
    expect(unchanged.RoutingConfig?.AdditionalVersionWeights).toEqual({ '42': 0.1 });
  });

  it('rejects weights out of range, two extra versions and $LATEST', async () => {
    const update = (FunctionVersion: string, weights: Record<string, number>) =>
      clients.lambda.send(
        new UpdateAliasCommand({
          FunctionName: productFn,
          Name: FIXTURE.alias,
          FunctionVersion,
          RoutingConfig: { AdditionalVersionWeights: weights },
        }),
      );
    await expect(update('41', { '42': 1.5 })).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
    });
    await expect(update('41', { '42': 0.1, '40': 0.1 })).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
    });
    await expect(update('$LATEST', {})).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    await expect(update('41', { '99': 0.1 })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('answers an unknown function with ResourceNotFoundException (404)', async () => {
    await expect(
      clients.lambda.send(new GetAliasCommand({ FunctionName: 'no-such-fn', Name: 'live' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
  });
});

describe('API Gateway through the real client', () => {
  it('lists the REST API and reads the stage with its canary at 0%', async () => {
    const apis = await clients.apigateway.send(new GetRestApisCommand({}));
    expect(apis.items?.map((a) => [a.id, a.name])).toEqual([[FIXTURE.restApiId, FIXTURE.apiName]]);
    const stage = await clients.apigateway.send(
      new GetStageCommand({ restApiId: FIXTURE.restApiId, stageName: FIXTURE.stage }),
    );
    expect(stage.deploymentId).toBe('dep-stable0001');
    expect(stage.canarySettings).toMatchObject({ percentTraffic: 0, deploymentId: 'dep-canary0002' });
    const stages = await clients.apigateway.send(new GetStagesCommand({ restApiId: FIXTURE.restApiId }));
    expect(stages.item?.map((s) => s.stageName)).toEqual([FIXTURE.stage]);
    const deployments = await clients.apigateway.send(
      new GetDeploymentsCommand({ restApiId: FIXTURE.restApiId }),
    );
    expect(deployments.items?.map((d) => d.id)).toEqual(['dep-canary0002', 'dep-stable0001']);
  });

  it('shifts, promotes (copy, copy, replace, remove) and leaves no canary behind', async () => {
    const restApiId = FIXTURE.restApiId;
    const stageName = FIXTURE.stage;
    const shifted = await clients.apigateway.send(
      new UpdateStageCommand({
        restApiId,
        stageName,
        patchOperations: [
          { op: 'replace', path: '/canarySettings/percentTraffic', value: '25.0' },
          { op: 'replace', path: '/canarySettings/stageVariableOverrides/release', value: 'new' },
        ],
      }),
    );
    expect(shifted.canarySettings?.percentTraffic).toBe(25);
    const promoted = await clients.apigateway.send(
      new UpdateStageCommand({
        restApiId,
        stageName,
        patchOperations: [
          { op: 'copy', from: '/canarySettings/deploymentId', path: '/deploymentId' },
          { op: 'copy', from: '/canarySettings/stageVariableOverrides', path: '/variables' },
          { op: 'replace', path: '/canarySettings/percentTraffic', value: '0.0' },
          { op: 'remove', path: '/canarySettings' },
        ],
      }),
    );
    expect(promoted.deploymentId).toBe('dep-canary0002');
    expect(promoted.variables).toMatchObject({ release: 'new' });
    expect(promoted.canarySettings).toBeUndefined();
    expect(sandbox.world.canaryWeightPct()).toBe(100);
  });

  it('rejects a bad patch with BadRequestException and leaves the stage as it was', async () => {
    const restApiId = FIXTURE.restApiId;
    const stageName = FIXTURE.stage;
    const before = await clients.apigateway.send(new GetStageCommand({ restApiId, stageName }));
    await expect(
      clients.apigateway.send(
        new UpdateStageCommand({
          restApiId,
          stageName,
          patchOperations: [
            { op: 'replace', path: '/deploymentId', value: 'dep-stable0001' },
            { op: 'replace', path: '/canarySettings/percentTraffic', value: '10.0' },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'BadRequestException', $metadata: { httpStatusCode: 400 } });
    const after = await clients.apigateway.send(new GetStageCommand({ restApiId, stageName }));
    expect(after.deploymentId).toBe(before.deploymentId);
  });

  it('creates a deployment that becomes the stage canary', async () => {
    const created = await clients.apigateway.send(
      new CreateDeploymentCommand({
        restApiId: FIXTURE.restApiId,
        stageName: FIXTURE.stage,
        description: 'next release',
        canarySettings: { percentTraffic: 5, useStageCache: false },
      }),
    );
    expect(created.id).toMatch(/^[0-9a-f]+$/);
    const stage = await clients.apigateway.send(
      new GetStageCommand({ restApiId: FIXTURE.restApiId, stageName: FIXTURE.stage }),
    );
    expect(stage.canarySettings).toMatchObject({ percentTraffic: 5, deploymentId: created.id });
  });

  it('answers an unknown stage with NotFoundException (404)', async () => {
    await expect(
      clients.apigateway.send(new GetStageCommand({ restApiId: FIXTURE.restApiId, stageName: 'nope' })),
    ).rejects.toMatchObject({ name: 'NotFoundException', $metadata: { httpStatusCode: 404 } });
  });
});
