import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpStep } from '../../src/core/runbook/schema.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { acceleratedClock } from '../../src/services/clock.js';
import { httpCheck, runHttpStep } from '../../src/services/http-check.js';
import { loadRunbook } from '../sandbox/helpers.js';

function step(url: string, extra: Partial<HttpStep> = {}): HttpStep {
  return {
    id: 'health',
    title: 'Health',
    kind: 'http',
    method: 'GET',
    url,
    headers: {},
    expectStatus: 200,
    tlsValid: false,
    ...extra,
  };
}

const handler: http.RequestListener = (request, response) => {
  if (request.url === '/health') {
    response.writeHead(200, { 'content-type': 'application/json', 'x-app-version': '2024.12.25.1' });
    response.end('{"status":"healthy","db":"ok"}');
  } else if (request.url === '/slow') {
    setTimeout(() => response.end('late'), 400);
  } else if (request.url === '/hang') {
    // never answers
  } else if (request.url === '/echo' && request.method === 'POST') {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => response.end(`${request.headers['content-type']} ${body}`));
  } else {
    response.writeHead(503);
    response.end('maintenance');
  }
};

const servers: Array<http.Server> = [];
function listen(server: http.Server): Promise<string> {
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(String((server.address() as AddressInfo).port))),
  );
}
afterAll(() => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

let plain = '';
beforeAll(async () => {
  plain = `http://127.0.0.1:${await listen(http.createServer(handler))}`;
});

describe('httpCheck over http', () => {
  it('passes a healthy endpoint and reads its version header', async () => {
    const result = await httpCheck(step(`${plain}/health`, { bodyContains: '"healthy"' }));
    expect(result).toMatchObject({ ok: true, status: 200, problems: [], versionHeader: '2024.12.25.1' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.tls).toBeUndefined();
  });

  it('reports a wrong status and a body without the expected text', async () => {
    const result = await httpCheck(step(`${plain}/products/list`, { bodyContains: 'products' }));
    expect(result.ok).toBe(false);
    expect(result.status).toBe(503);
    expect(result.problems).toEqual(['expected status 200, got 503', 'the body does not contain "products"']);
  });

  it('reports an answer slower than the step allows', async () => {
    const result = await httpCheck(step(`${plain}/slow`, { maxLatency: 100 }));
    expect(result.ok).toBe(false);
    expect(result.latencyMs).toBeGreaterThanOrEqual(100);
    expect(result.problems[0]).toMatch(/^took .*, more than the 100ms allowed$/);
  });

  it('sends the method, headers and body of the step', async () => {
    const result = await httpCheck(
      step(`${plain}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"username":"smoke"}',
        bodyContains: 'application/json {"username":"smoke"}',
      }),
    );
    expect(result.problems).toEqual([]);
  });

  it('gives up at its timeout and when canceled, without throwing', async () => {
    const timedOut = await httpCheck(step(`${plain}/hang`), { timeoutMs: 300 });
    expect(timedOut.ok).toBe(false);
    expect(timedOut.problems[0]).toMatch(/gave no complete answer within 300ms$/);
    const controller = new AbortController();
    const pending = httpCheck(step(`${plain}/hang`), { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await pending).problems).toEqual(['the check was canceled']);
  });

  it('says when nothing listens', async () => {
    const server = http.createServer();
    const port = await listen(server);
    server.close();
    const result = await httpCheck(step(`http://127.0.0.1:${port}/health`));
    expect(result.problems).toEqual([`127.0.0.1:${port} refused the connection (nothing listening)`]);
  });

  it('refuses a TLS check on a plain http URL', async () => {
    const result = await httpCheck(step(`${plain}/health`, { tlsValid: true }));
    expect(result.problems).toEqual(['the URL is not https, so no TLS certificate can be checked']);
  });
});

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasOpenssl)('httpCheck over https (certificates made with openssl)', () => {
  let selfSignedUrl = '';
  let trustedUrl = '';
  let caPem = '';
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conductor-tls-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    const san = 'subjectAltName=DNS:localhost,IP:127.0.0.1';
    const newKey = ['-newkey', 'rsa:2048', '-nodes'];
    ssl(
      'req',
      '-x509',
      ...newKey,
      '-keyout',
      'self.key',
      '-out',
      'self.crt',
      '-days',
      '30',
      '-subj',
      '/CN=localhost',
      '-addext',
      san,
    );
    ssl(
      'req',
      '-x509',
      ...newKey,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '365',
      '-subj',
      '/CN=Conductor Test CA',
    );
    ssl('req', ...newKey, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=localhost');
    writeFileSync(join(dir, 'leaf.ext'), `${san}\n`);
    const signWithCa = ['-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial'];
    ssl(
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      ...signWithCa,
      '-out',
      'leaf.crt',
      '-days',
      '90',
      '-extfile',
      'leaf.ext',
    );
    const read = (name: string) => readFileSync(join(dir, name));
    caPem = read('ca.crt').toString();
    selfSignedUrl = `https://localhost:${await listen(https.createServer({ key: read('self.key'), cert: read('self.crt') }, handler))}`;
    trustedUrl = `https://localhost:${await listen(https.createServer({ key: read('leaf.key'), cert: read('leaf.crt') }, handler))}`;
  });

  it('fails a self-signed certificate when the step requires a valid one, and shows its expiry', async () => {
    const result = await httpCheck(step(`${selfSignedUrl}/health`, { tlsValid: true }));
    expect(result.ok).toBe(false);
    expect(result.status).toBe(200);
    expect(result.tls).toMatchObject({ valid: false, selfSigned: true, issuer: 'localhost' });
    expect(result.tls?.daysLeft).toBeGreaterThanOrEqual(28);
    expect(result.tls?.daysLeft).toBeLessThanOrEqual(30);
    expect(result.problems).toEqual(['the TLS certificate is self-signed (localhost)']);
  });

  it('requires a valid certificate for a production https URL even when the step does not ask', async () => {
    const outcome = await runHttpStep(step(`${selfSignedUrl}/health`), { production: true });
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toMatch(
      /^the TLS certificate is self-signed \(localhost\); 200 in .*; certificate self-signed \(localhost\), expires in \d+ days/,
    );
    expect(outcome.evidence.at(-1)).toMatchObject({ id: 'health-certificate-days-left', ok: false });
  });

  it('still answers for a self-signed certificate when the step does not check TLS (SIT)', async () => {
    const result = await httpCheck(step(`${selfSignedUrl}/health`));
    expect(result.ok).toBe(true);
    expect(result.tls?.selfSigned).toBe(true);
  });

  it('passes a certificate from a trusted CA and reports its issuer and days left', async () => {
    const result = await httpCheck(step(`${trustedUrl}/health`, { tlsValid: true }), { ca: caPem });
    expect(result.problems).toEqual([]);
    expect(result.tls).toMatchObject({ valid: true, selfSigned: false, issuer: 'Conductor Test CA' });
    expect(result.tls?.daysLeft).toBeGreaterThanOrEqual(88);
  });

  it('fails the same certificate when its CA is not trusted', async () => {
    const result = await httpCheck(step(`${trustedUrl}/health`, { tlsValid: true }));
    expect(result.tls).toMatchObject({ valid: false, selfSigned: false });
    expect(result.problems).toEqual(['the TLS certificate is not valid (UNABLE_TO_VERIFY_LEAF_SIGNATURE)']);
  });
});

describe('httpCheck against the rehearsal sandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({
      clock: acceleratedClock(60),
      runbook: loadRunbook(),
      scenario: 'healthy',
    });
  });
  afterAll(() => sandbox.close());

  it("passes the application's health check", async () => {
    const result = await httpCheck(step(`${sandbox.appUrl}/health`, { bodyContains: '"status":"ok"' }));
    expect(result.problems).toEqual([]);
    expect(result.status).toBe(200);
  });

  it('fails it while the sandbox answers 503', async () => {
    sandbox.faults.set({
      operation: 'app:GET /health',
      errorRate: 1,
      errorCode: 'ServiceUnavailable',
      errorStatus: 503,
    });
    try {
      const result = await httpCheck(step(`${sandbox.appUrl}/health`));
      expect(result.ok).toBe(false);
      expect(result.problems).toEqual(['expected status 200, got 503']);
    } finally {
      sandbox.faults.clear();
    }
  });
});

describe('runHttpStep', () => {
  it('records status and latency evidence and a one-line detail', async () => {
    const outcome = await runHttpStep(step(`${plain}/health`, { maxLatency: 5_000 }), { production: false });
    expect(outcome.ok).toBe(true);
    expect(outcome.detail).toMatch(/^200 in \d+ms; version 2024\.12\.25\.1$/);
    expect(outcome.evidence.map((e) => [e.id, e.ok])).toEqual([
      ['health-status', true],
      ['health-latency', true],
    ]);
  });

  it('puts the problems first when the check fails', async () => {
    const outcome = await runHttpStep(step(`${plain}/products/list`), { production: false });
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toMatch(/^expected status 200, got 503; 503 in/);
    expect(outcome.evidence[0]).toMatchObject({ value: 503, ok: false, limit: '= 200' });
  });
});
