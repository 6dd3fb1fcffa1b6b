import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { GetStageCommand } from '@aws-sdk/client-api-gateway';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE, FIXTURE_RUNBOOK, freePort, sdkClients, waitFor } from './helpers.js';

// Runs the built CLI (`npm run build` first), as a user would.
const bin = new URL('../../bin/conductor.js', import.meta.url).pathname;

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

describe('conductor sandbox', () => {
  it('serves on the given port to an SDK client in this (separate) process, and stops on Ctrl-C', async () => {
    const port = await freePort();
    const proc = spawn(
      'node',
      [bin, 'sandbox', '--port', String(port), '--runbook', FIXTURE_RUNBOOK, '--speed', '60'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = proc;
    let out = '';
    let err = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    proc.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    await waitFor(() => out.includes('Press Ctrl-C'), `the sandbox to start (stderr: ${err})`);
    const url = `http://127.0.0.1:${port}`;
    expect(out).toContain(`export AWS_ENDPOINT_URL=${url}`);
    expect(out).toContain('export AWS_ACCESS_KEY_ID=rehearsal');
    // The banner names what the given runbook asks of the application: this one's steps ask nothing.
    expect(out).toContain(`Application: ${url}/app (the runbook's steps make no request of it)`);
    expect(out).not.toMatch(/products|bbws/i);

    const clients = sdkClients(url);
    const alias = await clients.lambda.send(
      new GetAliasCommand({ FunctionName: FIXTURE.functions[1], Name: FIXTURE.alias }),
    );
    expect(alias.FunctionVersion).toBe('41');
    const stage = await clients.apigateway.send(
      new GetStageCommand({ restApiId: FIXTURE.restApiId, stageName: FIXTURE.stage }),
    );
    expect(stage.canarySettings?.deploymentId).toBe('dep-canary0002');
    expect((await clients.sts.send(new GetCallerIdentityCommand({}))).Account).toBe(FIXTURE.accountId);

    proc.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toContain('Sandbox stopped.');
  });

  it('refuses an unknown scenario with one sentence and exit 2', () => {
    const run = spawnSync('node', [bin, 'sandbox', '--scenario', 'meteor', '--runbook', FIXTURE_RUNBOOK], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      'conductor: Unknown scenario "meteor": use one of healthy, error-spike, latency-regression, latency-blip, slow-burn, throttled, cloudwatch-outage, low-traffic, drift, wrong-account, coverage-drop, slow-load-once, drift-while-away.',
    );
  });

  it('refuses a port that is taken with a sentence saying what to do', async () => {
    const net = await import('node:net');
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const run = spawnSync('node', [bin, 'sandbox', '--port', String(port), '--runbook', FIXTURE_RUNBOOK], {
        encoding: 'utf8',
      });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`Port ${port} is in use`);
    } finally {
      blocker.close();
    }
  });
});
