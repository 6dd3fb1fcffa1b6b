import { GetStageCommand, type PatchOperation, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { GetAliasCommand, ListVersionsByFunctionCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClients } from '../../../src/services/aws/clients.js';

export interface StageState {
  deploymentId: string;
  variables: Record<string, string>;
  canarySettings?: {
    deploymentId: string;
    percentTraffic: number;
    stageVariableOverrides?: Record<string, string>;
  };
}

export interface AliasState {
  FunctionVersion: string;
  weights: Record<string, number>;
  RevisionId: number;
}

/**
 * aws-sdk-client-mock on real client instances, answering from a little in-memory state so that
 * a write followed by a read-back behaves as AWS would. Tests assert the exact commands sent.
 */
export function mockWorld(clients: AwsClients) {
  const stage: StageState = {
    deploymentId: 'dep-stable',
    variables: { color: 'blue' },
    canarySettings: { deploymentId: 'dep-canary', percentTraffic: 0 },
  };
  const aliases = new Map<string, AliasState>([
    ['bbws-orders', { FunctionVersion: '41', weights: {}, RevisionId: 1 }],
    ['bbws-auth', { FunctionVersion: '6', weights: {}, RevisionId: 1 }],
  ]);
  const apigateway = mockClient(clients.apigateway);
  const lambda = mockClient(clients.lambda);

  apigateway.on(GetStageCommand).callsFake(async () => ({
    stageName: 'prod',
    deploymentId: stage.deploymentId,
    variables: { ...stage.variables },
    canarySettings: stage.canarySettings && { ...stage.canarySettings },
  }));
  apigateway.on(UpdateStageCommand).callsFake(async (input: { patchOperations: PatchOperation[] }) => {
    for (const operation of input.patchOperations) applyPatch(stage, operation);
    return { deploymentId: stage.deploymentId };
  });
  lambda.on(GetAliasCommand).callsFake(async (input: { FunctionName: string; Name: string }) => {
    const alias = aliases.get(input.FunctionName);
    if (!alias) throw Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' });
    return {
      Name: input.Name,
      FunctionVersion: alias.FunctionVersion,
      RoutingConfig: { AdditionalVersionWeights: { ...alias.weights } },
      RevisionId: `rev-${alias.RevisionId}`,
    };
  });
  lambda
    .on(UpdateAliasCommand)
    .callsFake(
      async (input: {
        FunctionName: string;
        FunctionVersion: string;
        RoutingConfig: { AdditionalVersionWeights: Record<string, number> };
        RevisionId?: string;
      }) => {
        const alias = aliases.get(input.FunctionName)!;
        if (input.RevisionId && input.RevisionId !== `rev-${alias.RevisionId}`) {
          throw Object.assign(new Error('The Revision Id provided does not match the latest Revision Id.'), {
            name: 'PreconditionFailedException',
            $metadata: { httpStatusCode: 412 },
          });
        }
        alias.FunctionVersion = input.FunctionVersion;
        alias.weights = { ...input.RoutingConfig.AdditionalVersionWeights };
        alias.RevisionId++;
        return { FunctionVersion: alias.FunctionVersion };
      },
    );
  lambda.on(ListVersionsByFunctionCommand).resolves({ Versions: [] });
  return { stage, aliases, apigateway, lambda };
}

function applyPatch(stage: StageState, operation: PatchOperation): void {
  const badRequest = (message: string) =>
    Object.assign(new Error(message), { name: 'BadRequestException', $metadata: { httpStatusCode: 400 } });
  switch (`${operation.op} ${operation.path}`) {
    case 'replace /canarySettings/percentTraffic':
      if (!stage.canarySettings) throw badRequest('Stage has no canary settings');
      stage.canarySettings.percentTraffic = Number(operation.value);
      return;
    case 'remove /canarySettings':
      if (!stage.canarySettings) throw badRequest('Stage has no canary settings');
      stage.canarySettings = undefined;
      return;
    case 'replace /deploymentId':
      stage.deploymentId = operation.value!;
      return;
    case 'copy /deploymentId':
      if (!stage.canarySettings) throw badRequest('Stage has no canary settings');
      stage.deploymentId = stage.canarySettings.deploymentId;
      return;
    case 'copy /variables':
      stage.variables = { ...stage.variables, ...stage.canarySettings?.stageVariableOverrides };
      return;
    default:
      throw badRequest(`Unsupported patch ${operation.op} ${operation.path}`);
  }
}
