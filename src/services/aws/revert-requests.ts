import { type PatchOperation, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { UpdateAliasCommand } from '@aws-sdk/client-lambda';
import type { RollbackTargetRecord } from '../../core/session/events.js';
import type { AwsClients } from './clients.js';
import { callAws } from './errors.js';
import { aliasLabel, stageLabel } from './traffic-read.js';

/**
 * The writes that send traffic back to the stable version, said once: the rollback sends them
 * (rollback.ts) and signs them ahead of the key (signed-revert.ts).
 */
export interface RevertRequest {
  /** 'apigateway' or the function name (what a RollbackAttempt names). */
  target: string;
  service: 'apigateway' | 'lambda';
  /** The SDK command, new at each call. */
  command(): UpdateStageCommand | UpdateAliasCommand;
  /** Sends it through the SDK (its retries, its errors as AwsCallError); the request starts in this tick. */
  send(clients: AwsClients, signal?: AbortSignal): Promise<unknown>;
}

/** The stage's writes: the canary share to 0 and the canary removed, or the stable deployment back. */
export function stageOperations(
  target: NonNullable<RollbackTargetRecord['apiGateway']>,
  promoted: boolean,
): PatchOperation[] {
  if (promoted) return [{ op: 'replace', path: '/deploymentId', value: target.deploymentId }];
  return [
    { op: 'replace', path: '/canarySettings/percentTraffic', value: '0.0' },
    { op: 'remove', path: '/canarySettings' },
  ];
}

/**
 * The revert's requests: the stage's patch when there is one (`stageOps`), then each alias wholly
 * on its stable version (only those in `lambdaNames` when given). No RevisionId: they win over
 * whatever state the targets are in, and sending one twice leaves the same state.
 */
export function revertRequests(
  target: RollbackTargetRecord,
  stageOps: PatchOperation[] | undefined,
  lambdaNames?: Set<string>,
): RevertRequest[] {
  const requests: RevertRequest[] = [];
  const stage = target.apiGateway;
  if (stage && stageOps) {
    const input = { restApiId: stage.restApiId, stageName: stage.stage, patchOperations: stageOps };
    const command = () => new UpdateStageCommand(input);
    requests.push({
      target: 'apigateway',
      service: 'apigateway',
      command,
      send: (clients, signal) =>
        callAws(
          'apigateway',
          'UpdateStage',
          () => clients.apigateway.send(command(), { abortSignal: signal }),
          stageLabel(stage.restApiId, stage.stage),
        ),
    });
  }
  for (const lambda of target.lambdas) {
    if (lambdaNames && !lambdaNames.has(lambda.functionName)) continue;
    const input = {
      FunctionName: lambda.functionName,
      Name: lambda.alias,
      FunctionVersion: lambda.stableVersion,
      RoutingConfig: { AdditionalVersionWeights: {} },
    };
    const command = () => new UpdateAliasCommand(input);
    requests.push({
      target: lambda.functionName,
      service: 'lambda',
      command,
      send: (clients, signal) =>
        callAws(
          'lambda',
          'UpdateAlias',
          () => clients.lambda.send(command(), { abortSignal: signal }),
          aliasLabel(lambda.functionName, lambda.alias),
        ),
    });
  }
  return requests;
}
