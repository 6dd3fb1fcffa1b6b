import { LambdaServiceException } from '@aws-sdk/client-lambda';
import type { CanaryStep } from '../../../src/core/runbook/schema.js';
import type { RollbackTargetRecord } from '../../../src/core/session/events.js';
import { type AwsClients, createAwsClients } from '../../../src/services/aws/clients.js';

/** Clients that never reach the network: unit tests put aws-sdk-client-mock on each of them. */
export function offlineClients(now?: () => number): AwsClients {
  return createAwsClients({
    region: 'af-south-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    endpoint: 'http://127.0.0.1:9',
    maxAttempts: 1,
    now,
  });
}

export const canaryTargets: CanaryStep['targets'] = {
  apiGateway: { restApiId: 'a1b2c3', apiName: 'bbws-api', stage: 'prod', canaryStage: 'prod/Canary' },
  lambdas: [
    { functionName: 'bbws-orders', alias: 'live' },
    { functionName: 'bbws-auth', alias: 'live', canaryVersion: '7' },
  ],
};

export const recordedTarget: RollbackTargetRecord = {
  apiGateway: {
    restApiId: 'a1b2c3',
    stage: 'prod',
    deploymentId: 'dep-stable',
    canaryDeploymentId: 'dep-canary',
  },
  lambdas: [
    { functionName: 'bbws-orders', alias: 'live', stableVersion: '41', canaryVersion: '42' },
    { functionName: 'bbws-auth', alias: 'live', stableVersion: '6', canaryVersion: '7' },
  ],
};

/** An error as the SDK builds it from a service's answer. */
export function serviceError(name: string, status: number, message: string, attempts = 1): Error {
  return new LambdaServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, attempts },
    message,
  });
}
