/**
 * Local emulators for the AWS services the runbook's own commands touch but the sandbox does not
 * speak: DynamoDB (dynalite) and S3 (s3rver). An installed AWS CLI reaches them through
 * AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_S3. Given a data folder (a rehearsal's session
 * folder) they keep their data there, so a resumed rehearsal sees what its commands wrote; without
 * one, DynamoDB is in memory and S3 in a private temporary folder removed on close.
 *
 * Each emulator lacks one read the BBWS runbook makes, so its server answers that one itself and
 * hands every other request to the emulator: DynamoDB DescribeContinuousBackups (dynalite has no
 * point-in-time recovery) and S3 GetBucketVersioning (s3rver serves `?versioning` as a listing).
 *
 * Both are optional dependencies (some 120 packages and a native addon, for rehearsals only): a
 * production install (`npm ci --omit=optional`) has neither, and startEmulators then throws
 * EmulatorsNotInstalled, which the rehearsal reads as "go on with the AWS CLI stand-in".
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EmulatorCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface Emulators {
  dynamodbUrl: string;
  s3Url: string;
  /** Creates the table (partition key `key`, one index `category-index`), ACTIVE, with one item. */
  createTable(name: string, key: string): Promise<void>;
  createBucket(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Loads each emulator's package by name; tests give loaders that fail as a missing package does. */
export type EmulatorPackageLoaders = typeof PACKAGES;
type EmulatorPackages = {
  [Name in keyof EmulatorPackageLoaders]: Awaited<ReturnType<EmulatorPackageLoaders[Name]>>;
};

const PACKAGES = {
  dynalite: async () => (await import('dynalite')).default,
  s3rver: async () => {
    const [server, account] = await Promise.all([import('s3rver'), import('s3rver/lib/models/account.js')]);
    return { S3rver: server.default, Account: account.default };
  },
};

/** The emulators' packages are not installed (an install without optional dependencies). */
export class EmulatorsNotInstalled extends Error {
  constructor(readonly missing: string[]) {
    super(
      // Short, and the remedy early: the journal view shows one line cut at the terminal's width.
      'DynamoDB and S3 emulators not installed (`npm install --include=optional` adds them)',
    );
    this.name = 'EmulatorsNotInstalled';
  }
}

/**
 * Both packages, or EmulatorsNotInstalled naming the missing ones. Only ERR_MODULE_NOT_FOUND (what
 * Node's import throws for a package that is not there) means "not installed": any other error
 * (a native addon without a build for this platform, a package that fails to load) is thrown as
 * it is, so it is reported as the failure it is.
 */
export async function loadEmulatorPackages(
  loaders: EmulatorPackageLoaders = PACKAGES,
): Promise<EmulatorPackages> {
  const names = Object.keys(loaders) as Array<keyof EmulatorPackageLoaders>;
  const settled = await Promise.allSettled(names.map((name) => loaders[name]()));
  const missing: string[] = [];
  for (const [i, result] of settled.entries()) {
    if (result.status === 'fulfilled') continue;
    if ((result.reason as NodeJS.ErrnoException | undefined)?.code !== 'ERR_MODULE_NOT_FOUND')
      throw result.reason;
    missing.push(names[i]);
  }
  if (missing.length) throw new EmulatorsNotInstalled(missing);
  return Object.fromEntries(
    names.map((name, i) => [name, (settled[i] as PromiseFulfilledResult<unknown>).value]),
  ) as EmulatorPackages;
}

/** Any value passes dynalite's checks: it wants the shape of a SigV4 request, never verifies it. */
const DYNAMODB_HEADERS = {
  'Content-Type': 'application/x-amz-json-1.0',
  'X-Amz-Date': '20260101T000000Z',
  Authorization:
    'AWS4-HMAC-SHA256 Credential=rehearsal/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
};

function send(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

/** Puts `answer` in front of the server's own handler: a request it does not answer goes on. */
function answerFirst(server: Server, answer: (req: IncomingMessage, res: ServerResponse) => boolean): void {
  const handlers = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (answer(req, res)) return;
    for (const handler of handlers) handler(req, res);
  });
}

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * LevelDB allows one process at a time, and dynalite dies of an unhandled error when its folder is
 * locked: wait (bounded) for the previous rehearsal's emulator, which may still be closing, to let go.
 */
async function waitForDatabase(path: string, limitMs = 10_000): Promise<void> {
  // dynalite's own copy of `level`, so the probe opens the folder exactly as it will.
  const { Level } = createRequire(createRequire(import.meta.url).resolve('dynalite'))('level') as {
    Level: new (path: string) => { open(): Promise<void>; close(): Promise<void> };
  };
  const deadline = Date.now() + limitMs;
  for (;;) {
    const db = new Level(path);
    try {
      await db.open();
      await db.close();
      return;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      if (cause !== 'LEVEL_LOCKED' || Date.now() > deadline)
        throw new Error(`the DynamoDB data in ${path} could not be opened (${cause ?? String(error)})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function startDynamo(dynalite: EmulatorPackages['dynalite'], dataDir?: string) {
  const path = dataDir ? join(dataDir, 'dynamodb') : undefined;
  if (path) {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    await waitForDatabase(path);
  }
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(path && { path }) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = urlOf(server);
  const call = async (operation: string, payload: unknown) => {
    const reply = await send(
      url,
      'POST',
      '/',
      { ...DYNAMODB_HEADERS, 'X-Amz-Target': `DynamoDB_20120810.${operation}` },
      JSON.stringify(payload),
    );
    const body = reply.body ? JSON.parse(reply.body) : {};
    if (reply.status !== 200)
      throw new Error(`DynamoDB ${operation} answered ${reply.status}: ${reply.body}`);
    return body;
  };
  const recovery = new Map<string, 'ENABLED' | 'DISABLED'>();

  const describeContinuousBackups = async (req: IncomingMessage, res: ServerResponse) => {
    const { TableName } = JSON.parse((await readBody(req)) || '{}') as { TableName?: string };
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(body));
    };
    try {
      await call('DescribeTable', { TableName });
    } catch {
      reply(400, {
        __type: 'com.amazonaws.dynamodb.v20120810#TableNotFoundException',
        message: `Table not found: ${TableName}`,
      });
      return;
    }
    const status = recovery.get(TableName ?? '') ?? 'DISABLED';
    reply(200, {
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: {
          PointInTimeRecoveryStatus: status,
          ...(status === 'ENABLED' && { EarliestRestorableDateTime: Date.now() / 1000 - 35 * 86_400 }),
        },
      },
    });
  };
  answerFirst(server, (req, res) => {
    if (req.headers['x-amz-target'] !== 'DynamoDB_20120810.DescribeContinuousBackups') return false;
    void describeContinuousBackups(req, res);
    return true;
  });

  return {
    url,
    async createTable(name: string, key: string) {
      // Kept from an earlier run of the same rehearsal: its items are what the commands wrote.
      const existing = await call('DescribeTable', { TableName: name }).catch(() => undefined);
      if (existing) {
        recovery.set(name, 'ENABLED');
        return;
      }
      await call('CreateTable', {
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: key, AttributeType: 'S' },
          { AttributeName: 'category', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'category-index',
            KeySchema: [{ AttributeName: 'category', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      });
      // CreateTable answers CREATING even with createTableMs 0: a write right after it can miss.
      while ((await call('DescribeTable', { TableName: name })).Table?.TableStatus !== 'ACTIVE')
        await new Promise((resolve) => setTimeout(resolve, 5));
      await call('PutItem', {
        TableName: name,
        Item: {
          [key]: { S: `${name}-001` },
          category: { S: 'rehearsal' },
          title: { S: 'Rehearsal product' },
        },
      });
      recovery.set(name, 'ENABLED');
    },
    close: () => closeServer(server),
  };
}

async function startS3(
  { S3rver, Account }: EmulatorPackages['s3rver'],
  credentials: EmulatorCredentials,
  dataDir?: string,
) {
  // s3rver knows one key pair (S3RVER); a signed request with any other is refused.
  Account.DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
  const directory = dataDir ? join(dataDir, 's3') : mkdtempSync(join(tmpdir(), 'conductor-s3-'));
  if (dataDir) mkdirSync(directory, { recursive: true, mode: 0o700 });
  const s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    resetOnClose: dataDir === undefined,
  });
  await s3.run();
  const server = s3.httpServer;
  const url = urlOf(server);
  // What s3rver does not keep itself (it has no versioning) is kept beside its folder.
  const versioningFile = dataDir ? join(dataDir, 's3-versioning.json') : undefined;
  const versioning = new Map<string, 'Enabled' | 'Suspended'>(readVersioning(versioningFile));
  const saveVersioning = () => {
    if (versioningFile)
      writeFileSync(versioningFile, JSON.stringify(Object.fromEntries(versioning)), { mode: 0o600 });
  };

  answerFirst(server, (req, res) => {
    const parsed = new URL(req.url ?? '/', url);
    const bucket = parsed.pathname.split('/')[1];
    if (!parsed.searchParams.has('versioning') || !bucket || parsed.pathname.split('/')[2]) return false;
    const xml = (status: number, body: string) => {
      res.writeHead(status, { 'Content-Type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
    };
    if (!versioning.has(bucket) && req.method === 'GET') {
      xml(
        404,
        `<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>${bucket}</BucketName></Error>`,
      );
      return true;
    }
    if (req.method === 'PUT') {
      void readBody(req).then((body) => {
        versioning.set(bucket, /<Status>\s*Suspended\s*<\/Status>/.test(body) ? 'Suspended' : 'Enabled');
        saveVersioning();
        xml(200, '');
      });
      return true;
    }
    xml(
      200,
      `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>${versioning.get(bucket)}</Status></VersioningConfiguration>`,
    );
    return true;
  });

  return {
    url,
    async createBucket(name: string) {
      const reply = await send(url, 'PUT', `/${name}`, {});
      if (reply.status !== 200 && !/BucketAlreadyOwnedByYou|BucketAlreadyExists/.test(reply.body))
        throw new Error(`S3 CreateBucket ${name} answered ${reply.status}: ${reply.body}`);
      if (!versioning.has(name)) versioning.set(name, 'Enabled');
      saveVersioning();
    },
    async close() {
      await closeServer(server);
      if (!dataDir) rmSync(directory, { recursive: true, force: true });
    },
  };
}

function readVersioning(file: string | undefined): Array<[string, 'Enabled' | 'Suspended']> {
  if (!file) return [];
  try {
    return Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, 'Enabled' | 'Suspended'>);
  } catch {
    return [];
  }
}

/**
 * `dataDir`: where the emulators keep their data across runs (a rehearsal's session folder).
 * Throws EmulatorsNotInstalled when their packages are not installed.
 */
export async function startEmulators(
  credentials: EmulatorCredentials,
  options: { dataDir?: string; packages?: EmulatorPackageLoaders } = {},
): Promise<Emulators> {
  const packages = await loadEmulatorPackages(options.packages);
  const dynamo = await startDynamo(packages.dynalite, options.dataDir);
  const s3 = await startS3(packages.s3rver, credentials, options.dataDir).catch(async (error: unknown) => {
    await dynamo.close();
    throw error;
  });
  return {
    dynamodbUrl: dynamo.url,
    s3Url: s3.url,
    createTable: dynamo.createTable,
    createBucket: s3.createBucket,
    async close() {
      await Promise.allSettled([dynamo.close(), s3.close()]);
    },
  };
}
