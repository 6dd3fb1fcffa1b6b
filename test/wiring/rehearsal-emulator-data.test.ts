import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RehearsalSession, resumeRehearsal, startRehearsal } from '../../src/wiring/rehearsal.js';
import { engineTestRunbook, tempHome } from '../engine/helpers.js';
import { dynamoCall } from '../support/dynamo-call.js';

/**
 * Issue 17, point 7: a resumed rehearsal sees what its commands wrote. The emulators keep their data
 * in the session folder; the resumed rehearsal's new emulators open the same folder.
 */

const open: RehearsalSession[] = [];
afterEach(async () => {
  for (const rehearsal of open.splice(0)) await rehearsal.close();
});

const dynamo = dynamoCall;

describe("a resumed rehearsal's emulators", () => {
  it('hold what the rehearsal wrote before it stopped, kept in the session folder', async () => {
    const home = tempHome();
    const first = await startRehearsal({
      runbookFile: engineTestRunbook(),
      promotionId: 'sit-to-prod',
      scenario: 'healthy',
      speed: 600,
      autopilot: true,
      home,
      awsStandin: false,
    });
    open.push(first);
    const { dynamodbUrl, s3Url } = first.endpoints;
    if (!dynamodbUrl || !s3Url) throw new Error(`no emulators: ${first.endpoints.emulatorProblem}`);
    const sessionId = first.conductor.state.meta.sessionId;
    const dir = first.store.dir(sessionId);
    expect(existsSync(join(dir, 'emulators', 'dynamodb'))).toBe(true);
    expect(existsSync(join(dir, 'emulators', 's3', 'prod-bbws-content'))).toBe(true);
    const put = await dynamo(dynamodbUrl, 'PutItem', {
      TableName: 'prod-products',
      Item: { productId: { S: `smoke-${sessionId}` }, category: { S: 'smoke' } },
    });
    expect(put.status).toBe(200);
    const upload = await fetch(`${s3Url}/prod-bbws-content/test/smoke-test.txt`, {
      method: 'PUT',
      body: `conductor smoke test ${sessionId}\n`,
    });
    expect(upload.status).toBe(200);
    open.splice(open.indexOf(first), 1);
    await first.close();

    const resumed = await resumeRehearsal({ sessionId, home, awsStandin: false });
    open.push(resumed);
    const again = resumed.endpoints;
    if (!again.dynamodbUrl || !again.s3Url) throw new Error(`no emulators: ${again.emulatorProblem}`);
    const got = await dynamo(again.dynamodbUrl, 'GetItem', {
      TableName: 'prod-products',
      Key: { productId: { S: `smoke-${sessionId}` } },
    });
    expect(got.body.Item?.category?.S).toBe('smoke');
    expect(await (await fetch(`${again.s3Url}/prod-bbws-content/test/smoke-test.txt`)).text()).toBe(
      `conductor smoke test ${sessionId}\n`,
    );
  }, 120_000);
});
