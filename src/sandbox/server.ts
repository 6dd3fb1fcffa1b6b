import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { matchApiGateway } from './apigateway.js';
import { APP_PREFIX } from './app-prefix.js';
import { CLOUDWATCH_OPERATIONS } from './cloudwatch.js';
import { accessKeyOf } from './credentials.js';
import { ServiceError, statusOfCode } from './errors.js';
import type { FaultInjector } from './faults.js';
import { type Input, obj, parseQueryForm } from './input.js';
import { matchLambda, type RestCall } from './lambda.js';
import { LOGS_OPERATIONS, LOGS_TARGET_PREFIX } from './logs.js';
import { hashSeed, seededRandom } from './prng.js';
import type { World } from './world.js';
import { queryError, queryResponse, toJson } from './xml.js';

export type SandboxService = 'cloudwatch' | 'logs' | 'lambda' | 'apigateway' | 'sts' | 'app';

export interface RecordedRequest {
  /** Clock time (epoch ms) the request arrived. */
  at: number;
  /** performance.now() when the request arrived. */
  realAt: number;
  service: SandboxService;
  operation: string;
  input: unknown;
  /** HTTP status answered; 0 when the client gave up on a request that was held (hang). */
  status: number;
  /** Real time (epoch ms) of its SigV4 signature (X-Amz-Date), when signed. */
  signedAt?: number;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Where an incoming request goes, decided from headers, path and body alone. */
interface Classified {
  service: SandboxService;
  operation: string;
  protocol: 'json' | 'query' | 'rest' | 'app';
  input: Input;
  run: (now: number) => Reply;
}

export const CLOUDWATCH_TARGET_PREFIX = 'GraniteServiceVersion20100801.';
const CLOUDWATCH_XMLNS = 'http://monitoring.amazonaws.com/doc/2010-08-01/';
const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** CloudWatch's JSON error shapes, by the awsQuery code the x-amzn-query-error header carries. */
const CLOUDWATCH_JSON_SHAPE: Record<string, string> = {
  InvalidParameterValue: 'InvalidParameterValueException',
  InvalidParameterCombination: 'InvalidParameterCombinationException',
  MissingParameter: 'MissingRequiredParameterException',
  ValidationError: 'ValidationException',
  InternalServiceError: 'InternalServiceFault',
  LimitExceeded: 'LimitExceededFault',
  InvalidFormat: 'InvalidFormatFault',
};

const DEFAULT_FAULT_CODE: Record<SandboxService, string> = {
  cloudwatch: 'Throttling',
  logs: 'ThrottlingException',
  sts: 'Throttling',
  lambda: 'TooManyRequestsException',
  apigateway: 'TooManyRequestsException',
  app: 'ServiceUnavailable',
};

function errorReply(
  service: SandboxService,
  protocol: Classified['protocol'],
  error: ServiceError,
  requestId: string,
): Reply {
  const base = { 'x-amzn-requestid': requestId };
  if (protocol === 'query') {
    return {
      status: error.status,
      headers: { ...base, 'content-type': 'text/xml' },
      body: queryError(error.code, error.message, error.fault, requestId),
    };
  }
  if (service === 'logs') {
    return {
      status: error.status,
      headers: { ...base, 'content-type': 'application/x-amz-json-1.1' },
      body: toJson({ __type: error.code, message: error.message }),
    };
  }
  if (protocol === 'json') {
    return {
      status: error.status,
      headers: {
        ...base,
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-query-error': `${error.code};${error.fault}`,
      },
      body: toJson({
        __type: `com.amazonaws.cloudwatch#${CLOUDWATCH_JSON_SHAPE[error.code] ?? error.code}`,
        message: error.message,
      }),
    };
  }
  const retry: Record<string, string> =
    error.status === 429 ? { 'retry-after': String(error.retryAfterSeconds ?? 1) } : {};
  if (service === 'lambda') {
    return {
      status: error.status,
      headers: { ...base, ...retry, 'content-type': 'application/json', 'x-amzn-errortype': error.code },
      body: toJson({
        Type: error.fault === 'Sender' ? 'User' : 'Service',
        message: error.message,
        ...(error.status === 429 ? { Reason: 'CallerRateLimitExceeded' } : {}),
      }),
    };
  }
  if (service === 'apigateway') {
    return {
      status: error.status,
      headers: { ...base, ...retry, 'content-type': 'application/json', 'x-amzn-errortype': error.code },
      body: toJson({ message: error.message }),
    };
  }
  return {
    status: error.status,
    headers: { ...base, 'content-type': 'application/json' },
    body: toJson({ message: error.message }),
  };
}

function asServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ServiceError('InternalFailure', `The sandbox failed: ${message}`, 500, 'Receiver');
}

function parseJson(body: Buffer): Input {
  if (body.length === 0) return {};
  try {
    return obj(JSON.parse(body.toString('utf8')));
  } catch {
    throw new ServiceError('SerializationException', 'The request body is not valid JSON.');
  }
}

/** Maps an application path to the Lambda that serves it: /products/... -> *product*. */
function functionForPath(world: World, path: string): string | undefined {
  const segment = path.split('/').filter(Boolean)[0] ?? '';
  const stem = segment.replace(/s$/, '');
  const names = world.targets.lambdas.map((t) => t.functionName);
  return (stem && names.find((n) => n.includes(stem))) || names[0];
}

const APP_ROUTES: Record<string, (input: Input, world: World) => { status: number; body: unknown }> = {
  'GET /health': (_input, world) => ({
    status: 200,
    body: { status: 'ok', environment: world.targets.environmentId },
  }),
  'GET /products/list': () => ({
    status: 200,
    body: {
      items: Array.from({ length: 10 }, (_, i) => ({
        id: `prod-${i + 1}`,
        name: `Product ${i + 1}`,
        price: 100 + i * 5,
      })),
    },
  }),
  'POST /auth/login': () => ({ status: 200, body: { token: 'rehearsal-token', expiresIn: 3600 } }),
  'POST /orders/create': (input, world) => ({
    status: 201,
    body: { orderId: `ord-${world.newRequestId().slice(0, 8)}`, status: 'created', items: input.items ?? [] },
  }),
};

export interface ServerParts {
  world: World;
  faults: FaultInjector;
  record: (request: RecordedRequest) => void;
  /** Answers GET /_sandbox/state and POST /_sandbox/faults. */
  admin: (method: string, path: string, body: Input) => { status: number; body: unknown };
}

export function createSandboxServer(parts: ServerParts): http.Server {
  const { world, faults } = parts;
  const clock = world.clock;
  const scenarioRandom = seededRandom(hashSeed(world.seed, 'cloudwatch-throttle'));

  const classify = (
    req: http.IncomingMessage,
    path: string,
    query: URLSearchParams,
    body: Buffer,
  ): Classified => {
    const method = req.method ?? 'GET';
    const target = String(req.headers['x-amz-target'] ?? '');
    const contentType = String(req.headers['content-type'] ?? '');
    if (method === 'POST' && target.startsWith(CLOUDWATCH_TARGET_PREFIX)) {
      const operation = target.slice(CLOUDWATCH_TARGET_PREFIX.length);
      const input = parseJson(body);
      return {
        service: 'cloudwatch',
        operation,
        protocol: 'json',
        input,
        run: (now) => {
          const handler = CLOUDWATCH_OPERATIONS[operation];
          if (!handler)
            throw new ServiceError('UnknownOperationException', `The sandbox does not serve ${operation}.`);
          return {
            status: 200,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: toJson(handler(world, input, now)),
          };
        },
      };
    }
    if (method === 'POST' && target.startsWith(LOGS_TARGET_PREFIX)) {
      const operation = target.slice(LOGS_TARGET_PREFIX.length);
      const input = parseJson(body);
      return {
        service: 'logs',
        operation,
        protocol: 'json',
        input,
        run: () => {
          const handler = LOGS_OPERATIONS[operation];
          if (!handler)
            throw new ServiceError(
              'UnknownOperationException',
              `The sandbox does not serve Logs ${operation}.`,
            );
          return {
            status: 200,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: toJson(handler(world, input)),
          };
        },
      };
    }
    if (
      method === 'POST' &&
      (path === '/' || path === '') &&
      contentType.startsWith('application/x-www-form-urlencoded')
    ) {
      const form = new URLSearchParams(body.toString('utf8'));
      const action = form.get('Action') ?? '';
      const input = parseQueryForm(form);
      if (action === 'GetCallerIdentity' || form.get('Version') === '2011-06-15') {
        return {
          service: 'sts',
          operation: action,
          protocol: 'query',
          input,
          run: () => {
            if (action !== 'GetCallerIdentity')
              throw new ServiceError('InvalidAction', `The sandbox does not serve STS ${action}.`);
            const account = world.callerAccount(accessKeyOf(req.headers.authorization));
            const result = {
              UserId: 'AROAREHEARSAL00000001:conductor',
              Account: account,
              Arn: `arn:aws:sts::${account}:assumed-role/rehearsal/conductor`,
            };
            return {
              status: 200,
              headers: { 'content-type': 'text/xml' },
              body: queryResponse('GetCallerIdentity', STS_XMLNS, result, world.newRequestId()),
            };
          },
        };
      }
      return {
        service: 'cloudwatch',
        operation: action,
        protocol: 'query',
        input,
        run: (now) => {
          const handler = CLOUDWATCH_OPERATIONS[action];
          if (!handler)
            throw new ServiceError('InvalidAction', `The sandbox does not serve CloudWatch ${action}.`);
          return {
            status: 200,
            headers: { 'content-type': 'text/xml' },
            body: queryResponse(action, CLOUDWATCH_XMLNS, handler(world, input, now), world.newRequestId()),
          };
        },
      };
    }
    const rest = matchLambda(method, path) ?? matchApiGateway(method, path);
    if (rest) {
      const service: SandboxService = path.startsWith('/restapis') ? 'apigateway' : 'lambda';
      const input = method === 'GET' || method === 'DELETE' ? {} : parseJson(body);
      return {
        service,
        operation: rest.operation,
        protocol: 'rest',
        input: { ...rest.params, ...Object.fromEntries(query), ...input },
        run: (now) => {
          const call: RestCall = { method, params: rest.params, query, body: input, now };
          const result = rest.handle(world, call);
          return {
            status: result.status,
            headers: { 'content-type': 'application/json' },
            body: toJson(result.body),
          };
        },
      };
    }
    const appPath =
      path === APP_PREFIX ? '/' : path.startsWith(`${APP_PREFIX}/`) ? path.slice(APP_PREFIX.length) : path;
    const operation = `${method} ${appPath}`;
    let input: Input = {};
    try {
      input = body.length ? parseJson(body) : {};
    } catch {
      input = { raw: body.toString('utf8').slice(0, 200) };
    }
    return {
      service: 'app',
      operation,
      protocol: 'app',
      input: { method, path: appPath, query: Object.fromEntries(query), body: input },
      run: () => {
        const route = APP_ROUTES[operation];
        // Another team's application: a request its runbook makes is answered as its check expects.
        const declared = world.targets.appAnswers[operation];
        if (!route && declared)
          return declared.contains !== undefined
            ? { status: declared.status, headers: { 'content-type': 'text/plain' }, body: declared.contains }
            : {
                status: declared.status,
                headers: { 'content-type': 'application/json' },
                body: toJson({ status: 'ok' }),
              };
        if (!route)
          return {
            status: 404,
            headers: { 'content-type': 'application/json' },
            body: toJson({ message: 'Not Found' }),
          };
        const result = route(input, world);
        return {
          status: result.status,
          headers: { 'content-type': 'application/json' },
          body: toJson(result.body),
        };
      },
    };
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => {
    const realAt = performance.now();
    const now = clock.now();
    world.advance(now);
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    const path = url.pathname;
    if (path.startsWith('/_sandbox/')) {
      let input: Input = {};
      try {
        input = parseJson(body);
      } catch {
        input = {};
      }
      let result: { status: number; body: unknown };
      try {
        result = parts.admin(req.method ?? 'GET', path, input);
      } catch (error) {
        result = { status: 400, body: { message: error instanceof Error ? error.message : String(error) } };
      }
      res.writeHead(result.status, { 'content-type': 'application/json' }).end(toJson(result.body));
      return;
    }

    const requestId = world.newRequestId();
    let classified: Classified;
    try {
      classified = classify(req, path, url.searchParams, body);
    } catch (error) {
      const reply = errorReply('cloudwatch', 'json', asServiceError(error), requestId);
      res.writeHead(reply.status, reply.headers).end(reply.body);
      return;
    }
    const { service, operation, protocol, input } = classified;
    world.countRequest(service, operation);
    const signedAt = signatureTime(req.headers['x-amz-date']);
    const record = (status: number) =>
      parts.record({ at: now, realAt, service, operation, input, status, ...(signedAt && { signedAt }) });
    // As AWS does: a signature is good for five minutes of real time (the signer's clock is real).
    if (signedAt !== undefined && service !== 'app' && Date.now() - signedAt > SIGNATURE_GOOD_FOR_MS) {
      const expired = new ServiceError(
        'InvalidSignatureException',
        `Signature expired: ${req.headers['x-amz-date']} is now earlier than the request's time less 5 min.`,
        403,
      );
      const reply = errorReply(service, protocol, expired, requestId);
      res.writeHead(reply.status, reply.headers).end(reply.body);
      record(reply.status);
      return;
    }

    const decision = faults.decide(service, operation);
    const outage = service === 'cloudwatch' && operation === 'GetMetricData' && world.metricDataOutage(now);
    if (decision.hang || outage) {
      // Held until the client gives up: a timeout or an abort on its side closes the socket.
      res.on('close', () => record(0));
      return;
    }
    let reply: Reply;
    try {
      if (decision.delayRealMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.delayRealMs));
      if (decision.delayClockMs > 0) await clock.sleep(decision.delayClockMs);
      if (decision.error) {
        const code = decision.error.code || DEFAULT_FAULT_CODE[service];
        const status = decision.error.status ?? statusOfCode(code);
        throw new ServiceError(code, `Injected fault: ${code} on ${service}:${operation}.`, status);
      }
      if (
        service === 'cloudwatch' &&
        world.scenario.cloudwatchThrottleRate > 0 &&
        scenarioRandom() < world.scenario.cloudwatchThrottleRate
      )
        throw new ServiceError('Throttling', 'Rate exceeded', 400);
      if (service === 'app') {
        reply = await serveApp(world, operation, classified);
      } else {
        reply = classified.run(now);
      }
    } catch (error) {
      reply = errorReply(service, protocol, asServiceError(error), requestId);
    }
    if (res.destroyed) {
      record(0);
      return;
    }
    res.writeHead(reply.status, { 'x-amzn-requestid': requestId, ...reply.headers }).end(reply.body);
    record(reply.status);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (String(req.headers['content-encoding'] ?? '').includes('gzip')) {
        try {
          body = gunzipSync(body);
        } catch {
          res
            .writeHead(400, { 'content-type': 'application/json' })
            .end(toJson({ message: 'Bad gzip body' }));
          return;
        }
      }
      handle(req, res, body).catch((error) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(toJson({ message: error instanceof Error ? error.message : String(error) }));
      });
    });
  });
  server.keepAliveTimeout = 5_000;
  return server;
}

/** One request to the application: routed by the live weights, failing and slow as that version is. */
async function serveApp(world: World, operation: string, classified: Classified): Promise<Reply> {
  const [, appPath = '/'] = operation.split(' ');
  const route = APP_ROUTES[operation];
  if (!route) return classified.run(world.clock.now());
  const outcome = world.serveApp(functionForPath(world, appPath));
  // An HTTP answer takes real time even in an accelerated rehearsal: a load test or a health
  // check measures the version's latency as a client would, in real milliseconds.
  await new Promise((resolve) => setTimeout(resolve, outcome.latencyMs));
  const headers = {
    'x-lambda-version': outcome.version,
    'x-canary': outcome.canaryStage ? 'true' : 'false',
    ...(outcome.functionName ? { 'x-lambda-function': outcome.functionName } : {}),
  };
  if (outcome.status >= 500) {
    return {
      status: outcome.status,
      headers: {
        ...headers,
        'content-type': 'application/json',
        'x-amzn-errortype': 'InternalServerErrorException',
      },
      body: toJson({ message: 'Internal server error' }),
    };
  }
  const reply = classified.run(world.clock.now());
  return { ...reply, headers: { ...reply.headers, ...headers } };
}

const SIGNATURE_GOOD_FOR_MS = 5 * 60_000;

/** The epoch ms of an X-Amz-Date header (20261203T021500Z), or undefined. */
function signatureTime(header: string | string[] | undefined): number | undefined {
  const match =
    typeof header === 'string' ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(header) : null;
  if (!match) return undefined;
  const [, y, mo, d, h, mi, se] = match.map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, se);
}
