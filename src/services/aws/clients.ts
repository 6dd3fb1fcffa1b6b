import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { STSClient } from '@aws-sdk/client-sts';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type {
  AwsCredentialIdentity,
  FinalizeRequestMiddleware,
  HandlerExecutionContext,
} from '@smithy/types';
import { UserError } from '../../errors.js';
import { describeAwsError } from './errors.js';
import type { AwsService } from './operations.js';

// The SDK warns once per process that it will soon need Node 22; on Node 20 that warning would
// land in the middle of the full-screen UI. It is read when a client is constructed, not imported.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface RetryInfo {
  service: string;
  operation: string;
  /** The attempt now being sent (2 for the first retry). */
  attempt: number;
  /** The failure of the previous attempt, as one sentence. */
  error: string;
  /** How long the SDK waited before this attempt, measured. */
  delayMs?: number;
}

export interface AwsClientOptions {
  region: string;
  /** Named profile of the shared config (SSO works); otherwise the standard chain (env vars, ...). */
  profile?: string;
  /** Endpoint override; when absent the standard AWS_ENDPOINT_URL* variables and endpoint_url apply. */
  endpoint?: string;
  credentials?: AwsCredentialIdentity;
  /** Bound on one attempt, from sending the request to the end of the answer. Default 10000. */
  requestTimeoutMs?: number;
  /** Attempts per call including the first (throttling and transient failures are retried). Default 5. */
  maxAttempts?: number;
  onRetry?: (info: RetryInfo) => void;
  /** The clock that stamps what is read (an accelerated clock in a rehearsal). Default Date.now. */
  now?: () => number;
  /**
   * Speed of that clock. Above 1 (a rehearsal), retries back off on the accelerated clock like every
   * other wait: the SDK's adaptive rate limiter waits in real seconds, which at 600x is many clock
   * minutes, and polls cut short by their deadline starve it so no call goes out at all.
   */
  clockSpeed?: number;
}

export interface AwsClients {
  cloudwatch: CloudWatchClient;
  lambda: LambdaClient;
  apigateway: APIGatewayClient;
  sts: STSClient;
  /** Clock for `readAt` stamps; Date.now when absent. */
  now?: () => number;
  /** Closes the sockets of every client. */
  destroy(): void;
}

export const defaultRequestTimeoutMs = 10_000;
export const defaultMaxAttempts = 5;

interface AttemptState {
  failedAt?: number;
  error?: string;
}

/**
 * A middleware that sits inside the SDK's retry loop, so it sees every attempt. When an attempt
 * other than the first goes out, the previous one failed and the SDK chose to retry: report it.
 */
function retryReporter<Input extends object, Output extends object>(
  service: AwsService,
  onRetry: (info: RetryInfo) => void,
): FinalizeRequestMiddleware<Input, Output> {
  const attempts = new WeakMap<HandlerExecutionContext, AttemptState>();
  return (next, context) => async (args) => {
    const state = attempts.get(context) ?? {};
    attempts.set(context, state);
    const header = (args.request as { headers?: Record<string, string> }).headers?.['amz-sdk-request'];
    const attempt = Number(/attempt=(\d+)/.exec(header ?? '')?.[1] ?? '1');
    const operation = (context.commandName ?? 'unknown').replace(/Command$/, '');
    if (attempt > 1 && state.error !== undefined) {
      onRetry({
        service,
        operation,
        attempt,
        error: state.error,
        delayMs: state.failedAt === undefined ? undefined : Date.now() - state.failedAt,
      });
    }
    try {
      return await next(args);
    } catch (error) {
      state.error = describeAwsError(error, { operation });
      state.failedAt = Date.now();
      throw error;
    }
  };
}

/** Exponential backoff (the SDK's throttling base, without jitter) divided by the clock's speed. */
function clockScaledRetries(maxAttempts: number, speed: number) {
  return new ConfiguredRetryStrategy(maxAttempts, (attempt) =>
    Math.max(1, Math.round(Math.min(20_000, 250 * 2 ** attempt) / speed)),
  );
}

export function createAwsClients(options: AwsClientOptions): AwsClients {
  const requestTimeout = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
  const maxAttempts = options.maxAttempts ?? defaultMaxAttempts;
  const speed = options.clockSpeed ?? 1;
  const common = {
    region: options.region,
    profile: options.profile,
    credentials: options.credentials,
    maxAttempts,
    ...(speed > 1 ? { retryStrategy: clockScaledRetries(maxAttempts, speed) } : { retryMode: 'adaptive' }),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  } as const;
  const handler = () =>
    new NodeHttpHandler({
      connectionTimeout: Math.min(requestTimeout, 5_000),
      requestTimeout,
      // Without this a breached requestTimeout only logs a warning and the call can hang forever.
      throwOnRequestTimeout: true,
      socketTimeout: requestTimeout,
    });

  const cloudwatch = new CloudWatchClient({ ...common, requestHandler: handler() });
  const lambda = new LambdaClient({ ...common, requestHandler: handler() });
  const apigateway = new APIGatewayClient({ ...common, requestHandler: handler() });
  const sts = new STSClient({ ...common, requestHandler: handler() });

  if (options.onRetry) {
    const onRetry = options.onRetry;
    const placement = {
      relation: 'after',
      toMiddleware: 'retryMiddleware',
      name: 'conductorRetryReporter',
    } as const;
    cloudwatch.middlewareStack.addRelativeTo(retryReporter('cloudwatch', onRetry), placement);
    lambda.middlewareStack.addRelativeTo(retryReporter('lambda', onRetry), placement);
    apigateway.middlewareStack.addRelativeTo(retryReporter('apigateway', onRetry), placement);
    sts.middlewareStack.addRelativeTo(retryReporter('sts', onRetry), placement);
  }

  return {
    cloudwatch,
    lambda,
    apigateway,
    sts,
    now: options.now,
    destroy() {
      cloudwatch.destroy();
      lambda.destroy();
      apigateway.destroy();
      sts.destroy();
    },
  };
}

/**
 * The rehearsal guard: a rehearsal must never reach AWS, so every endpoint it uses must be on
 * this machine. Throws unless the host is 127.0.0.0/8, localhost or ::1.
 */
export function assertLoopbackEndpoint(url: string): void {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new UserError(
      `"${url}" is not an endpoint URL; a rehearsal needs one such as http://127.0.0.1:4566.`,
    );
  }
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  const loopback =
    bare === 'localhost' ||
    bare === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) ||
    // ::ffff:127.0.0.1 as the URL parser writes it
    /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(bare);
  if (!loopback) {
    throw new UserError(
      `Refusing to rehearse against ${url}: a rehearsal may only use a loopback endpoint (127.0.0.1, localhost or ::1), never a real AWS account.`,
    );
  }
}
