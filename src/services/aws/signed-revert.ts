import type { HttpHandlerOptions, HttpRequest, HttpResponse } from '@smithy/types';
import type { RollbackTargetRecord } from '../../core/session/events.js';
import type { AwsClients } from './clients.js';
import { revertRequests, stageOperations } from './revert-requests.js';

/**
 * The revert's requests, serialised and signed by the SDK ahead of the key, so that the abort
 * writes them straight to a socket: the SDK's middleware (serialising, endpoint rules, signing, its
 * retry bookkeeping) costs 1.5 ms a request on a quiet machine and 2 to 7 ms for the four of a
 * revert on a busy one, all of it between the key and the wire (bench/abort).
 *
 * A SigV4 signature holds for five minutes, so the set is signed again every minute while traffic
 * is shifted, and one older than four minutes is not used. Whatever does not land this way (an
 * answer other than 2xx, a dropped socket) is sent again by the SDK at once, and the rollback reads
 * AWS back either way: a signed request can be late, never wrong.
 */
export interface SignedRequest {
  service: 'apigateway' | 'lambda';
  request: HttpRequest;
}

export interface SignedRevert {
  /** What it reverts (revertKey): the target and whether the canary was promoted. */
  key: string;
  /** Real time it was signed (Date.now, the clock a signature is checked on). */
  signedAt: number;
  /** By RevertRequest.target: 'apigateway' or the function name. */
  requests: Map<string, SignedRequest>;
}

export const RESIGN_EVERY_MS = 60_000;
export const SIGNED_FOR_MS = 4 * 60_000;

export function revertKey(target: RollbackTargetRecord, promoted: boolean): string {
  return JSON.stringify([target, promoted]);
}

interface Handler {
  handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }>;
}

const handlerOf = (clients: AwsClients, service: SignedRequest['service']): Handler =>
  (service === 'apigateway' ? clients.apigateway : clients.lambda).config.requestHandler as Handler;

/** The request the SDK would have written, taken right before its HTTP handler. */
async function signedBySdk(
  clients: AwsClients,
  service: SignedRequest['service'],
  command: object,
): Promise<HttpRequest> {
  let taken: HttpRequest | undefined;
  const withStack = command as {
    middlewareStack: { add(middleware: unknown, options: Record<string, unknown>): void };
  };
  withStack.middlewareStack.add(
    () => async (args: { request: HttpRequest }) => {
      taken = args.request;
      throw new Error('signed ahead, not sent');
    },
    { step: 'deserialize', priority: 'low', name: 'conductorSignedAhead' },
  );
  const client = service === 'apigateway' ? clients.apigateway : clients.lambda;
  try {
    await (client as unknown as { send(command: unknown): Promise<unknown> }).send(command);
  } catch (error) {
    if (!taken) throw error;
  }
  if (!taken) throw new Error('the SDK sent the request instead of handing it over');
  return taken;
}

/** Signs the whole revert of `target` (every request of a rollback's first round). */
export async function signRevert(
  clients: AwsClients,
  target: RollbackTargetRecord,
  promoted: boolean,
  now: () => number = Date.now,
): Promise<SignedRevert> {
  const signedAt = now();
  const stageOps = target.apiGateway ? stageOperations(target.apiGateway, promoted) : undefined;
  const requests = new Map<string, SignedRequest>();
  for (const request of revertRequests(target, stageOps)) {
    const signed = await signedBySdk(clients, request.service, request.command());
    requests.set(request.target, { service: request.service, request: signed });
  }
  return { key: revertKey(target, promoted), signedAt, requests };
}

/**
 * Writes a signed request (its HTTP request starts in this tick) and resolves once AWS answered
 * 2xx; any other answer or a failed connection rejects, for the SDK to send it instead.
 */
export function sendSigned(clients: AwsClients, signed: SignedRequest, signal?: AbortSignal): Promise<void> {
  const request = { ...signed.request, headers: { ...signed.request.headers } };
  return handlerOf(clients, signed.service)
    .handle(request, { abortSignal: signal })
    .then(({ response }) => {
      (response.body as { resume?: () => void } | undefined)?.resume?.();
      if (response.statusCode < 200 || response.statusCode > 299)
        throw new Error(`the signed revert request was answered ${response.statusCode}`);
    });
}

/**
 * Keeps the revert of the current target signed while traffic is shifted: `arm` with the target
 * (again at every change, a no-op when nothing changed), `arm(undefined)` once nothing is to
 * revert. Signing runs in the background; until it is done, or when it fails, the abort goes
 * through the SDK as before.
 */
export class ReadyRevert {
  private armedKey = '';
  private signed?: SignedRevert;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly clients: AwsClients,
    private readonly now: () => number = Date.now,
  ) {}

  arm(target: RollbackTargetRecord | undefined, promoted: boolean): void {
    const key = target ? revertKey(target, promoted) : '';
    if (key === this.armedKey) return;
    this.armedKey = key;
    this.signed = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
    if (!target) return;
    const sign = () => {
      signRevert(this.clients, target, promoted, this.now).then(
        (signed) => {
          if (signed.key === this.armedKey) this.signed = signed;
        },
        () => undefined,
      );
    };
    sign();
    this.timer = setInterval(sign, RESIGN_EVERY_MS);
    this.timer.unref();
  }

  /** The signed revert of this target, when it is signed and fresh enough to be taken by AWS. */
  take(target: RollbackTargetRecord, promoted: boolean): SignedRevert | undefined {
    const signed = this.signed;
    if (!signed || signed.key !== revertKey(target, promoted)) return undefined;
    return this.now() - signed.signedAt < SIGNED_FOR_MS ? signed : undefined;
  }
}
