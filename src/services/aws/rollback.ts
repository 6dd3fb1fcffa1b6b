import type { PatchOperation } from '@aws-sdk/client-api-gateway';
import type { RollbackTargetRecord } from '../../core/session/events.js';
import { UserError } from '../../errors.js';
import type { AwsClients } from './clients.js';
import { AwsCallError, describeAwsError, isRetryableAwsError } from './errors.js';
import { revertRequests, stageOperations } from './revert-requests.js';
import { revertKey, type SignedRevert, sendSigned } from './signed-revert.js';
import { describeSplit, readTrafficSplit } from './traffic-read.js';
import { type ExpectedSplit, splitMismatches } from './traffic-verify.js';
import type { TrafficSplit } from './types.js';

/**
 * The one-key abort. Every rollback request starts synchronously, in the tick `rollback` is
 * called: nothing (no read, no await, no callback) sits between the key and the requests. The
 * writes carry no RevisionId, so they win over whatever state the targets are in, and they are
 * idempotent: sending one twice leaves the same state. Throttling and dropped connections are
 * retried with backoff until the write lands or the signal aborts; then AWS is read back.
 */

export interface RollbackAttempt {
  /** 'apigateway' or the function name. */
  target: string;
  /** 1 for the first request to this target. */
  attempt: number;
  /** Why the previous attempt failed, as one sentence. */
  previousError?: string;
}

export interface RollbackOptions {
  /** The canary was promoted: the stage must go back to the recorded stable deployment. */
  promoted: boolean;
  signal?: AbortSignal;
  /** Called right after each rollback request has gone out (never before the first one). */
  onAttempt?: (attempt: RollbackAttempt) => void;
  /**
   * One round only: each request is sent once (the SDK still retries it) and AWS read back once;
   * a failure is thrown, for a caller that tries again on its own schedule (the engine does: it
   * says each failure on screen and journals it).
   */
  once?: boolean;
  /**
   * The first round's requests, signed ahead of the key (signed-revert.ts): written straight to a
   * socket, without the SDK's middleware (1.5 to 7 ms of the abort path in bench/abort). Used only
   * when signed for this target and this `promoted`; each one that does not land goes by the SDK.
   */
  signed?: SignedRevert;
}

const firstBackoffMs = 250;
const maxBackoffMs = 5_000;
/** Rounds of write-then-read when AWS reads back something else (someone wrote in between). */
const maxRounds = 3;

function backoff(attempt: number, signal?: AbortSignal): Promise<void> {
  const ms = Math.min(maxBackoffMs, firstBackoffMs * 2 ** (attempt - 1));
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Sends `request` until it succeeds, retrying errors worth retrying. Resolves with the last
 * non-retryable failure instead of throwing, so the caller can read back and decide. The first
 * request is made synchronously.
 */
async function sendUntilDone(
  target: string,
  request: () => Promise<unknown>,
  options: RollbackOptions,
): Promise<AwsCallError | undefined> {
  let previousError: string | undefined;
  for (let attempt = 1; ; attempt++) {
    const sent = request();
    options.onAttempt?.({ target, attempt, previousError });
    try {
      await sent;
      return undefined;
    } catch (error) {
      if (options.signal?.aborted || options.once || !isRetryableAwsError(error)) {
        if (options.signal?.aborted) throw error;
        return error instanceof AwsCallError ? error : undefined;
      }
      previousError = describeAwsError(error);
      await backoff(attempt, options.signal);
    }
  }
}

/**
 * Starts every request of one round (synchronously) and waits for all of them. A request signed
 * ahead of the key (`signed`) goes straight to the socket; when it does not land, the SDK sends it.
 */
function sendRound(
  clients: AwsClients,
  target: RollbackTargetRecord,
  stageOps: PatchOperation[] | undefined,
  lambdaNames: Set<string> | undefined,
  options: RollbackOptions,
  signed?: SignedRevert,
): Promise<Array<AwsCallError | undefined>> {
  const signal = options.signal;
  return Promise.all(
    revertRequests(target, stageOps, lambdaNames).map((request) => {
      const ahead = signed?.requests.get(request.target);
      let first = ahead !== undefined;
      return sendUntilDone(
        request.target,
        () => {
          const viaSdk = () => request.send(clients, signal);
          if (!first || !ahead) return viaSdk();
          first = false;
          return sendSigned(clients, ahead, signal).catch((error: unknown) => {
            if (signal?.aborted) throw error;
            return viaSdk();
          });
        },
        options,
      );
    }),
  );
}

async function readBack(
  clients: AwsClients,
  target: RollbackTargetRecord,
  options: RollbackOptions,
): Promise<TrafficSplit> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readTrafficSplit(clients, target, options.signal);
    } catch (error) {
      if (options.signal?.aborted || options.once || !isRetryableAwsError(error)) throw error;
      await backoff(attempt, options.signal);
    }
  }
}

function rolledBackState(target: RollbackTargetRecord): ExpectedSplit {
  return {
    apiGateway: target.apiGateway && { deploymentId: target.apiGateway.deploymentId, canaryPercent: 0 },
    lambdas: target.lambdas.map((lambda) => ({
      functionName: lambda.functionName,
      alias: lambda.alias,
      primaryVersion: lambda.stableVersion,
      weight: 0,
    })),
  };
}

/** What still has to be written, from what AWS reads back. */
function correctiveWrites(
  target: RollbackTargetRecord,
  split: TrafficSplit,
): { stageOps?: PatchOperation[]; lambdaNames: Set<string> } {
  let stageOps: PatchOperation[] | undefined;
  const stage = target.apiGateway;
  const live = split.apiGateway;
  if (stage && live) {
    stageOps = [];
    if (live.canaryDeploymentId !== undefined) stageOps.push(...stageOperations(stage, false));
    if (live.deploymentId !== stage.deploymentId) {
      stageOps.push({ op: 'replace', path: '/deploymentId', value: stage.deploymentId });
    }
    if (stageOps.length === 0) stageOps = undefined;
  }
  const lambdaNames = new Set(
    target.lambdas
      .filter((lambda) => {
        const now = split.lambdas.find((entry) => entry.functionName === lambda.functionName);
        return !now || now.primaryVersion !== lambda.stableVersion || now.additionalWeight > 0;
      })
      .map((lambda) => lambda.functionName),
  );
  return { stageOps, lambdaNames };
}

function manualHint(target: RollbackTargetRecord): string {
  const lambda = target.lambdas[0];
  if (lambda) {
    return `aws lambda update-alias --function-name ${lambda.functionName} --name ${lambda.alias} --function-version ${lambda.stableVersion} --routing-config AdditionalVersionWeights={}`;
  }
  const stage = target.apiGateway;
  return stage
    ? `aws apigateway update-stage --rest-api-id ${stage.restApiId} --stage-name ${stage.stage} --patch-operations op=replace,path=/deploymentId,value=${stage.deploymentId} op=remove,path=/canarySettings`
    : 'nothing';
}

async function finishRollback(
  clients: AwsClients,
  target: RollbackTargetRecord,
  firstRound: Promise<Array<AwsCallError | undefined>>,
  options: RollbackOptions,
): Promise<TrafficSplit> {
  let failures = await firstRound;
  // A write that may pass by itself (AWS unreachable, throttled) is the caller's to send again.
  const passing = failures.find((entry) => entry !== undefined && isRetryableAwsError(entry));
  if (options.once && passing) throw passing;
  for (let round = 1; ; round++) {
    const split = await readBack(clients, target, options);
    const problems = splitMismatches(split, rolledBackState(target));
    if (problems.length === 0) return split;
    const failure = failures.find((entry) => entry !== undefined);
    // A refusal (access denied, bad credentials) will not change by asking again; a rejected
    // patch (say, the canary was already gone) may, once the writes are fitted to the live state.
    if (failure && (failure.httpStatus === 401 || failure.httpStatus === 403)) throw failure;
    if (round >= maxRounds) {
      if (failure) throw failure;
      throw new UserError(
        `The rollback did not take: AWS still reads ${problems.join('; ')} (${describeSplit(split)}); roll back by hand, e.g. \`${manualHint(target)}\`.`,
        1,
      );
    }
    const writes = correctiveWrites(target, split);
    failures = await sendRound(clients, target, writes.stageOps, writes.lambdaNames, options);
  }
}

/**
 * Rolls every target back to the recorded stable state: the stage's canary share to 0 and the
 * canary removed (or, after a promotion, the stable deployment restored), each alias wholly on
 * its stable version. Resolves with the split read back from AWS once it matches.
 */
export function rollback(
  clients: AwsClients,
  target: RollbackTargetRecord,
  options: RollbackOptions,
): Promise<TrafficSplit> {
  const stageOps = target.apiGateway ? stageOperations(target.apiGateway, options.promoted) : undefined;
  const signed = options.signed?.key === revertKey(target, options.promoted) ? options.signed : undefined;
  const firstRound = sendRound(clients, target, stageOps, undefined, options, signed);
  return finishRollback(clients, target, firstRound, options);
}
