import { UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { type RollbackAttempt, rollback } from '../../../src/services/aws/traffic.js';
import { offlineClients, recordedTarget, serviceError } from './fixtures.js';
import { mockWorld } from './mock-world.js';

const clients = offlineClients();
let world = mockWorld(clients);
afterEach(() => {
  world.apigateway.restore();
  world.lambda.restore();
  world = mockWorld(clients);
});

function shiftTraffic(percent: number) {
  world.stage.canarySettings = { deploymentId: 'dep-canary', percentTraffic: percent };
  world.aliases.get('bbws-orders')!.weights = { '42': percent / 100 };
  world.aliases.get('bbws-auth')!.weights = { '7': percent / 100 };
}

describe('rollback', () => {
  it('sends every rollback request in the tick it is called, before anything else', () => {
    shiftTraffic(50);
    const done = rollback(clients, recordedTarget, { promoted: false });
    // No await yet: the requests must already be out.
    expect(world.apigateway.commandCalls(UpdateStageCommand)).toHaveLength(1);
    expect(world.lambda.commandCalls(UpdateAliasCommand)).toHaveLength(2);
    return done;
  });

  it('sets the canary share to 0, removes the canary and puts each alias wholly on its stable version', async () => {
    shiftTraffic(50);
    const split = await rollback(clients, recordedTarget, { promoted: false });

    expect(world.apigateway.commandCalls(UpdateStageCommand).map((call) => call.args[0].input)).toEqual([
      {
        restApiId: 'a1b2c3',
        stageName: 'prod',
        patchOperations: [
          { op: 'replace', path: '/canarySettings/percentTraffic', value: '0.0' },
          { op: 'remove', path: '/canarySettings' },
        ],
      },
    ]);
    // No RevisionId: the rollback must win over whatever state the alias is in.
    expect(world.lambda.commandCalls(UpdateAliasCommand).map((call) => call.args[0].input)).toEqual([
      {
        FunctionName: 'bbws-orders',
        Name: 'live',
        FunctionVersion: '41',
        RoutingConfig: { AdditionalVersionWeights: {} },
      },
      {
        FunctionName: 'bbws-auth',
        Name: 'live',
        FunctionVersion: '6',
        RoutingConfig: { AdditionalVersionWeights: {} },
      },
    ]);
    expect(split.apiGateway).toMatchObject({
      deploymentId: 'dep-stable',
      canaryPercent: 0,
      canaryDeploymentId: undefined,
    });
    expect(split.lambdas.map((lambda) => [lambda.primaryVersion, lambda.additionalWeight])).toEqual([
      ['41', 0],
      ['6', 0],
    ]);
  });

  it('after a promotion, restores the recorded stable deployment', async () => {
    world.stage.deploymentId = 'dep-canary';
    world.stage.canarySettings = undefined;
    world.aliases.get('bbws-orders')!.FunctionVersion = '42';
    world.aliases.get('bbws-auth')!.FunctionVersion = '7';

    const split = await rollback(clients, recordedTarget, { promoted: true });

    expect(world.apigateway.commandCalls(UpdateStageCommand)[0].args[0].input.patchOperations).toEqual([
      { op: 'replace', path: '/deploymentId', value: 'dep-stable' },
    ]);
    expect(split.apiGateway?.deploymentId).toBe('dep-stable');
    expect(split.lambdas.map((lambda) => lambda.primaryVersion)).toEqual(['41', '6']);
  });

  it('keeps retrying through throttling and reports each attempt', async () => {
    shiftTraffic(25);
    const attempts: RollbackAttempt[] = [];
    world.lambda
      .on(UpdateAliasCommand, { FunctionName: 'bbws-orders' })
      .rejectsOnce(serviceError('TooManyRequestsException', 429, 'Rate exceeded', 5))
      .rejectsOnce(serviceError('TooManyRequestsException', 429, 'Rate exceeded', 5))
      .callsFake(async () => {
        world.aliases.get('bbws-orders')!.weights = {};
        return {};
      });

    const split = await rollback(clients, recordedTarget, {
      promoted: false,
      onAttempt: (a) => attempts.push(a),
    });

    expect(world.lambda.commandCalls(UpdateAliasCommand, { FunctionName: 'bbws-orders' })).toHaveLength(3);
    const orders = attempts.filter((attempt) => attempt.target === 'bbws-orders');
    expect(orders.map((attempt) => attempt.attempt)).toEqual([1, 2, 3]);
    expect(orders[1].previousError).toBe(
      'AWS throttled Lambda UpdateAlias (5 attempts); wait a minute and try again, or ask for a higher quota.',
    );
    expect(split.lambdas[0].additionalWeight).toBe(0);
  });

  it('stops retrying when its signal aborts', async () => {
    shiftTraffic(25);
    world.lambda
      .on(UpdateAliasCommand)
      .rejects(serviceError('TooManyRequestsException', 429, 'Rate exceeded'));
    const controller = new AbortController();
    const done = rollback(clients, recordedTarget, {
      promoted: false,
      signal: controller.signal,
      onAttempt: (attempt) => {
        if (attempt.attempt === 2) controller.abort(new Error('conductor quit'));
      },
    });
    await expect(done).rejects.toThrow('conductor quit');
  });

  it('succeeds when the canary was already gone (a second rollback)', async () => {
    world.stage.canarySettings = undefined;
    const split = await rollback(clients, recordedTarget, { promoted: false });
    expect(split.apiGateway).toMatchObject({ deploymentId: 'dep-stable', canaryPercent: 0 });
  });

  it('fixes a stage that someone promoted behind its back', async () => {
    world.stage.deploymentId = 'dep-canary';
    world.stage.canarySettings = undefined;
    const split = await rollback(clients, recordedTarget, { promoted: false });
    expect(
      world.apigateway.commandCalls(UpdateStageCommand).map((call) => call.args[0].input.patchOperations),
    ).toEqual([
      [
        { op: 'replace', path: '/canarySettings/percentTraffic', value: '0.0' },
        { op: 'remove', path: '/canarySettings' },
      ],
      [{ op: 'replace', path: '/deploymentId', value: 'dep-stable' }],
    ]);
    expect(split.apiGateway?.deploymentId).toBe('dep-stable');
  });

  it('surfaces access denied at once, naming the missing action', async () => {
    shiftTraffic(10);
    world.lambda
      .on(UpdateAliasCommand)
      .rejects(
        serviceError(
          'AccessDeniedException',
          403,
          'User: arn:aws:sts::123456789012:assumed-role/ro/jo is not authorized to perform: lambda:UpdateAlias on resource: arn:aws:lambda:af-south-1:123456789012:function:bbws-orders:live',
        ),
      );
    await expect(rollback(clients, recordedTarget, { promoted: false })).rejects.toThrow(
      /^Access denied: arn:aws:sts::123456789012:assumed-role\/ro\/jo is not allowed lambda:UpdateAlias/,
    );
    expect(world.lambda.commandCalls(UpdateAliasCommand)).toHaveLength(2);
  });

  it('says how to roll back by hand when AWS keeps reading back the canary', async () => {
    shiftTraffic(10);
    // Every write is acknowledged, yet nothing changes (something keeps putting the weight back).
    world.lambda.on(UpdateAliasCommand, { FunctionName: 'bbws-orders' }).resolves({});
    await expect(rollback(clients, recordedTarget, { promoted: false })).rejects.toThrow(
      'The rollback did not take: AWS still reads bbws-orders:live sends 10% to another version, not 0% (prod on deployment dep-stable without canary, bbws-orders:live on version 41 with 10% to version 42, bbws-auth:live on version 6); roll back by hand, e.g. `aws lambda update-alias --function-name bbws-orders --name live --function-version 41 --routing-config AdditionalVersionWeights={}`.',
    );
    // The first round plus two corrective rounds, each only for what was still wrong.
    expect(world.lambda.commandCalls(UpdateAliasCommand, { FunctionName: 'bbws-orders' })).toHaveLength(3);
    expect(world.lambda.commandCalls(UpdateAliasCommand, { FunctionName: 'bbws-auth' })).toHaveLength(1);
    expect(world.apigateway.commandCalls(UpdateStageCommand)).toHaveLength(1);
  });
});
