import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import {
  type AwsClients,
  assertLoopbackEndpoint,
  createAwsClients,
  type RetryInfo,
} from '../../../src/services/aws/clients.js';
import { callAws } from '../../../src/services/aws/errors.js';

/** A bare loopback HTTP server standing in for Lambda, to watch what the real clients send. */
async function fakeLambda(answer: (req: IncomingMessage, res: ServerResponse, count: number) => void) {
  const seen: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req);
    req.resume();
    req.on('end', () => answer(req, res, seen.length));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, server };
}

const aliasBody = JSON.stringify({ Name: 'live', FunctionVersion: '41', RevisionId: 'r1' });
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function track(clients: AwsClients, server: Server) {
  cleanups.push(() => {
    clients.destroy();
    server.closeAllConnections();
    server.close();
  });
}

function getAlias(clients: AwsClients, signal?: AbortSignal) {
  return callAws('lambda', 'GetAlias', () =>
    clients.lambda.send(new GetAliasCommand({ FunctionName: 'bbws-orders', Name: 'live' }), {
      abortSignal: signal,
    }),
  );
}

describe('createAwsClients', () => {
  it('configures region, adaptive retries and attempts on every client', async () => {
    const clients = createAwsClients({ region: 'af-south-1', credentials, maxAttempts: 4 });
    cleanups.push(() => clients.destroy());
    for (const client of [clients.cloudwatch, clients.lambda, clients.apigateway, clients.sts]) {
      expect(await client.config.region()).toBe('af-south-1');
      expect(await client.config.maxAttempts()).toBe(4);
      expect((await client.config.retryStrategy()) as { mode?: string }).toMatchObject({ mode: 'adaptive' });
    }
  });

  it('retries a throttled call, reports each retry, then succeeds', async () => {
    const lambda = await fakeLambda((_req, res, count) => {
      if (count <= 2) {
        res.writeHead(429, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'TooManyRequestsException',
        });
        res.end(JSON.stringify({ Type: 'User', message: 'Rate exceeded' }));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(aliasBody);
      }
    });
    const retries: RetryInfo[] = [];
    const clients = createAwsClients({
      region: 'af-south-1',
      credentials,
      endpoint: lambda.url,
      onRetry: (info) => retries.push(info),
    });
    track(clients, lambda.server);

    const alias = await getAlias(clients);

    expect(alias.FunctionVersion).toBe('41');
    expect(lambda.seen).toHaveLength(3);
    expect(retries.map(({ service, operation, attempt }) => ({ service, operation, attempt }))).toEqual([
      { service: 'lambda', operation: 'GetAlias', attempt: 2 },
      { service: 'lambda', operation: 'GetAlias', attempt: 3 },
    ]);
    expect(retries[0].error).toBe(
      'AWS throttled Lambda GetAlias; wait a minute and try again, or ask for a higher quota.',
    );
    expect(retries[0].delayMs).toBeGreaterThanOrEqual(0);
  });

  it('bounds a call that never answers and says so in one sentence', async () => {
    const lambda = await fakeLambda(() => {
      /* never answers */
    });
    const clients = createAwsClients({
      region: 'af-south-1',
      credentials,
      endpoint: lambda.url,
      requestTimeoutMs: 300,
      maxAttempts: 2,
    });
    track(clients, lambda.server);

    await expect(getAlias(clients)).rejects.toThrow(
      'Lambda GetAlias did not answer within 0.3 s (2 attempts); check the network and the endpoint, then try again.',
    );
    expect(lambda.seen).toHaveLength(2);
  });

  it('gives up a hanging call as soon as its signal aborts', async () => {
    const lambda = await fakeLambda(() => {});
    const clients = createAwsClients({ region: 'af-south-1', credentials, endpoint: lambda.url });
    track(clients, lambda.server);
    const controller = new AbortController();
    const call = getAlias(clients, controller.signal);
    await expect.poll(() => lambda.seen.length).toBe(1);
    controller.abort();
    await expect(call).rejects.toThrow('Lambda GetAlias was cancelled before AWS answered.');
  });

  it('follows the standard AWS_ENDPOINT_URL_LAMBDA variable when no endpoint is given', async () => {
    const lambda = await fakeLambda((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(aliasBody);
    });
    process.env.AWS_ENDPOINT_URL_LAMBDA = lambda.url;
    cleanups.push(() => delete process.env.AWS_ENDPOINT_URL_LAMBDA);
    const clients = createAwsClients({ region: 'af-south-1', credentials });
    track(clients, lambda.server);
    await getAlias(clients);
    expect(lambda.seen[0].url).toBe('/2015-03-31/functions/bbws-orders/aliases/live');
  });

  it('signs with the credentials of the named profile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conductor-aws-'));
    writeFileSync(
      join(dir, 'credentials'),
      '[rehearsal]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = secret\n',
    );
    writeFileSync(join(dir, 'config'), '[profile rehearsal]\nregion = af-south-1\n');
    const saved = { ...process.env };
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
      delete process.env[name];
    }
    cleanups.push(() => {
      process.env = saved;
    });
    const lambda = await fakeLambda((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(aliasBody);
    });
    const clients = createAwsClients({ region: 'af-south-1', profile: 'rehearsal', endpoint: lambda.url });
    track(clients, lambda.server);
    await getAlias(clients);
    expect(lambda.seen[0].headers.authorization).toContain('Credential=AKIDPROFILE/');
  });

  it('says where a refused connection went', async () => {
    const lambda = await fakeLambda(() => {});
    const url = lambda.url;
    await new Promise((resolve) => lambda.server.close(resolve));
    const clients = createAwsClients({ region: 'af-south-1', credentials, endpoint: url, maxAttempts: 1 });
    cleanups.push(() => clients.destroy());
    await expect(getAlias(clients)).rejects.toThrow(
      `Could not reach AWS at ${url.replace('http://', '')} for Lambda GetAlias: the connection was refused`,
    );
  });
});

describe('assertLoopbackEndpoint', () => {
  it('accepts loopback endpoints', () => {
    for (const url of [
      'http://127.0.0.1:4566',
      'http://localhost:4566',
      'http://[::1]:4566',
      'http://127.8.9.10',
    ]) {
      expect(() => assertLoopbackEndpoint(url)).not.toThrow();
    }
  });

  it('refuses anything that could be AWS', () => {
    for (const url of [
      'https://lambda.af-south-1.amazonaws.com',
      'http://10.0.0.5:4566',
      'http://127.0.0.1.nip.io',
      'http://localhost.evil.com',
      'http://128.0.0.1',
    ]) {
      expect(() => assertLoopbackEndpoint(url)).toThrow(UserError);
    }
    expect(() => assertLoopbackEndpoint('https://lambda.af-south-1.amazonaws.com')).toThrow(
      'Refusing to rehearse against https://lambda.af-south-1.amazonaws.com: a rehearsal may only use a loopback endpoint (127.0.0.1, localhost or ::1), never a real AWS account.',
    );
    expect(() => assertLoopbackEndpoint('not a url')).toThrow('is not an endpoint URL');
  });
});
