import { GetStageCommand, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { GetAliasCommand, ListVersionsByFunctionCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import {
  percentValue,
  promote,
  readRollbackTarget,
  readTrafficSplit,
  setCanaryWeight,
} from '../../../src/services/aws/traffic.js';
import { canaryTargets, offlineClients, recordedTarget } from './fixtures.js';
import { mockWorld } from './mock-world.js';

const clients = offlineClients(() => 1_700_000_000_000);
let world = mockWorld(clients);
afterEach(() => {
  world.apigateway.restore();
  world.lambda.restore();
  world = mockWorld(clients);
});

describe('readRollbackTarget', () => {
  it('records the stable versions, the canary versions and the stage deployments', async () => {
    world.lambda
      .on(ListVersionsByFunctionCommand, { FunctionName: 'bbws-orders', Marker: undefined })
      .resolves({
        Versions: [{ Version: '$LATEST' }, { Version: '40' }, { Version: '41' }],
        NextMarker: 'page-2',
      })
      .on(ListVersionsByFunctionCommand, { FunctionName: 'bbws-orders', Marker: 'page-2' })
      .resolves({ Versions: [{ Version: '43' }, { Version: '42' }] });

    const target = await readRollbackTarget(clients, canaryTargets);

    expect(target).toEqual({
      apiGateway: {
        restApiId: 'a1b2c3',
        stage: 'prod',
        deploymentId: 'dep-stable',
        canaryDeploymentId: 'dep-canary',
      },
      lambdas: [
        { functionName: 'bbws-orders', alias: 'live', stableVersion: '41', canaryVersion: '43' },
        { functionName: 'bbws-auth', alias: 'live', stableVersion: '6', canaryVersion: '7' },
      ],
    });
    // Both pages were read; the function whose canary the runbook names was not listed at all.
    const listings = world.lambda
      .commandCalls(ListVersionsByFunctionCommand)
      .map((call) => call.args[0].input);
    expect(listings).toEqual([
      { FunctionName: 'bbws-orders', Marker: undefined },
      { FunctionName: 'bbws-orders', Marker: 'page-2' },
    ]);
    expect(world.apigateway.commandCalls(GetStageCommand)[0].args[0].input).toEqual({
      restApiId: 'a1b2c3',
      stageName: 'prod',
    });
  });

  it('refuses when no version newer than the stable one is published', async () => {
    world.lambda
      .on(ListVersionsByFunctionCommand)
      .resolves({ Versions: [{ Version: '40' }, { Version: '41' }] });
    await expect(readRollbackTarget(clients, canaryTargets)).rejects.toThrow(
      'bbws-orders has no published version newer than 41 (the version behind alias live of bbws-orders); publish the release or set canaryVersion in the runbook.',
    );
  });

  it('refuses an alias that points at $LATEST', async () => {
    world.aliases.get('bbws-auth')!.FunctionVersion = '$LATEST';
    await expect(readRollbackTarget(clients, { lambdas: [canaryTargets.lambdas[1]] })).rejects.toThrow(
      /alias live of bbws-auth points at \$LATEST/,
    );
  });

  it('turns a missing alias into a sentence naming it', async () => {
    const failure = await readRollbackTarget(clients, {
      lambdas: [{ functionName: 'bbws-order', alias: 'live' }],
    }).catch((error) => error);
    expect(failure).toBeInstanceOf(UserError);
    expect(failure.message).toMatch(/^Lambda GetAlias found no alias live of bbws-order/);
  });
});

describe('readTrafficSplit', () => {
  it('reads the stage canary share and the alias weights, stamped with the clients clock', async () => {
    world.stage.canarySettings!.percentTraffic = 10;
    world.aliases.get('bbws-orders')!.weights = { '42': 0.1 };
    const split = await readTrafficSplit(clients, recordedTarget);
    expect(split).toEqual({
      apiGateway: {
        restApiId: 'a1b2c3',
        stage: 'prod',
        deploymentId: 'dep-stable',
        canaryDeploymentId: 'dep-canary',
        canaryPercent: 10,
      },
      lambdas: [
        {
          functionName: 'bbws-orders',
          alias: 'live',
          primaryVersion: '41',
          additionalVersion: '42',
          additionalWeight: 0.1,
          revisionId: 'rev-1',
        },
        {
          functionName: 'bbws-auth',
          alias: 'live',
          primaryVersion: '6',
          additionalVersion: undefined,
          additionalWeight: 0,
          revisionId: 'rev-1',
        },
      ],
      readAt: 1_700_000_000_000,
    });
  });
});

describe('setCanaryWeight', () => {
  it('sends the stage share as a decimal string and each alias weight with its RevisionId', async () => {
    const split = await setCanaryWeight(clients, recordedTarget, 25);

    expect(world.apigateway.commandCalls(UpdateStageCommand).map((call) => call.args[0].input)).toEqual([
      {
        restApiId: 'a1b2c3',
        stageName: 'prod',
        patchOperations: [{ op: 'replace', path: '/canarySettings/percentTraffic', value: '25.0' }],
      },
    ]);
    expect(world.lambda.commandCalls(UpdateAliasCommand).map((call) => call.args[0].input)).toEqual([
      {
        FunctionName: 'bbws-orders',
        Name: 'live',
        FunctionVersion: '41',
        RoutingConfig: { AdditionalVersionWeights: { '42': 0.25 } },
        RevisionId: 'rev-1',
      },
      {
        FunctionName: 'bbws-auth',
        Name: 'live',
        FunctionVersion: '6',
        RoutingConfig: { AdditionalVersionWeights: { '7': 0.25 } },
        RevisionId: 'rev-1',
      },
    ]);
    expect(split.apiGateway?.canaryPercent).toBe(25);
    expect(split.lambdas.map((lambda) => [lambda.additionalVersion, lambda.additionalWeight])).toEqual([
      ['42', 0.25],
      ['7', 0.25],
    ]);
  });

  it('is harmless when repeated', async () => {
    await setCanaryWeight(clients, recordedTarget, 50);
    const again = await setCanaryWeight(clients, recordedTarget, 50);
    expect(again.apiGateway?.canaryPercent).toBe(50);
    expect(world.aliases.get('bbws-orders')).toMatchObject({ FunctionVersion: '41', weights: { '42': 0.5 } });
  });

  it('writes fractional percentages as AWS expects them', () => {
    expect(percentValue(25)).toBe('25.0');
    expect(percentValue(12.5)).toBe('12.5');
    expect(percentValue(0)).toBe('0.0');
  });

  it('throws when AWS reads back something else than what was written', async () => {
    // The write is acknowledged but another hand keeps the alias where it was.
    world.lambda.on(UpdateAliasCommand).resolves({});
    await expect(setCanaryWeight(clients, recordedTarget, 10)).rejects.toThrow(
      /After setting the canary to 10% AWS reads back bbws-orders:live sends 0% to another version, not 10%/,
    );
  });

  it('refuses with a clear sentence when the stage has no canary deployment', async () => {
    world.stage.canarySettings = undefined;
    const target = {
      ...recordedTarget,
      apiGateway: { ...recordedTarget.apiGateway!, canaryDeploymentId: undefined },
    };
    await expect(setCanaryWeight(clients, target, 10)).rejects.toThrow(
      'stage prod of API a1b2c3 has no canary deployment, so no traffic can move to it; deploy the release as a canary (CreateDeployment with canarySettings) first.',
    );
    expect(world.apigateway.commandCalls(UpdateStageCommand)).toHaveLength(0);
  });

  it('rejects a weight outside 0..100 before sending anything', async () => {
    await expect(setCanaryWeight(clients, recordedTarget, 120)).rejects.toThrow('between 0 and 100');
    expect(world.lambda.commandCalls(UpdateAliasCommand)).toHaveLength(0);
  });
});

describe('promote', () => {
  it('copies the canary deployment and its variables onto the stage, drops the canary and cuts the aliases over', async () => {
    world.stage.canarySettings = {
      deploymentId: 'dep-canary',
      percentTraffic: 100,
      stageVariableOverrides: { color: 'green' },
    };
    const split = await promote(clients, recordedTarget);

    expect(world.apigateway.commandCalls(UpdateStageCommand)[0].args[0].input).toEqual({
      restApiId: 'a1b2c3',
      stageName: 'prod',
      patchOperations: [
        { op: 'copy', from: '/canarySettings/deploymentId', path: '/deploymentId' },
        { op: 'copy', from: '/canarySettings/stageVariableOverrides', path: '/variables' },
        { op: 'replace', path: '/canarySettings/percentTraffic', value: '0.0' },
        { op: 'remove', path: '/canarySettings' },
      ],
    });
    expect(world.lambda.commandCalls(UpdateAliasCommand).map((call) => call.args[0].input)).toEqual([
      {
        FunctionName: 'bbws-orders',
        Name: 'live',
        FunctionVersion: '42',
        RoutingConfig: { AdditionalVersionWeights: {} },
        RevisionId: 'rev-1',
      },
      {
        FunctionName: 'bbws-auth',
        Name: 'live',
        FunctionVersion: '7',
        RoutingConfig: { AdditionalVersionWeights: {} },
        RevisionId: 'rev-1',
      },
    ]);
    expect(world.stage).toEqual({
      deploymentId: 'dep-canary',
      variables: { color: 'green' },
      canarySettings: undefined,
    });
    expect(split.apiGateway).toMatchObject({
      deploymentId: 'dep-canary',
      canaryPercent: 0,
      canaryDeploymentId: undefined,
    });
    expect(split.lambdas.map((lambda) => lambda.primaryVersion)).toEqual(['42', '7']);
  });

  it('does not copy variables the canary does not override', async () => {
    await promote(clients, recordedTarget);
    const paths = world.apigateway
      .commandCalls(UpdateStageCommand)[0]
      .args[0].input.patchOperations?.map((operation) => operation.path);
    expect(paths).toEqual(['/deploymentId', '/canarySettings/percentTraffic', '/canarySettings']);
  });

  it('leaves an already promoted target alone, so promoting twice is harmless', async () => {
    await promote(clients, recordedTarget);
    world.apigateway.resetHistory();
    world.lambda.resetHistory();
    const split = await promote(clients, recordedTarget);
    expect(world.apigateway.commandCalls(UpdateStageCommand)).toHaveLength(0);
    expect(world.lambda.commandCalls(UpdateAliasCommand)).toHaveLength(0);
    expect(split.apiGateway?.deploymentId).toBe('dep-canary');
    expect(world.lambda.commandCalls(GetAliasCommand).length).toBeGreaterThan(0);
  });

  it('refuses when someone redeployed the canary since the target was recorded', async () => {
    world.stage.canarySettings = { deploymentId: 'dep-other', percentTraffic: 50 };
    await expect(promote(clients, recordedTarget)).rejects.toThrow(
      "stage prod of API a1b2c3's canary is now deployment dep-other, not the recorded dep-canary",
    );
    expect(world.apigateway.commandCalls(UpdateStageCommand)).toHaveLength(0);
  });
});
