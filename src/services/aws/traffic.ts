import { type PatchOperation, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { UpdateAliasCommand } from '@aws-sdk/client-lambda';
import type { RollbackTargetRecord } from '../../core/session/events.js';
import { UserError } from '../../errors.js';
import type { AwsClients } from './clients.js';
import { callAws } from './errors.js';
import {
  aliasLabel,
  describeSplit,
  readAlias,
  readStage,
  readTrafficSplit,
  stageLabel,
} from './traffic-read.js';
import { type ExpectedSplit, splitMismatches } from './traffic-verify.js';
import type { TrafficSplit } from './types.js';

export { type RollbackAttempt, type RollbackOptions, rollback } from './rollback.js';
export { type CanaryTargets, readRollbackTarget, readTrafficSplit } from './traffic-read.js';

/** API Gateway wants the percentage as a string with a decimal point: "25.0", "12.5". */
export function percentValue(percent: number): string {
  return Number.isInteger(percent) ? percent.toFixed(1) : String(percent);
}

async function verified(
  clients: AwsClients,
  target: RollbackTargetRecord,
  expected: ExpectedSplit,
  what: string,
  signal?: AbortSignal,
): Promise<TrafficSplit> {
  const split = await readTrafficSplit(clients, target, signal);
  const problems = splitMismatches(split, expected);
  if (problems.length > 0) {
    throw new UserError(
      `After ${what} AWS reads back ${problems.join('; ')}, so someone else may be moving traffic; look at the live split (${describeSplit(split)}) and roll back if in doubt.`,
      1,
    );
  }
  return split;
}

/**
 * Sends `percent` of the traffic to the canary on every target: the stage's canary share and
 * each alias's weight on the canary version (guarded by the alias's RevisionId), then reads back.
 * Setting the same weight twice is harmless.
 */
export async function setCanaryWeight(
  clients: AwsClients,
  target: RollbackTargetRecord,
  percent: number,
  signal?: AbortSignal,
): Promise<TrafficSplit> {
  if (!(percent >= 0 && percent <= 100)) {
    throw new UserError(`A canary weight must be between 0 and 100 percent, got ${percent}.`);
  }
  const stage = target.apiGateway;
  let canaryDeploymentId = stage?.canaryDeploymentId;
  await writeEveryTarget(target, {
    stage: async (stage) => {
      if (canaryDeploymentId === undefined) {
        // Recorded before the canary was deployed: it must exist now.
        const live = await readStage(clients, stage.restApiId, stage.stage, signal);
        if (live.canaryDeploymentId === undefined) {
          throw new UserError(
            `${stageLabel(stage.restApiId, stage.stage)} has no canary deployment, so no traffic can move to it; deploy the release as a canary (CreateDeployment with canarySettings) first.`,
            1,
          );
        }
        canaryDeploymentId = live.canaryDeploymentId;
      }
      await patchStage(
        clients,
        stage,
        [{ op: 'replace', path: '/canarySettings/percentTraffic', value: percentValue(percent) }],
        signal,
      );
    },
    alias: async (lambda) => {
      const live = await readAlias(clients, lambda.functionName, lambda.alias, signal);
      await routeAlias(
        clients,
        lambda,
        {
          functionVersion: lambda.stableVersion,
          additionalVersionWeights: percent > 0 ? { [lambda.canaryVersion]: percent / 100 } : {},
          revisionId: live.revisionId,
        },
        signal,
      );
    },
  });
  return verified(
    clients,
    target,
    {
      apiGateway: stage && { deploymentId: stage.deploymentId, canaryDeploymentId, canaryPercent: percent },
      lambdas: target.lambdas.map((lambda) => ({
        functionName: lambda.functionName,
        alias: lambda.alias,
        primaryVersion: lambda.stableVersion,
        additionalVersion: lambda.canaryVersion,
        weight: percent / 100,
      })),
    },
    `setting the canary to ${percent}%`,
    signal,
  );
}

/**
 * Makes the canary the new stable: the stage takes the canary's deployment and stage variables
 * and drops its canary; each alias points wholly at the canary version. A target already
 * promoted is left alone, so promoting twice is harmless.
 */
export async function promote(
  clients: AwsClients,
  target: RollbackTargetRecord,
  signal?: AbortSignal,
): Promise<TrafficSplit> {
  const stage = target.apiGateway;
  let promotedDeploymentId = stage?.canaryDeploymentId;
  await writeEveryTarget(target, {
    stage: async (stage) => {
      const live = await readStage(clients, stage.restApiId, stage.stage, signal);
      const where = stageLabel(stage.restApiId, stage.stage);
      if (live.canaryDeploymentId === undefined) {
        if (stage.canaryDeploymentId !== undefined && live.deploymentId === stage.canaryDeploymentId) return;
        throw new UserError(
          `${where} has no canary deployment to promote (it serves deployment ${live.deploymentId}); look at the stage before going on.`,
          1,
        );
      }
      if (stage.canaryDeploymentId !== undefined && live.canaryDeploymentId !== stage.canaryDeploymentId) {
        throw new UserError(
          `${where}'s canary is now deployment ${live.canaryDeploymentId}, not the recorded ${stage.canaryDeploymentId}; someone redeployed during the canary, so it was not promoted.`,
          1,
        );
      }
      promotedDeploymentId = live.canaryDeploymentId;
      const patchOperations: PatchOperation[] = [
        { op: 'copy', from: '/canarySettings/deploymentId', path: '/deploymentId' },
      ];
      // Copying from a path that does not exist is an error, so only when the canary has overrides.
      if (live.stageVariableOverrides && Object.keys(live.stageVariableOverrides).length > 0) {
        patchOperations.push({
          op: 'copy',
          from: '/canarySettings/stageVariableOverrides',
          path: '/variables',
        });
      }
      // Promoting alone leaves the canary running; turn it off and remove it.
      patchOperations.push(
        { op: 'replace', path: '/canarySettings/percentTraffic', value: '0.0' },
        { op: 'remove', path: '/canarySettings' },
      );
      await patchStage(clients, stage, patchOperations, signal);
    },
    alias: async (lambda) => {
      const live = await readAlias(clients, lambda.functionName, lambda.alias, signal);
      if (live.primaryVersion === lambda.canaryVersion && !(live.additionalWeight > 0)) return;
      await routeAlias(
        clients,
        lambda,
        {
          functionVersion: lambda.canaryVersion,
          additionalVersionWeights: {},
          revisionId: live.revisionId,
        },
        signal,
      );
    },
  });
  return verified(
    clients,
    target,
    {
      apiGateway:
        stage && promotedDeploymentId ? { deploymentId: promotedDeploymentId, canaryPercent: 0 } : undefined,
      lambdas: target.lambdas.map((lambda) => ({
        functionName: lambda.functionName,
        alias: lambda.alias,
        primaryVersion: lambda.canaryVersion,
        weight: 0,
      })),
    },
    'promoting the canary',
    signal,
  );
}

type StageTarget = NonNullable<RollbackTargetRecord['apiGateway']>;
type AliasTarget = RollbackTargetRecord['lambdas'][number];

/** UpdateStage on the target's stage with these patch operations. */
async function patchStage(
  clients: AwsClients,
  stage: StageTarget,
  patchOperations: PatchOperation[],
  signal?: AbortSignal,
): Promise<void> {
  await callAws(
    'apigateway',
    'UpdateStage',
    () =>
      clients.apigateway.send(
        new UpdateStageCommand({ restApiId: stage.restApiId, stageName: stage.stage, patchOperations }),
        { abortSignal: signal },
      ),
    stageLabel(stage.restApiId, stage.stage),
  );
}

/** Where an alias should route: its primary version, the weights on others, and the RevisionId read before. */
interface AliasRouting {
  functionVersion: string;
  additionalVersionWeights: Record<string, number>;
  /** Makes AWS refuse the write when someone changed the alias since it was read. */
  revisionId: string | undefined;
}

/** UpdateAlias on the target's alias with this routing. */
async function routeAlias(
  clients: AwsClients,
  lambda: AliasTarget,
  routing: AliasRouting,
  signal?: AbortSignal,
): Promise<void> {
  await callAws(
    'lambda',
    'UpdateAlias',
    () =>
      clients.lambda.send(
        new UpdateAliasCommand({
          FunctionName: lambda.functionName,
          Name: lambda.alias,
          FunctionVersion: routing.functionVersion,
          RoutingConfig: { AdditionalVersionWeights: routing.additionalVersionWeights },
          RevisionId: routing.revisionId,
        }),
        { abortSignal: signal },
      ),
    aliasLabel(lambda.functionName, lambda.alias),
  );
}

/** The write to make on the stage and on each alias of a target. */
interface TargetWrites {
  stage: (stage: StageTarget) => Promise<void>;
  alias: (lambda: AliasTarget) => Promise<void>;
}

/** Writes the stage (when the target has one) and every alias at the same time; see settleAll. */
async function writeEveryTarget(target: RollbackTargetRecord, writes: TargetWrites): Promise<void> {
  await settleAll([
    ...(target.apiGateway ? [writes.stage(target.apiGateway)] : []),
    ...target.lambdas.map((lambda) => writes.alias(lambda)),
  ]);
}

/** Waits for every write (so none is left running unobserved), then throws the first failure. */
async function settleAll(writes: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(writes);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}
