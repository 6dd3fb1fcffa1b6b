import type { AddressInfo } from 'node:net';
import type { Runbook } from '../core/runbook/schema.js';
import type { Clock } from '../services/clock.js';
import { APP_PREFIX } from './app-prefix.js';
import { createFaultInjector, type FaultInjector, type FaultSpec } from './faults.js';
import { hashSeed, seededRandom } from './prng.js';
import { findScenario, SCENARIOS, scenarioNames } from './scenarios.js';
import { createSandboxServer, type RecordedRequest } from './server.js';
import { World } from './world.js';

export type { FaultInjector, FaultSpec } from './faults.js';
export type { ScenarioDescription } from './scenarios.js';
export type { RecordedRequest, SandboxService } from './server.js';
export { World } from './world.js';
export { SCENARIOS, scenarioNames };

export interface SandboxOptions {
  /** 0 or undefined: a free port on 127.0.0.1. */
  port?: number;
  /** Default 'healthy'. */
  scenario?: string;
  clock: Clock;
  runbook: Runbook;
  /** Default: the first promotion with a canary step. */
  promotionId?: string;
  faults?: FaultSpec[];
  /** Seed of the simulated traffic: same seed, same numbers. */
  seed?: number;
  /** How many recorded requests to keep (default 5000). */
  maxRecordedRequests?: number;
}

export interface Sandbox {
  /** http://127.0.0.1:PORT: the endpoint for every AWS client. */
  url: string;
  /** Base URL of the application's own endpoints (/health, /products/list, ...). */
  appUrl: string;
  port: number;
  world: World;
  faults: FaultInjector;
  /** Bounded ring of the requests served, newest last. */
  requests: RecordedRequest[];
  onRequest(listener: (request: RecordedRequest) => void): () => void;
  close(): Promise<void>;
}

export { SANDBOX_CREDENTIALS } from './credentials.js';

export class UnknownScenarioError extends Error {
  constructor(readonly scenario: string) {
    super(`Unknown sandbox scenario "${scenario}": use one of ${scenarioNames().join(', ')}.`);
    this.name = 'UnknownScenarioError';
  }
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const scenarioName = options.scenario ?? 'healthy';
  const scenario = findScenario(scenarioName);
  if (!scenario) throw new UnknownScenarioError(scenarioName);
  const world = new World({
    runbook: options.runbook,
    promotionId: options.promotionId,
    scenario,
    clock: options.clock,
    seed: options.seed,
  });
  const faults = createFaultInjector(options.faults ?? [], seededRandom(hashSeed(world.seed, 'faults')));
  const requests: RecordedRequest[] = [];
  const limit = options.maxRecordedRequests ?? 5_000;
  const listeners = new Set<(request: RecordedRequest) => void>();

  const server = createSandboxServer({
    world,
    faults,
    record: (request) => {
      requests.push(request);
      if (requests.length > limit) requests.splice(0, requests.length - limit);
      for (const listener of listeners) listener(request);
    },
    admin: (method, path, body) => {
      if (method === 'GET' && path === '/_sandbox/state') {
        return {
          status: 200,
          body: { ...world.describe(), faults: faults.list(), scenarioDescription: SCENARIOS[scenario.name] },
        };
      }
      if (path === '/_sandbox/faults') {
        if (method === 'POST') {
          // {set: FaultSpec | FaultSpec[], clear: true | "operation"} or a bare FaultSpec list.
          const spec = Array.isArray(body) ? body : body.set;
          if (body.clear === true) faults.clear();
          else if (typeof body.clear === 'string') faults.clear(body.clear);
          if (spec !== undefined) faults.set(spec as FaultSpec | FaultSpec[]);
          else if (typeof body.operation === 'string') faults.set(body as unknown as FaultSpec);
          return { status: 200, body: { faults: faults.list() } };
        }
        if (method === 'GET') return { status: 200, body: { faults: faults.list() } };
      }
      if (method === 'POST' && path === '/_sandbox/traffic') {
        // {percentTraffic?, aliasWeight?}: someone else moves the traffic behind the conductor's back.
        const share = (value: unknown, max: number) =>
          typeof value === 'number' && value >= 0 && value <= max ? value : undefined;
        const percentTraffic = share(body.percentTraffic, 100);
        const aliasWeight = share(body.aliasWeight, 1);
        if (
          (body.percentTraffic !== undefined && percentTraffic === undefined) ||
          (body.aliasWeight !== undefined && aliasWeight === undefined)
        )
          return {
            status: 400,
            body: { message: 'percentTraffic must be 0 to 100 and aliasWeight 0 to 1.' },
          };
        world.moveTraffic({ percentTraffic, aliasWeight });
        return { status: 200, body: world.describe() };
      }
      return { status: 404, body: { message: `No sandbox admin endpoint ${method} ${path}.` } };
    },
  });

  // Scenario events (drift) happen on the clock even when nobody is calling.
  const ticker = setInterval(() => world.advance(), 200);
  ticker.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    appUrl: `${url}${APP_PREFIX}`,
    port,
    world,
    faults,
    requests,
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        clearInterval(ticker);
        server.close(() => resolve());
        // Held (hanging) requests and idle keep-alive sockets would keep close() waiting.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
