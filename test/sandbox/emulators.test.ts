import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { type Emulators, startEmulators } from '../../src/sandbox/emulators.js';
import { findOnPath } from '../../src/sandbox/standins/index.js';
import { dynamoCall } from '../support/dynamo-call.js';

let emulators: Emulators;

beforeAll(async () => {
  emulators = await startEmulators(SANDBOX_CREDENTIALS);
  await emulators.createTable('prod-products', 'productId');
  await emulators.createBucket('prod-bbws-content');
});
afterAll(() => emulators.close());

const dynamo = (operation: string, payload: unknown) => dynamoCall(emulators.dynamodbUrl, operation, payload);

describe('the DynamoDB and S3 emulators of a rehearsal', () => {
  it('serve a created table: ACTIVE, keyed as asked, one item, its index', async () => {
    const { status, body } = await dynamo('DescribeTable', { TableName: 'prod-products' });
    expect(status).toBe(200);
    expect(body.Table.TableStatus).toBe('ACTIVE');
    expect(body.Table.KeySchema).toEqual([{ AttributeName: 'productId', KeyType: 'HASH' }]);
    expect(body.Table.GlobalSecondaryIndexes[0].IndexName).toBe('category-index');
    const scan = await dynamo('Scan', { TableName: 'prod-products' });
    expect(scan.body.Count).toBe(1);
  });

  it('answer DescribeContinuousBackups, which dynalite lacks, for known tables only', async () => {
    const known = await dynamo('DescribeContinuousBackups', { TableName: 'prod-products' });
    expect(known.status).toBe(200);
    expect(
      known.body.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus,
    ).toBe('ENABLED');
    const unknown = await dynamo('DescribeContinuousBackups', { TableName: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.__type).toMatch(/TableNotFoundException/);
  });

  it('answer GetBucketVersioning (s3rver lists objects instead), and keep objects', async () => {
    const versioning = await fetch(`${emulators.s3Url}/prod-bbws-content?versioning`);
    expect(versioning.status).toBe(200);
    expect(await versioning.text()).toContain('<Status>Enabled</Status>');
    expect((await fetch(`${emulators.s3Url}/no-such-bucket?versioning`)).status).toBe(404);
    const put = await fetch(`${emulators.s3Url}/prod-bbws-content/test/hello.txt`, {
      method: 'PUT',
      body: 'hello',
    });
    expect(put.status).toBe(200);
    expect(await (await fetch(`${emulators.s3Url}/prod-bbws-content/test/hello.txt`)).text()).toBe('hello');
  });

  it.skipIf(!findOnPath('aws'))(
    'answer the installed AWS CLI, signed with the rehearsal credentials, through the standard endpoint variables',
    async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'conductor-emulators-'));
      writeFileSync(join(cwd, 'smoke.txt'), 'smoke');
      const env = {
        AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
        AWS_DEFAULT_REGION: 'af-south-1',
        AWS_CONFIG_FILE: join(cwd, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(cwd, 'none'),
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodbUrl,
        AWS_ENDPOINT_URL_S3: emulators.s3Url,
      };
      const aws = (...args: string[]) => execa('aws', args, { cwd, env, reject: false });
      const put = await aws(
        'dynamodb',
        'put-item',
        '--table-name',
        'prod-products',
        '--item',
        '{"productId":{"S":"smoke-1"}}',
      );
      expect(put.exitCode, put.stderr).toBe(0);
      const get = await aws(
        'dynamodb',
        'get-item',
        '--table-name',
        'prod-products',
        '--key',
        '{"productId":{"S":"smoke-1"}}',
      );
      expect(JSON.parse(get.stdout).Item.productId.S).toBe('smoke-1');
      const backups = await aws('dynamodb', 'describe-continuous-backups', '--table-name', 'prod-products');
      expect(backups.exitCode, backups.stderr).toBe(0);
      expect(JSON.parse(backups.stdout).ContinuousBackupsDescription.ContinuousBackupsStatus).toBe('ENABLED');
      const upload = await aws('s3', 'cp', 'smoke.txt', 's3://prod-bbws-content/test/smoke.txt');
      expect(upload.exitCode, upload.stderr).toBe(0);
      const versioning = await aws('s3api', 'get-bucket-versioning', '--bucket', 'prod-bbws-content');
      expect(JSON.parse(versioning.stdout).Status).toBe('Enabled');
      const head = await aws(
        's3api',
        'head-object',
        '--bucket',
        'prod-bbws-content',
        '--key',
        'test/smoke.txt',
      );
      expect(JSON.parse(head.stdout).ContentLength).toBe(5);
    },
    60_000,
  );
});
