import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { type Emulators, startEmulators } from '../../src/sandbox/emulators.js';
import { dynamoCall } from '../support/dynamo-call.js';

/**
 * Issue 17, point 7: a rehearsal's emulators keep their data in the session folder, so a resumed
 * rehearsal sees what its commands wrote. Written, stopped, started again on the same folder, read.
 */

const open: Emulators[] = [];
afterEach(async () => {
  for (const emulators of open.splice(0)) await emulators.close();
});

async function start(dataDir?: string): Promise<Emulators> {
  const emulators = await startEmulators(SANDBOX_CREDENTIALS, { dataDir });
  open.push(emulators);
  // What a rehearsal seeds on every start: it must not undo what was written since.
  await emulators.createTable('prod-products', 'productId');
  await emulators.createBucket('prod-bbws-content');
  return emulators;
}

async function stop(emulators: Emulators): Promise<void> {
  open.splice(open.indexOf(emulators), 1);
  await emulators.close();
}

const dynamo = dynamoCall;

describe('the emulators given a data folder', () => {
  it('keep items, objects and bucket versioning across a stop and a start on the same folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'conductor-emulator-data-'));
    const first = await start(dataDir);
    const put = await dynamo(first.dynamodbUrl, 'PutItem', {
      TableName: 'prod-products',
      Item: { productId: { S: 'written-before-the-resume' }, category: { S: 'smoke' } },
    });
    expect(put.status).toBe(200);
    expect(
      (await fetch(`${first.s3Url}/prod-bbws-content/test/smoke.txt`, { method: 'PUT', body: 'kept' }))
        .status,
    ).toBe(200);
    const suspend = await fetch(`${first.s3Url}/prod-bbws-content?versioning`, {
      method: 'PUT',
      body: '<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>',
    });
    expect(suspend.status).toBe(200);
    await stop(first);
    expect(existsSync(join(dataDir, 'dynamodb'))).toBe(true);
    expect(readdirSync(join(dataDir, 's3'))).toContain('prod-bbws-content');

    const second = await start(dataDir);
    const got = await dynamo(second.dynamodbUrl, 'GetItem', {
      TableName: 'prod-products',
      Key: { productId: { S: 'written-before-the-resume' } },
    });
    expect(got.status).toBe(200);
    expect(got.body.Item?.category?.S).toBe('smoke');
    // The seeded item and the written one: seeding again added nothing and removed nothing.
    expect((await dynamo(second.dynamodbUrl, 'Scan', { TableName: 'prod-products' })).body.Count).toBe(2);
    expect(await (await fetch(`${second.s3Url}/prod-bbws-content/test/smoke.txt`)).text()).toBe('kept');
    expect(await (await fetch(`${second.s3Url}/prod-bbws-content?versioning`)).text()).toContain(
      '<Status>Suspended</Status>',
    );
  }, 60_000);

  it('wait for the previous emulators, still closing, to let go of the folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'conductor-emulator-data-'));
    const first = await start(dataDir);
    await dynamo(first.dynamodbUrl, 'PutItem', {
      TableName: 'prod-products',
      Item: { productId: { S: 'written-by-the-first' } },
    });
    const second = startEmulators(SANDBOX_CREDENTIALS, { dataDir });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await stop(first);
    const emulators = await second;
    open.push(emulators);
    const got = await dynamo(emulators.dynamodbUrl, 'GetItem', {
      TableName: 'prod-products',
      Key: { productId: { S: 'written-by-the-first' } },
    });
    expect(got.body.Item?.productId?.S).toBe('written-by-the-first');
  }, 60_000);

  it('without one, start empty each time (nothing is left behind)', async () => {
    const first = await start();
    await dynamo(first.dynamodbUrl, 'PutItem', {
      TableName: 'prod-products',
      Item: { productId: { S: 'gone-with-the-process' } },
    });
    await stop(first);
    const second = await start();
    expect((await dynamo(second.dynamodbUrl, 'Scan', { TableName: 'prod-products' })).body.Count).toBe(1);
  }, 60_000);
});
