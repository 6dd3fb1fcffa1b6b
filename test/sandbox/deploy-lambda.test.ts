import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetAliasCommand,
  ListFunctionsCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { findOnPath, standinPath } from '../../src/sandbox/standins/index.js';
import { type Clients, loadRunbook, startTestSandbox } from './helpers.js';

// The seed's DEV -> SIT edge has no canary: its sandbox has the SIT Lambdas its commands name, on the
// stable version, and its deploy commands (terraform apply in each Lambda's folder) publish the release.
let sandbox: Sandbox;
let clients: Clients;

beforeAll(async () => {
  ({ sandbox, clients } = await startTestSandbox({
    runbook: loadRunbook('runbooks/bbws.yaml'),
    promotionId: 'dev-to-sit',
  }));
});
afterAll(() => sandbox.close());

const SIT = ['bbws-sit-auth-lambda', 'bbws-sit-order-lambda', 'bbws-sit-product-lambda'];
const aliasOf = (name: string) => sandbox.world.describe().lambdas.find((l) => l.functionName === name);

describe('a promotion without a canary: the Lambdas its commands name', () => {
  it('has the SIT functions of its rollback commands, each alias on the stable version, the release not yet published', async () => {
    const list = await clients.lambda.send(new ListFunctionsCommand({}));
    expect(list.Functions?.map((f) => f.FunctionName).sort()).toEqual(SIT);
    for (const name of SIT) {
      const alias = await clients.lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'sit' }));
      expect(alias.FunctionVersion).toBe('41');
    }
    expect(sandbox.world.canaryWeightPct()).toBe(0);
  });
});

describe('deploying a Lambda through the real client', () => {
  it('updates the code, publishes it as the next version (once), and moves the alias to it', async () => {
    const name = 'bbws-sit-auth-lambda';
    const zip = new TextEncoder().encode('release v2026.12.02.1');
    const updated = await clients.lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip }),
    );
    expect(updated.Version).toBe('$LATEST');
    const published = await clients.lambda.send(
      new PublishVersionCommand({ FunctionName: name, CodeSha256: updated.CodeSha256 }),
    );
    expect(published.Version).toBe('42');
    expect(published.CodeSha256).toBe(updated.CodeSha256);
    // Nothing changed since: Lambda answers the same version instead of a new one.
    const again = await clients.lambda.send(new PublishVersionCommand({ FunctionName: name }));
    expect(again.Version).toBe('42');
    // A stale hash is refused, as Lambda refuses it.
    await expect(
      clients.lambda.send(new PublishVersionCommand({ FunctionName: name, CodeSha256: 'stale' })),
    ).rejects.toThrow(/CodeSHA256/);
    await clients.lambda.send(
      new UpdateAliasCommand({ FunctionName: name, Name: 'sit', FunctionVersion: '42' }),
    );
    expect(aliasOf(name)?.functionVersion).toBe('42');
    // The new release now serves all of SIT's traffic for that function.
    expect(sandbox.world.canaryWeightPct()).toBe(100);
  });

  it('refuses code without a source', async () => {
    await expect(
      clients.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'bbws-sit-order-lambda' })),
    ).rejects.toThrow(/source for function code/);
  });
});

describe('terraform apply (the stand-in) in a Lambda folder deploys that Lambda to the sandbox', () => {
  const terraform = (folder: string) => {
    const cwd = join(mkdtempSync(join(tmpdir(), 'conductor-deploy-')), folder);
    mkdirSync(cwd);
    return execa(process.execPath, [join(standinPath(), 'terraform'), 'apply', '-var-file=../sit.tfvars'], {
      cwd,
      reject: false,
      env: { AWS_ENDPOINT_URL: sandbox.url, CONDUCTOR_CLOCK_SPEED: '1000', AWS_PROFILE: 'bbws-sit' },
    });
  };

  it('2_bbws_product_lambda: publishes 42 and points the sit alias at it; the other functions stay', async () => {
    const before = sandbox.requests.length;
    const result = await terraform('2_bbws_product_lambda');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Modifying... [id=bbws-sit-product-lambda]');
    expect(result.stdout).toContain('function_version = "42"');
    expect(aliasOf('bbws-sit-product-lambda')?.functionVersion).toBe('42');
    expect(aliasOf('bbws-sit-order-lambda')?.functionVersion).toBe('41');
    const operations = sandbox.requests.slice(before).map((r) => r.operation);
    expect(operations).toEqual([
      'ListFunctions',
      'UpdateFunctionCode',
      'PublishVersion',
      'ListAliases',
      'UpdateAlias',
    ]);
  });

  it('a folder that names no function (the root apply) changes no Lambda', async () => {
    const before = sandbox.requests.length;
    const result = await terraform('work');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Apply complete!');
    expect(sandbox.requests.slice(before).map((r) => r.operation)).toEqual(['ListFunctions']);
    expect(aliasOf('bbws-sit-order-lambda')?.functionVersion).toBe('41');
  });

  it('never calls an endpoint that is not loopback', async () => {
    const cwd = join(mkdtempSync(join(tmpdir(), 'conductor-deploy-')), '2_bbws_order_lambda');
    mkdirSync(cwd);
    const before = sandbox.requests.length;
    const result = await execa(process.execPath, [join(standinPath(), 'terraform'), 'apply'], {
      cwd,
      reject: false,
      env: { AWS_ENDPOINT_URL: 'https://lambda.af-south-1.amazonaws.com', CONDUCTOR_CLOCK_SPEED: '1000' },
    });
    expect(result.exitCode).toBe(0);
    expect(sandbox.requests.length).toBe(before);
    expect(aliasOf('bbws-sit-order-lambda')?.functionVersion).toBe('41');
  });
});

describe.skipIf(!findOnPath('aws'))('the installed AWS CLI against the sandbox', () => {
  it('lists the Lambda log groups of SIT (seed 4.2 step 8)', async () => {
    const result = await execa(
      'aws',
      [
        'logs',
        'describe-log-groups',
        '--log-group-name-prefix',
        '/aws/lambda/bbws-sit',
        '--region',
        'af-south-1',
      ],
      {
        reject: false,
        env: {
          AWS_ENDPOINT_URL: sandbox.url,
          AWS_ACCESS_KEY_ID: 'rehearsal',
          AWS_SECRET_ACCESS_KEY: 'rehearsal',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        },
      },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    const groups = (JSON.parse(result.stdout) as { logGroups: Array<{ logGroupName: string }> }).logGroups;
    expect(groups.map((g) => g.logGroupName)).toEqual(SIT.map((name) => `/aws/lambda/${name}`));
  }, 60_000);
});
