/**
 * Local emulators for the AWS services the runbook's own commands touch but the sandbox does not
 * speak: DynamoDB (dynalite, in memory) and S3 (s3rver, files in a private temporary folder). An
 * installed AWS CLI reaches them through AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_S3.
 *
 * Each emulator lacks one read the BBWS runbook makes, so its server answers that one itself and
 * hands every other request to the emulator: DynamoDB DescribeContinuousBackups (dynalite has no
 * point-in-time recovery) and S3 GetBucketVersioning (s3rver serves `?versioning` as a listing).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { request } from 'node:http';
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

async function startDynamo() {
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
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

async function startS3(credentials: EmulatorCredentials) {
  const [{ default: S3rver }, { default: Account }] = await Promise.all([
    import('s3rver'),
    import('s3rver/lib/models/account.js'),
  ]);
  // s3rver knows one key pair (S3RVER); a signed request with any other is refused.
  Account.DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
  const directory = mkdtempSync(join(tmpdir(), 'conductor-s3-'));
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, resetOnClose: true });
  await s3.run();
  const server = s3.httpServer;
  const url = urlOf(server);
  const versioning = new Map<string, 'Enabled' | 'Suspended'>();

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
      versioning.set(name, 'Enabled');
    },
    async close() {
      await closeServer(server);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export async function startEmulators(credentials: EmulatorCredentials): Promise<Emulators> {
  const dynamo = await startDynamo();
  const s3 = await startS3(credentials).catch(async (error: unknown) => {
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
