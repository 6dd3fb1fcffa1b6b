import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadStep } from '../../src/core/runbook/schema.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { acceleratedClock } from '../../src/services/clock.js';
import { runLoad, runLoadStep } from '../../src/services/load.js';
import { loadRunbook } from '../sandbox/helpers.js';

let base = '';
let served = 0;
let flakyCount = 0;
const server = http.createServer((request, response) => {
  served++;
  if (request.url === '/products/list') {
    response.end('{"products":[]}');
  } else if (request.url === '/flaky') {
    // Every 10th request fails: a 10% error rate, whatever the timing.
    flakyCount++;
    response.writeHead(flakyCount % 10 === 0 ? 500 : 200);
    response.end();
  } else if (request.url === '/slow') {
    setTimeout(() => response.end('ok'), 120);
  } else {
    setTimeout(() => response.end('ok'), 60_000).unref();
  }
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function step(path: string, extra: Partial<LoadStep> = {}): LoadStep {
  return {
    id: 'load',
    title: 'Load test',
    kind: 'load',
    url: `${base}${path}`,
    method: 'GET',
    requests: 200,
    concurrency: 20,
    maxErrorRatePct: 1,
    maxP95: 2_000,
    ...extra,
  };
}

describe('runLoad', () => {
  it('makes the number of requests the step asks for and passes a healthy endpoint', async () => {
    const before = served;
    const result = await runLoad(step('/products/list'));
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.requests).toBe(200);
    expect(served - before).toBe(200);
    expect(result.errors).toBe(0);
    expect(result.errorRatePct).toBe(0);
    expect(result.p95Ms).toBeGreaterThan(0);
  });

  it('counts failed answers into the error rate and fails above the limit', async () => {
    const result = await runLoad(step('/flaky', { requests: 100, concurrency: 10 }));
    expect(result.requests).toBe(100);
    expect(result.errors).toBe(10);
    expect(result.errorRatePct).toBe(10);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(['error rate 10% is above the 1% allowed']);
  });

  it('fails a p95 above the step limit', async () => {
    const result = await runLoad(step('/slow', { requests: 20, concurrency: 5, maxP95: 50 }));
    expect(result.p95Ms).toBeGreaterThanOrEqual(120);
    expect(result.problems).toEqual([expect.stringMatching(/^p95 .* is above the 50ms allowed$/)]);
  });

  it('ends against a server that is not there, with every request an error', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await runLoad({
      ...step('/'),
      url: `http://127.0.0.1:${port}/`,
      requests: 20,
      concurrency: 2,
    });
    expect(result.ok).toBe(false);
    expect(result.errorRatePct).toBe(100);
    expect(result.problems[0]).toMatch(/got an answer|was made or answered/);
  });

  it('stops when canceled', async () => {
    const controller = new AbortController();
    const pending = runLoad(step('/hang', { requests: undefined, duration: 60_000, concurrency: 2 }), {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    const result = await pending;
    expect(result.ok).toBe(false);
    expect(result.problems).toContain('the load test was canceled');
  });

  it('refuses a URL it cannot load', async () => {
    expect((await runLoad({ ...step('/'), url: 'ftp://example/' })).problems).toEqual([
      '"ftp://example/" is not an http or https URL',
    ]);
  });
});

describe('runLoad against the rehearsal sandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({
      clock: acceleratedClock(60),
      runbook: loadRunbook(),
      scenario: 'healthy',
    });
  });
  afterAll(() => sandbox.close());

  it('loads the products endpoint within the limits', async () => {
    const result = await runLoad({
      ...step('/'),
      url: `${sandbox.appUrl}/products/list`,
      requests: 100,
      concurrency: 10,
    });
    expect(result.problems).toEqual([]);
    expect(result.requests).toBe(100);
    expect(
      sandbox.requests.filter((r) => r.operation === 'GET /products/list').length,
    ).toBeGreaterThanOrEqual(100);
  });

  it('fails when the sandbox makes a fifth of the requests fail', async () => {
    sandbox.faults.set({
      operation: 'app:GET /products/list',
      errorRate: 1,
      errorCode: 'InternalError',
      errorStatus: 500,
      times: 20,
    });
    try {
      const result = await runLoad({
        ...step('/'),
        url: `${sandbox.appUrl}/products/list`,
        requests: 100,
        concurrency: 10,
      });
      expect(result.errors).toBe(20);
      expect(result.errorRatePct).toBe(20);
      expect(result.problems).toEqual(['error rate 20% is above the 1% allowed']);
    } finally {
      sandbox.faults.clear();
    }
  });
});

describe('runLoadStep', () => {
  it('records error rate and p95 as evidence against the step limits', async () => {
    const outcome = await runLoadStep(step('/flaky', { requests: 50, concurrency: 5, maxErrorRatePct: 50 }));
    expect(outcome.ok).toBe(true);
    expect(outcome.detail).toMatch(/^50 requests, 10% errors, p95 /);
    expect(outcome.evidence.map((e) => [e.id, e.value, e.limit, e.ok])).toEqual([
      ['load-error-rate', 10, '<= 50%', true],
      ['load-p95', expect.any(Number), '<= 2s', true],
    ]);
  });
});
