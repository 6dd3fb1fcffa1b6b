import { GetStageCommand } from '@aws-sdk/client-api-gateway';
import { GetAliasCommand, ListVersionsByFunctionCommand } from '@aws-sdk/client-lambda';
import type { CanaryStep } from '../../core/runbook/schema.js';
import type { RollbackTargetRecord, TrafficStage } from '../../core/session/events.js';
import { UserError } from '../../errors.js';
import type { AwsClients } from './clients.js';
import { callAws } from './errors.js';
import type { LambdaSplit, TrafficSplit } from './types.js';

export type CanaryTargets = CanaryStep['targets'];

export function clientsNow(clients: AwsClients): number {
  return (clients.now ?? Date.now)();
}

export function aliasLabel(functionName: string, alias: string): string {
  return `alias ${alias} of ${functionName}`;
}

export function stageLabel(restApiId: string, stage: string): string {
  return `stage ${stage} of API ${restApiId}`;
}

export async function readStage(
  clients: AwsClients,
  restApiId: string,
  stage: string,
  signal?: AbortSignal,
): Promise<TrafficStage & { stageVariableOverrides?: Record<string, string> }> {
  const answer = await callAws(
    'apigateway',
    'GetStage',
    () =>
      clients.apigateway.send(new GetStageCommand({ restApiId, stageName: stage }), { abortSignal: signal }),
    stageLabel(restApiId, stage),
  );
  if (!answer.deploymentId) {
    throw new UserError(`API Gateway reports no deployment on ${stageLabel(restApiId, stage)}.`, 1);
  }
  const canary = answer.canarySettings;
  return {
    restApiId,
    stage,
    deploymentId: answer.deploymentId,
    canaryDeploymentId: canary?.deploymentId,
    canaryPercent: canary ? (canary.percentTraffic ?? 0) : 0,
    stageVariableOverrides: canary?.stageVariableOverrides,
  };
}

export async function readAlias(
  clients: AwsClients,
  functionName: string,
  alias: string,
  signal?: AbortSignal,
): Promise<LambdaSplit> {
  const answer = await callAws(
    'lambda',
    'GetAlias',
    () =>
      clients.lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: alias }), {
        abortSignal: signal,
      }),
    aliasLabel(functionName, alias),
  );
  if (!answer.FunctionVersion) {
    throw new UserError(`Lambda reports no version behind ${aliasLabel(functionName, alias)}.`, 1);
  }
  // At most one additional version may carry weight (a Lambda rule).
  const [additional] = Object.entries(answer.RoutingConfig?.AdditionalVersionWeights ?? {});
  return {
    functionName,
    alias,
    primaryVersion: answer.FunctionVersion,
    additionalVersion: additional?.[0],
    additionalWeight: additional?.[1] ?? 0,
    revisionId: answer.RevisionId,
  };
}

/** The newest published version above `stable`, following every page of ListVersionsByFunction. */
async function newestVersionAbove(
  clients: AwsClients,
  functionName: string,
  stable: number,
  signal?: AbortSignal,
): Promise<string | undefined> {
  let newest: number | undefined;
  let marker: string | undefined;
  do {
    const page = await callAws(
      'lambda',
      'ListVersionsByFunction',
      () =>
        clients.lambda.send(
          new ListVersionsByFunctionCommand({ FunctionName: functionName, Marker: marker }),
          {
            abortSignal: signal,
          },
        ),
      `versions of ${functionName}`,
    );
    for (const entry of page.Versions ?? []) {
      const version = Number(entry.Version);
      if (Number.isInteger(version) && version > stable && (newest === undefined || version > newest)) {
        newest = version;
      }
    }
    marker = page.NextMarker;
  } while (marker);
  return newest === undefined ? undefined : String(newest);
}

/**
 * Reads where a rollback must go, before any traffic moves: each alias's current version is the
 * stable one; the canary is the runbook's version or else the newest published version above it.
 */
export async function readRollbackTarget(
  clients: AwsClients,
  targets: CanaryTargets,
  signal?: AbortSignal,
): Promise<RollbackTargetRecord> {
  const stagePromise = targets.apiGateway
    ? readStage(clients, targets.apiGateway.restApiId, targets.apiGateway.stage, signal)
    : Promise.resolve(undefined);
  const lambdasPromise = Promise.all(
    targets.lambdas.map(async (target) => {
      const split = await readAlias(clients, target.functionName, target.alias, signal);
      const where = aliasLabel(target.functionName, target.alias);
      const stableVersion = split.primaryVersion;
      const stableNumber = Number(stableVersion);
      if (!Number.isInteger(stableNumber)) {
        throw new UserError(
          `${where} points at ${stableVersion}; a canary needs the alias on a published version, so publish one and point the alias at it first.`,
        );
      }
      const canaryVersion =
        target.canaryVersion ??
        (await newestVersionAbove(clients, target.functionName, stableNumber, signal));
      if (canaryVersion === undefined) {
        throw new UserError(
          `${target.functionName} has no published version newer than ${stableVersion} (the version behind ${where}); publish the release or set canaryVersion in the runbook.`,
        );
      }
      if (!/^\d+$/.test(canaryVersion)) {
        throw new UserError(
          `The canary version of ${target.functionName} is "${canaryVersion}"; weighted aliases need a published version number, never $LATEST.`,
        );
      }
      if (canaryVersion === stableVersion) {
        throw new UserError(
          `The canary version of ${target.functionName} is ${canaryVersion}, which ${where} already serves; there is nothing to shift.`,
        );
      }
      return { functionName: target.functionName, alias: target.alias, stableVersion, canaryVersion };
    }),
  );
  const [stage, lambdas] = await Promise.all([stagePromise, lambdasPromise]);
  return {
    apiGateway: stage && {
      restApiId: stage.restApiId,
      stage: stage.stage,
      deploymentId: stage.deploymentId,
      canaryDeploymentId: stage.canaryDeploymentId,
    },
    lambdas,
  };
}

/** The live split of every target, read in parallel. */
export async function readTrafficSplit(
  clients: AwsClients,
  target: RollbackTargetRecord,
  signal?: AbortSignal,
): Promise<TrafficSplit> {
  const [stage, lambdas] = await Promise.all([
    target.apiGateway
      ? readStage(clients, target.apiGateway.restApiId, target.apiGateway.stage, signal)
      : Promise.resolve(undefined),
    Promise.all(
      target.lambdas.map((lambda) => readAlias(clients, lambda.functionName, lambda.alias, signal)),
    ),
  ]);
  return {
    apiGateway: stage && {
      restApiId: stage.restApiId,
      stage: stage.stage,
      deploymentId: stage.deploymentId,
      canaryDeploymentId: stage.canaryDeploymentId,
      canaryPercent: stage.canaryPercent,
    },
    lambdas,
    readAt: clientsNow(clients),
  };
}

/** One line per way `split` differs from what was expected; empty when it matches. */
export function describeSplit(split: TrafficSplit): string {
  const parts: string[] = [];
  if (split.apiGateway) {
    const stage = split.apiGateway;
    parts.push(
      `${stage.stage} on deployment ${stage.deploymentId}${stage.canaryDeploymentId ? ` with ${stage.canaryPercent}% to canary ${stage.canaryDeploymentId}` : ' without canary'}`,
    );
  }
  for (const lambda of split.lambdas) {
    parts.push(
      `${lambda.functionName}:${lambda.alias} on version ${lambda.primaryVersion}${lambda.additionalVersion ? ` with ${round(lambda.additionalWeight * 100)}% to version ${lambda.additionalVersion}` : ''}`,
    );
  }
  return parts.join(', ');
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
