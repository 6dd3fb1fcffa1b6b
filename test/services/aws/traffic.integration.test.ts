import { afterEach, describe, expect, it } from 'vitest';
import {
  promote,
  type RollbackAttempt,
  readRollbackTarget,
  readTrafficSplit,
  rollback,
  setCanaryWeight,
} from '../../../src/services/aws/traffic.js';
import { type Rehearsal, rehearse } from './sandbox-setup.js';

let rehearsal: Rehearsal | undefined;
afterEach(async () => {
  await rehearsal?.close();
  rehearsal = undefined;
});

function operations(r: Rehearsal) {
  return r.sandbox.requests.map((request) => `${request.service}:${request.operation}`);
}

describe('traffic against the sandbox', () => {
  it('records the rollback target from the live stage and aliases', async () => {
    rehearsal = await rehearse();
    const target = await readRollbackTarget(rehearsal.clients, rehearsal.canary.targets);

    const world = rehearsal.sandbox.world;
    const api = rehearsal.canary.targets.apiGateway!;
    const stage = world.restApis.get(api.restApiId)!.stages.get(api.stage)!;
    expect(target.apiGateway).toEqual({
      restApiId: api.restApiId,
      stage: api.stage,
      deploymentId: stage.deploymentId,
      canaryDeploymentId: stage.canarySettings?.deploymentId,
    });
    expect(target.lambdas.map((lambda) => lambda.functionName)).toEqual(
      rehearsal.canary.targets.lambdas.map((lambda) => lambda.functionName),
    );
    for (const lambda of target.lambdas) {
      const fn = world.functions.get(lambda.functionName)!;
      expect(lambda.stableVersion).toBe(fn.aliases.get(lambda.alias)!.functionVersion);
      // The newest published version, found by listing every page of versions.
      expect(lambda.canaryVersion).toBe(fn.versions.at(-1)!.version);
    }
  });

  it('sets the canary to 10%, reads it back, promotes, then rolls back after the promotion', async () => {
    rehearsal = await rehearse();
    const { clients } = rehearsal;
    const target = await readRollbackTarget(clients, rehearsal.canary.targets);

    const shifted = await setCanaryWeight(clients, target, 10);
    expect(shifted.apiGateway?.canaryPercent).toBe(10);
    for (const lambda of shifted.lambdas) expect(lambda.additionalWeight).toBeCloseTo(0.1);
    expect(rehearsal.sandbox.world.canaryWeightPct()).toBeCloseTo(10);

    const reread = await readTrafficSplit(clients, target);
    expect(reread.lambdas.map((lambda) => lambda.additionalVersion)).toEqual(
      target.lambdas.map((l) => l.canaryVersion),
    );

    const promoted = await promote(clients, target);
    expect(promoted.apiGateway).toMatchObject({
      deploymentId: target.apiGateway!.canaryDeploymentId,
      canaryPercent: 0,
    });
    expect(promoted.apiGateway?.canaryDeploymentId).toBeUndefined();
    expect(promoted.lambdas.map((lambda) => lambda.primaryVersion)).toEqual(
      target.lambdas.map((l) => l.canaryVersion),
    );
    expect(rehearsal.sandbox.world.canaryWeightPct()).toBeCloseTo(100);

    const back = await rollback(clients, target, { promoted: true });
    expect(back.apiGateway?.deploymentId).toBe(target.apiGateway!.deploymentId);
    expect(back.lambdas.map((lambda) => [lambda.primaryVersion, lambda.additionalWeight])).toEqual(
      target.lambdas.map((lambda) => [lambda.stableVersion, 0]),
    );
    expect(rehearsal.sandbox.world.canaryWeightPct()).toBe(0);
  });

  it('rolls a 50% canary back with one write per target and reads the stable state back', async () => {
    rehearsal = await rehearse();
    const { clients } = rehearsal;
    const target = await readRollbackTarget(clients, rehearsal.canary.targets);
    await setCanaryWeight(clients, target, 50);
    const before = rehearsal.sandbox.requests.length;

    const attempts: RollbackAttempt[] = [];
    const split = await rollback(clients, target, { promoted: false, onAttempt: (a) => attempts.push(a) });

    expect(split.apiGateway).toMatchObject({
      deploymentId: target.apiGateway!.deploymentId,
      canaryPercent: 0,
    });
    expect(split.lambdas.every((lambda) => lambda.additionalWeight === 0)).toBe(true);
    expect(rehearsal.sandbox.world.canaryWeightPct()).toBe(0);
    const writes = operations(rehearsal)
      .slice(before)
      .filter((op) => op.startsWith('apigateway:Update') || op.startsWith('lambda:Update'));
    expect(writes.sort()).toEqual(
      ['apigateway:UpdateStage', ...target.lambdas.map(() => 'lambda:UpdateAlias')].sort(),
    );
    expect(attempts.every((attempt) => attempt.attempt === 1)).toBe(true);
  });

  it('keeps a rollback going through throttling until the writes land', async () => {
    rehearsal = await rehearse({ clients: { maxAttempts: 2 } });
    const { clients, sandbox } = rehearsal;
    const target = await readRollbackTarget(clients, rehearsal.canary.targets);
    await setCanaryWeight(clients, target, 25);
    // One throttled answer more than there are aliases: whichever alias is retried first uses up
    // both of the SDK's attempts, so the rollback's own loop must carry on.
    const throttles = target.lambdas.length + 1;
    sandbox.faults.set({
      operation: 'lambda:UpdateAlias',
      errorRate: 1,
      errorCode: 'TooManyRequestsException',
      times: throttles,
    });

    const attempts: RollbackAttempt[] = [];
    const split = await rollback(clients, target, { promoted: false, onAttempt: (a) => attempts.push(a) });

    expect(split.lambdas.every((lambda) => lambda.additionalWeight === 0)).toBe(true);
    expect(Math.max(...attempts.map((attempt) => attempt.attempt))).toBeGreaterThan(1);
    expect(attempts.find((attempt) => attempt.previousError)?.previousError).toMatch(
      /^AWS throttled Lambda UpdateAlias/,
    );
    const throttled = sandbox.requests.filter((r) => r.operation === 'UpdateAlias' && r.status === 429);
    expect(throttled).toHaveLength(throttles);
  });
});
