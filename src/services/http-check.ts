import http from 'node:http';
import https from 'node:https';
import { rootCertificates, type TLSSocket } from 'node:tls';
import { formatDuration } from '../core/runbook/duration.js';
import type { HttpStep } from '../core/runbook/schema.js';
import { type MeasuredEvidence, measuredEvidence, type StepOutcome } from './step-outcome.js';

export interface TlsFacts {
  /** Trusted chain, matching host name, within its validity dates. */
  valid: boolean;
  selfSigned: boolean;
  issuer?: string;
  /** Epoch ms of the certificate's notAfter. */
  expiresAt?: number;
  daysLeft?: number;
  /** Why it is not valid, as OpenSSL/Node names it (e.g. CERT_HAS_EXPIRED). */
  error?: string;
}

export interface HttpCheckResult {
  ok: boolean;
  status?: number;
  latencyMs: number;
  /** One sentence each, empty when ok. */
  problems: string[];
  tls?: TlsFacts;
  /** The version the service says it runs, from a version header when it sends one. */
  versionHeader?: string;
}

export interface HttpCheckOptions {
  signal?: AbortSignal;
  /** Default 10 s. */
  timeoutMs?: number;
  /** Extra trusted CA certificates (PEM), e.g. a company CA; the system's stay trusted. */
  ca?: string | Buffer | Array<string | Buffer>;
}

const BODY_LIMIT_BYTES = 1024 * 1024;
const VERSION_HEADERS = [
  'x-app-version',
  'x-version',
  'x-release-version',
  'x-api-version',
  'x-build-version',
];
const SELF_SIGNED_ERRORS = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']);
const DAY_MS = 86_400_000;

function issuerName(cert: { issuer?: Record<string, unknown> }): string | undefined {
  const issuer = cert.issuer;
  if (!issuer) return undefined;
  const pick = (key: string) => (typeof issuer[key] === 'string' ? (issuer[key] as string) : undefined);
  return pick('CN') ?? pick('O') ?? undefined;
}

function tlsFactsOf(socket: TLSSocket): TlsFacts | undefined {
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return undefined;
  const error = socket.authorized ? undefined : String(socket.authorizationError ?? 'UNKNOWN');
  const sameNames = JSON.stringify(cert.issuer) === JSON.stringify(cert.subject);
  const expiresAt = Date.parse(cert.valid_to);
  return {
    valid: socket.authorized,
    selfSigned: (error !== undefined && SELF_SIGNED_ERRORS.has(error)) || (!socket.authorized && sameNames),
    issuer: issuerName(cert as unknown as { issuer?: Record<string, unknown> }),
    ...(Number.isFinite(expiresAt)
      ? { expiresAt, daysLeft: Math.floor((expiresAt - Date.now()) / DAY_MS) }
      : {}),
    ...(error ? { error } : {}),
  };
}

function tlsProblems(tls: TlsFacts | undefined): string[] {
  if (!tls) return ['the server presented no TLS certificate'];
  if (tls.selfSigned) return [`the TLS certificate is self-signed${tls.issuer ? ` (${tls.issuer})` : ''}`];
  if (!tls.valid) return [`the TLS certificate is not valid (${tls.error})`];
  return [];
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  tls?: TlsFacts;
}

function send(
  step: HttpStep,
  url: URL,
  options: HttpCheckOptions,
  signal: AbortSignal,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const requestOptions: https.RequestOptions = {
      method: step.method,
      headers: step.headers,
      signal,
      // A fresh connection every time, so the certificate we read is the one served now.
      agent: false,
      // Unverified connections are accepted so the certificate can be inspected and reported; trust is
      // judged from socket.authorized below. `ca` replaces Node's roots, so they are passed along.
      ...(secure
        ? {
            rejectUnauthorized: false,
            ...(options.ca ? { ca: [...rootCertificates, ...[options.ca].flat()] } : {}),
          }
        : {}),
    };
    const request = (secure ? https : http).request(url, requestOptions, (response) => {
      const tls = secure ? tlsFactsOf(response.socket as TLSSocket) : undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < BODY_LIMIT_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          tls,
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    if (step.body !== undefined) request.write(step.body);
    request.end();
  });
}

function connectionProblem(error: unknown, url: URL, timeoutMs: number, timedOut: boolean): string {
  if (timedOut) return `${url.host} gave no complete answer within ${formatDuration(timeoutMs)}`;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED') return `${url.host} refused the connection (nothing listening)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `${url.hostname} could not be resolved (DNS)`;
  if (code === 'ECONNRESET') return `${url.host} closed the connection before answering`;
  return `${requestDescription(url)} failed: ${(error as Error | undefined)?.message ?? String(error)}`;
}

function requestDescription(url: URL): string {
  return `the request to ${url.origin}${url.pathname}`;
}

/**
 * One request, judged like the runbook's curl checks: status, latency, body contains, and for PROD
 * (tlsValid) a trusted, not self-signed certificate whose expiry is reported. Never throws.
 */
export async function httpCheck(step: HttpStep, options: HttpCheckOptions = {}): Promise<HttpCheckResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let url: URL;
  try {
    url = new URL(step.url);
  } catch {
    return { ok: false, latencyMs: 0, problems: [`"${step.url}" is not a URL`] };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, latencyMs: 0, problems: [`"${step.url}" is not an http or https URL`] };
  }
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const started = performance.now();
  let response: RawResponse;
  try {
    response = await send(step, url, options, signal);
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    const problem = options.signal?.aborted
      ? 'the check was canceled'
      : connectionProblem(error, url, timeoutMs, timeout.aborted);
    return { ok: false, latencyMs, problems: [problem] };
  }
  const latencyMs = Math.round(performance.now() - started);

  const problems: string[] = [];
  if (response.status !== step.expectStatus) {
    problems.push(`expected status ${step.expectStatus}, got ${response.status}`);
  }
  if (step.maxLatency !== undefined && latencyMs > step.maxLatency) {
    problems.push(
      `took ${formatDuration(latencyMs)}, more than the ${formatDuration(step.maxLatency)} allowed`,
    );
  }
  if (step.bodyContains !== undefined && !response.body.includes(step.bodyContains)) {
    problems.push(`the body does not contain "${step.bodyContains}"`);
  }
  if (step.tlsValid) {
    if (url.protocol !== 'https:')
      problems.push('the URL is not https, so no TLS certificate can be checked');
    else problems.push(...tlsProblems(response.tls));
  }
  const versionHeader = VERSION_HEADERS.map((name) => response.headers[name]).find(
    (value): value is string => typeof value === 'string',
  );
  return {
    ok: problems.length === 0,
    status: response.status,
    latencyMs,
    problems,
    ...(response.tls ? { tls: response.tls } : {}),
    ...(versionHeader ? { versionHeader } : {}),
  };
}

/** An http step's result in the shape the engine records: one line of detail and evidence rows. */
export type HttpStepOutcome = StepOutcome<HttpCheckResult>;

/**
 * Run an http step. In a production environment an https URL must present a valid, not
 * self-signed certificate even when the step does not ask (seed 7.3).
 */
export async function runHttpStep(
  step: HttpStep,
  context: { signal?: AbortSignal; production: boolean; timeoutMs?: number; ca?: HttpCheckOptions['ca'] },
): Promise<HttpStepOutcome> {
  const requireTls = step.tlsValid || (context.production && step.url.startsWith('https:'));
  const result = await httpCheck(
    { ...step, tlsValid: requireTls },
    { signal: context.signal, timeoutMs: context.timeoutMs, ca: context.ca },
  );
  const statusPart =
    result.status !== undefined ? `${result.status} in ${formatDuration(result.latencyMs)}` : '';
  const tlsPart = result.tls
    ? `certificate ${result.tls.valid ? 'valid' : result.tls.selfSigned ? 'self-signed' : 'not valid'}${
        result.tls.issuer ? ` (${result.tls.issuer})` : ''
      }${result.tls.daysLeft !== undefined ? `, expires in ${result.tls.daysLeft} days` : ''}`
    : '';
  const detail = [
    ...result.problems,
    statusPart,
    tlsPart,
    result.versionHeader ? `version ${result.versionHeader}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  const evidence: MeasuredEvidence[] = [
    measuredEvidence(step.id, 'status', {
      value: result.status ?? null,
      limit: `= ${step.expectStatus}`,
      ok: result.status === step.expectStatus,
      detail: result.status !== undefined ? `status ${result.status}` : 'no answer',
    }),
  ];
  if (step.maxLatency !== undefined && result.status !== undefined) {
    evidence.push(
      measuredEvidence(step.id, 'latency', {
        value: result.latencyMs,
        limit: `<= ${formatDuration(step.maxLatency)}`,
        ok: result.latencyMs <= step.maxLatency,
        detail: `latency ${formatDuration(result.latencyMs)}`,
      }),
    );
  }
  if (result.tls?.daysLeft !== undefined) {
    evidence.push(
      measuredEvidence(step.id, 'certificate-days-left', {
        value: result.tls.daysLeft,
        ok: !requireTls || (result.tls.valid && !result.tls.selfSigned),
        detail: tlsPart,
      }),
    );
  }
  return { ok: result.ok, detail, evidence, durationMs: result.latencyMs, result };
}
