/**
 * Every AWS operation conductor calls, with the IAM action it needs. One table so that an
 * access-denied sentence can name the missing action, and docs/aws.md's least-privilege policy
 * can be checked against the code (test/services/aws/iam-policy.test.ts).
 */
export type AwsService = 'cloudwatch' | 'lambda' | 'apigateway' | 'sts';

export const serviceTitles: Record<AwsService, string> = {
  cloudwatch: 'CloudWatch',
  lambda: 'Lambda',
  apigateway: 'API Gateway',
  sts: 'STS',
};

export interface AwsOperation {
  service: AwsService;
  operation: string;
  /** The IAM action, as written in a policy. API Gateway authorises by HTTP method on a resource path. */
  iamAction: string;
}

export const awsOperations: readonly AwsOperation[] = [
  { service: 'cloudwatch', operation: 'GetMetricData', iamAction: 'cloudwatch:GetMetricData' },
  { service: 'lambda', operation: 'GetAlias', iamAction: 'lambda:GetAlias' },
  { service: 'lambda', operation: 'UpdateAlias', iamAction: 'lambda:UpdateAlias' },
  { service: 'lambda', operation: 'ListVersionsByFunction', iamAction: 'lambda:ListVersionsByFunction' },
  { service: 'apigateway', operation: 'GetStage', iamAction: 'apigateway:GET' },
  { service: 'apigateway', operation: 'UpdateStage', iamAction: 'apigateway:PATCH' },
  // Needs no permission (STS always answers who you are), listed so the table is complete.
  { service: 'sts', operation: 'GetCallerIdentity', iamAction: 'sts:GetCallerIdentity' },
];

export function findOperation(operation: string | undefined): AwsOperation | undefined {
  if (!operation) return undefined;
  const bare = operation.replace(/Command$/, '');
  return awsOperations.find((entry) => entry.operation === bare);
}
