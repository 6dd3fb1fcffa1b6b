import { safeText } from '../../core/text/safe-text.js';
import { UserError } from '../../errors.js';
import { packagedDoc } from '../package-files.js';
import { type AwsService, findOperation, serviceTitles } from './operations.js';

/**
 * Turns whatever the AWS SDK threw into ONE sentence a release conductor can act on at 2 a.m.:
 * what happened, to which call, and what to do next. No stack traces, no SDK jargon.
 */

export interface AwsErrorContext {
  /** The operation, e.g. "UpdateAlias" (a trailing "Command" is ignored). */
  operation?: string;
  envTitle?: string;
  profile?: string;
  /** What the call was about, e.g. "alias live of bbws-orders", for not-found sentences. */
  resource?: string;
}

/** An AWS call failed: the message is already the sentence; the SDK error is kept as `cause`. */
export class AwsCallError extends UserError {
  readonly service: AwsService;
  readonly operation: string;
  readonly resource?: string;
  /** The AWS error code or Node error code, e.g. "AccessDeniedException", "ECONNREFUSED". */
  readonly code: string;
  readonly httpStatus?: number;
  override readonly cause: unknown;

  constructor(service: AwsService, operation: string, cause: unknown, resource?: string) {
    super(describeAwsError(cause, { operation, resource }), 1);
    this.name = 'AwsCallError';
    this.service = service;
    this.operation = operation;
    this.resource = resource;
    this.cause = cause;
    const facts = errorFacts(cause);
    this.code = facts.code;
    this.httpStatus = facts.status;
  }
}

/**
 * Runs one SDK call and wraps its failure in an AwsCallError. `run` is invoked synchronously, so
 * the request starts in the caller's tick (the rollback path relies on this).
 */
export async function callAws<T>(
  service: AwsService,
  operation: string,
  run: () => Promise<T>,
  resource?: string,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw error instanceof AwsCallError ? error : new AwsCallError(service, operation, error, resource);
  }
}

interface ErrorFacts {
  code: string;
  name: string;
  message: string;
  status?: number;
  attempts?: number;
  /** Node system errors: where the connection went. */
  address?: string;
  port?: number;
  hostname?: string;
}

function errorFacts(error: unknown): ErrorFacts {
  if (typeof error !== 'object' || error === null) {
    return { code: '', name: '', message: String(error) };
  }
  const record = error as Record<string, unknown>;
  const metadata = (record.$metadata ?? {}) as { httpStatusCode?: number; attempts?: number };
  const name = typeof record.name === 'string' ? record.name : '';
  // Query-compatible services (CloudWatch) also carry the classic code in `Code`.
  const code =
    (typeof record.code === 'string' && record.code) ||
    (typeof record.Code === 'string' && record.Code) ||
    (typeof record.__type === 'string' && record.__type) ||
    name;
  return {
    code,
    name,
    message: typeof record.message === 'string' ? record.message : '',
    status: metadata.httpStatusCode ?? (record.$response as { statusCode?: number } | undefined)?.statusCode,
    attempts: metadata.attempts,
    address: typeof record.address === 'string' ? record.address : undefined,
    port: typeof record.port === 'number' ? record.port : undefined,
    hostname: typeof record.hostname === 'string' ? record.hostname : undefined,
  };
}

const credentialCodes = new Set([
  'CredentialsProviderError',
  'TokenProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'MissingAuthenticationToken',
  'IncompleteSignature',
]);
const accessDeniedCodes = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
const throttlingCodes = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);
const notFoundCodes = new Set(['ResourceNotFoundException', 'NotFoundException', 'NotFound']);
const networkCauses: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
};

function operationLabel(context: AwsErrorContext): string {
  const known = findOperation(context.operation);
  if (known) return `${serviceTitles[known.service]} ${known.operation}`;
  return context.operation ? context.operation.replace(/Command$/, '') : 'the AWS call';
}

function inEnv(context: AwsErrorContext): string {
  return context.envTitle ? ` in ${context.envTitle}` : '';
}

function seconds(ms: number): string {
  const value = ms / 1000;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} s`;
}

function attemptsNote(facts: ErrorFacts): string {
  return facts.attempts && facts.attempts > 1 ? ` (${facts.attempts} attempts)` : '';
}

/** Strips what an AWS message repeats from its code, and any trailing period, to embed it in a sentence. */
function quote(message: string): string {
  return message.trim().replace(/\s+/g, ' ').replace(/\.$/, '');
}

/**
 * The sentence for a failed AWS call. AWS messages (and whatever a proxy or endpoint answered) are
 * text from outside: control sequences in them are removed before the sentence is shown anywhere.
 */
export function describeAwsError(error: unknown, context: AwsErrorContext = {}): string {
  return safeText(sentenceFor(error, context));
}

function sentenceFor(error: unknown, context: AwsErrorContext): string {
  if (error instanceof AwsCallError) {
    return describeAwsError(error.cause, {
      ...context,
      operation: context.operation ?? error.operation,
      resource: context.resource ?? error.resource,
    });
  }
  if (error instanceof UserError) return error.message;

  const facts = errorFacts(error);
  const op = operationLabel(context);
  const env = inEnv(context);
  const profile = context.profile;
  const code = facts.code;

  if (code === 'AbortError' || facts.name === 'AbortError') {
    return `${op}${env} was cancelled before AWS answered.`;
  }

  if (code === 'TimeoutError' || facts.name === 'TimeoutError' || code === 'ETIMEDOUT') {
    const ms = /(\d+) ?ms/.exec(facts.message)?.[1];
    const within = ms ? `within ${seconds(Number(ms))}` : 'in time';
    return `${op}${env} did not answer ${within}${attemptsNote(facts)}; check the network and the endpoint, then try again.`;
  }

  if (
    credentialCodes.has(code) ||
    /credentials|security token|SSO session|sso login/i.test(facts.message) ||
    /CredentialsProviderError|TokenProviderError/.test(facts.name)
  ) {
    const login = profile
      ? `run \`aws sso login --profile ${profile}\``
      : 'log in again (e.g. `aws sso login --profile <profile>`) or export fresh credentials';
    return `The AWS credentials${env}${profile ? ` (profile ${profile})` : ''} are missing, invalid or expired, so ${op} was refused; ${login} and try again.`;
  }

  if (accessDeniedCodes.has(code) || (facts.status === 403 && /not authorized/i.test(facts.message))) {
    const denied = /not authorized to perform:? ?([\w-]+:[\w*-]+)/i.exec(facts.message)?.[1];
    const action = denied ?? findOperation(context.operation)?.iamAction ?? 'the action';
    const principal = /User: (\S+)/.exec(facts.message)?.[1];
    const onResource = /on resource:? ?(\S+?)(?:\s|$)/.exec(facts.message)?.[1];
    const who = principal ? `${principal} is` : `the credentials${env} are`;
    const where = onResource ? ` on ${onResource}` : '';
    return `Access denied: ${who} not allowed ${action}${where}; add ${action} to the role's IAM policy (${packagedDoc('aws.md')} lists every action conductor needs).`;
  }

  if (throttlingCodes.has(code) || facts.status === 429) {
    return `AWS throttled ${op}${env}${attemptsNote(facts)}; wait a minute and try again, or ask for a higher quota.`;
  }

  if (notFoundCodes.has(code) || facts.status === 404) {
    const what = context.resource ?? 'the resource';
    const detail = facts.message ? ` (AWS says: ${quote(facts.message)})` : '';
    return `${op}${env} found no ${what}${detail}; check the names in the runbook's targets.`;
  }

  if (code === 'PreconditionFailedException' || facts.status === 412) {
    return `${op}${env} was refused because ${context.resource ?? 'the alias'} changed since it was read (someone else moved traffic); read the live split and try again.`;
  }

  if (code in networkCauses) {
    const host =
      facts.address !== undefined ? `${facts.address}${facts.port ? `:${facts.port}` : ''}` : facts.hostname;
    const target = host ? ` at ${host}` : '';
    return `Could not reach AWS${target} for ${op}${env}: ${networkCauses[code]}; check the endpoint (AWS_ENDPOINT_URL) and the network.`;
  }

  if (code === 'ConflictException' || facts.status === 409) {
    return `${op}${env} conflicted with another change in progress (${quote(facts.message)}); try again in a moment.`;
  }

  if (facts.status !== undefined && facts.status >= 500) {
    return `AWS failed to answer ${op}${env} (HTTP ${facts.status}${code ? ` ${code}` : ''})${attemptsNote(facts)}; try again in a moment.`;
  }

  if (facts.status !== undefined && facts.status >= 400) {
    const detail = facts.message ? `: ${quote(facts.message)}` : '';
    return `AWS rejected ${op}${env} (${code || `HTTP ${facts.status}`})${detail}.`;
  }

  const detail = facts.message ? quote(facts.message) : String(error);
  return `${op}${env} failed: ${detail}.`;
}

/** The credentials were missing, invalid or expired (not an access denial): who they are must be checked again. */
export function isCredentialsError(error: unknown): boolean {
  const facts = errorFacts(error instanceof AwsCallError ? error.cause : error);
  return (
    credentialCodes.has(facts.code) ||
    /credentials|security token|SSO session|sso login/i.test(facts.message) ||
    /CredentialsProviderError|TokenProviderError/.test(facts.name)
  );
}

/** Errors worth sending again: throttling, server faults, timeouts and dropped connections. */
export function isRetryableAwsError(error: unknown): boolean {
  const facts = errorFacts(error instanceof AwsCallError ? error.cause : error);
  if (facts.code === 'AbortError' || facts.name === 'AbortError') return false;
  if (throttlingCodes.has(facts.code) || facts.status === 429) return true;
  if (facts.status !== undefined && facts.status >= 500) return true;
  if (facts.code === 'TimeoutError' || facts.name === 'TimeoutError' || facts.code === 'ETIMEDOUT')
    return true;
  return facts.code in networkCauses;
}
