import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import {
  AwsCallError,
  callAws,
  describeAwsError,
  isRetryableAwsError,
} from '../../../src/services/aws/errors.js';
import { serviceError } from './fixtures.js';

function oneSentence(text: string) {
  expect(text).not.toMatch(/\n/);
  expect(text).not.toMatch(/\bat .*\.js:\d+/);
  expect(text.trim().endsWith('.')).toBe(true);
}

describe('describeAwsError', () => {
  it('names the missing IAM action and the principal when access is denied', () => {
    const error = serviceError(
      'AccessDeniedException',
      403,
      'User: arn:aws:sts::123456789012:assumed-role/deployer/jo is not authorized to perform: lambda:UpdateAlias on resource: arn:aws:lambda:af-south-1:123456789012:function:bbws-orders:live because no identity-based policy allows the lambda:UpdateAlias action',
    );
    const text = describeAwsError(error, { operation: 'UpdateAlias' });
    expect(text).toContain('lambda:UpdateAlias');
    expect(text).toContain('arn:aws:sts::123456789012:assumed-role/deployer/jo');
    expect(text).toContain('arn:aws:lambda:af-south-1:123456789012:function:bbws-orders:live');
    oneSentence(text);
  });

  it('falls back to the action of the operation when AWS does not name it', () => {
    const text = describeAwsError(serviceError('AccessDeniedException', 403, 'Forbidden'), {
      operation: 'UpdateStageCommand',
    });
    expect(text).toContain('apigateway:PATCH');
  });

  it('tells how to log in again when SSO credentials expired', () => {
    const error = Object.assign(
      new Error(
        'The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.',
      ),
      { name: 'CredentialsProviderError' },
    );
    const text = describeAwsError(error, {
      operation: 'GetCallerIdentity',
      profile: 'bbws-prod',
      envTitle: 'PROD',
    });
    expect(text).toContain('aws sso login --profile bbws-prod');
    expect(text).toContain('PROD');
    oneSentence(text);
  });

  it('treats an expired token answer like expired credentials', () => {
    const text = describeAwsError(
      serviceError('ExpiredTokenException', 400, 'The security token included in the request is expired'),
      {
        profile: 'sit',
      },
    );
    expect(text).toContain('aws sso login --profile sit');
  });

  it('says AWS throttled the call and how many attempts were made', () => {
    const text = describeAwsError(serviceError('TooManyRequestsException', 429, 'Rate exceeded', 5), {
      operation: 'GetAlias',
    });
    expect(text).toBe(
      'AWS throttled Lambda GetAlias (5 attempts); wait a minute and try again, or ask for a higher quota.',
    );
  });

  it('gives the timeout in seconds when a request hung', () => {
    const error = Object.assign(
      new Error(
        '@smithy/node-http-handler - [ERROR] a request has exceeded the configured 10000 ms requestTimeout.',
      ),
      { name: 'TimeoutError', $metadata: { attempts: 1 } },
    );
    expect(describeAwsError(error, { operation: 'GetMetricData' })).toBe(
      'CloudWatch GetMetricData did not answer within 10 s; check the network and the endpoint, then try again.',
    );
  });

  it('says a call was cancelled when its signal aborted', () => {
    const error = Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    expect(describeAwsError(error, { operation: 'GetStage', envTitle: 'PROD' })).toBe(
      'API Gateway GetStage in PROD was cancelled before AWS answered.',
    );
  });

  it('names the resource that was not found', () => {
    const error = serviceError(
      'ResourceNotFoundException',
      404,
      'Function not found: arn:aws:lambda:af-south-1:123456789012:function:bbws-order:live',
    );
    const text = describeAwsError(error, { operation: 'GetAlias', resource: 'alias live of bbws-order' });
    expect(text).toContain('alias live of bbws-order');
    expect(text).toContain('function:bbws-order:live');
    oneSentence(text);
  });

  it('says where a refused connection went', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 4566,
    });
    expect(describeAwsError(error, { operation: 'GetStage' })).toBe(
      'Could not reach AWS at 127.0.0.1:4566 for API Gateway GetStage: the connection was refused; check the endpoint (AWS_ENDPOINT_URL) and the network.',
    );
  });

  it('explains a stale RevisionId as someone else moving traffic', () => {
    const text = describeAwsError(
      serviceError('PreconditionFailedException', 412, 'The RevisionId provided does not match'),
      {
        operation: 'UpdateAlias',
        resource: 'alias live of bbws-orders',
      },
    );
    expect(text).toContain('alias live of bbws-orders changed since it was read');
  });

  it('quotes the message of any other rejection', () => {
    expect(
      describeAwsError(
        serviceError('BadRequestException', 400, 'Invalid patch path /canarySettings/percentTraffic.'),
        {
          operation: 'UpdateStage',
        },
      ),
    ).toBe(
      'AWS rejected API Gateway UpdateStage (BadRequestException): Invalid patch path /canarySettings/percentTraffic.',
    );
  });

  it('keeps a UserError as it is and re-describes a wrapped call with more context', () => {
    expect(describeAwsError(new UserError('Already one sentence.'))).toBe('Already one sentence.');
    const wrapped = new AwsCallError(
      'sts',
      'GetCallerIdentity',
      serviceError('ExpiredToken', 403, 'expired'),
    );
    expect(wrapped.message).toContain('aws sso login --profile <profile>');
    expect(describeAwsError(wrapped, { profile: 'prod' })).toContain('aws sso login --profile prod');
  });
});

describe('callAws', () => {
  it('wraps a failure with the service, the operation and the sentence, and keeps the cause', async () => {
    const cause = serviceError('TooManyRequestsException', 429, 'Rate exceeded');
    const failure = await callAws('lambda', 'GetAlias', () => Promise.reject(cause)).catch((error) => error);
    expect(failure).toBeInstanceOf(AwsCallError);
    expect(failure.operation).toBe('GetAlias');
    expect(failure.code).toBe('TooManyRequestsException');
    expect(failure.httpStatus).toBe(429);
    expect(failure.cause).toBe(cause);
    expect(failure.message).toContain('AWS throttled Lambda GetAlias');
  });
});

describe('isRetryableAwsError', () => {
  it('retries throttling, server faults, timeouts and dropped connections, not refusals', () => {
    expect(isRetryableAwsError(serviceError('TooManyRequestsException', 429, ''))).toBe(true);
    expect(isRetryableAwsError(serviceError('ServiceUnavailable', 503, ''))).toBe(true);
    expect(isRetryableAwsError(Object.assign(new Error('x'), { name: 'TimeoutError' }))).toBe(true);
    expect(isRetryableAwsError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryableAwsError(serviceError('AccessDeniedException', 403, ''))).toBe(false);
    expect(isRetryableAwsError(Object.assign(new Error('x'), { name: 'AbortError' }))).toBe(false);
  });
});

describe('describeAwsError on a hostile message', () => {
  it('removes escape sequences an endpoint put in its error message', () => {
    const hostile = serviceError(
      'ValidationException',
      400,
      'bad alias \u001b]52;c;SGVsbG8=\u0007\u001b]2;pwned\u0007\u001b[2Jname\u009b31m',
    );
    const text = describeAwsError(hostile, { operation: 'UpdateAlias' });
    expect(text).toContain('bad alias name');
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    const wrapped = new AwsCallError('lambda', 'UpdateAlias', new Error('\u001b]2;pwned\u0007boom'));
    expect(wrapped.message).toBe('Lambda UpdateAlias failed: boom.');
  });
});
