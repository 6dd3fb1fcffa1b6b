import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOnPath } from '../../src/sandbox/standins/index.js';
import { journalOf, runningRehearsal, until } from './helpers.js';

const SMOKE = [
  'prod-smoke-dynamodb-write',
  'prod-smoke-dynamodb-read',
  'prod-smoke-dynamodb-query',
  'prod-smoke-s3-upload',
  'prod-smoke-s3-download',
  'prod-smoke-s3-head',
];

describe("the runbook's DynamoDB and S3 commands in a rehearsal", () => {
  it('run the installed AWS CLI (the stand-in only without one) against the emulators, and pass', async () => {
    const installed = findOnPath('aws') !== undefined;
    const r = await runningRehearsal({ scenario: 'healthy', awsStandin: false });
    await until(
      r,
      () => SMOKE.every((id) => r.conductor.state.steps.find((s) => s.id === id)?.status === 'passed'),
      'the PROD smoke tests',
      150_000,
    );
    expect(journalOf(r).filter((e) => e.type === 'warning')).toEqual([]);
    const { dynamodbUrl, s3Url } = r.endpoints;
    expect(dynamodbUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const dir = r.store.dir(r.conductor.state.meta.sessionId);
    const log = (id: string) => readFileSync(join(dir, `${id}.1.log`), 'utf8');
    const sessionId = r.conductor.state.meta.sessionId;
    // The item written is read back, whoever answered.
    expect(log('prod-smoke-dynamodb-read')).toContain(`smoke-${sessionId}`);
    if (installed) {
      // The real CLI went to the emulators: the file is in the S3 emulator, byte for byte.
      const object = await fetch(`${s3Url}/prod-bbws-content/test/smoke-test.txt`);
      expect(await object.text()).toBe(`conductor smoke test ${sessionId}\n`);
      expect(log('prod-smoke-s3-head')).toMatch(/"ContentLength": \d+/);
      expect(log('prod-indexes')).toContain('"ACTIVE"');
    }
  }, 180_000);
});
