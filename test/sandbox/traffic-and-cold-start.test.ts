import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { shiftTraffic, startTestSandbox } from './helpers.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

interface SandboxState {
  canaryWeightPct: number;
  apiGateway: { canary: { percentTraffic: number } };
  lambdas: Array<{ additionalVersionWeights: Record<string, number> }>;
}

describe('POST /_sandbox/traffic: someone else moves the traffic', () => {
  it('moves the stage canary alone, leaving the aliases as they were: a mixed split', async () => {
    const started = await startTestSandbox();
    sandbox = started.sandbox;
    await shiftTraffic(started.clients, 25);
    const moved = await fetch(`${sandbox.url}/_sandbox/traffic`, {
      method: 'POST',
      body: JSON.stringify({ percentTraffic: 40 }),
    });
    expect(moved.status).toBe(200);
    const state = (await moved.json()) as SandboxState;
    expect(state.apiGateway.canary.percentTraffic).toBe(40);
    expect(state.lambdas.map((l) => l.additionalVersionWeights)).toEqual([{ '42': 0.25 }, { '42': 0.25 }]);
    expect(state.canaryWeightPct).toBe(40);

    const alias = await fetch(`${sandbox.url}/_sandbox/traffic`, {
      method: 'POST',
      body: JSON.stringify({ aliasWeight: 0.5 }),
    });
    const after = (await alias.json()) as SandboxState;
    expect(after.apiGateway.canary.percentTraffic).toBe(40);
    expect(after.lambdas.map((l) => l.additionalVersionWeights)).toEqual([{ '42': 0.5 }, { '42': 0.25 }]);
  });

  it('refuses a share out of range with one sentence and changes nothing', async () => {
    const started = await startTestSandbox();
    sandbox = started.sandbox;
    await shiftTraffic(started.clients, 10);
    for (const body of [{ percentTraffic: 140 }, { aliasWeight: 2 }, { percentTraffic: 'half' }]) {
      const bad = await fetch(`${sandbox.url}/_sandbox/traffic`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { message: string }).message).toBe(
        'percentTraffic must be 0 to 100 and aliasWeight 0 to 1.',
      );
    }
    expect(sandbox.world.canaryWeightPct()).toBe(10);
  });
});

describe('the slow-load-once scenario', () => {
  it('serves its first 1000 application requests slowly (about 1.2 s), then as usual', async () => {
    const started = await startTestSandbox({ scenario: 'slow-load-once' });
    sandbox = started.sandbox;
    const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.95) - 1];
    const cold = Array.from({ length: 1000 }, () => started.sandbox.world.serveApp(undefined).latencyMs);
    const warm = Array.from({ length: 1000 }, () => started.sandbox.world.serveApp(undefined).latencyMs);
    // Far above a baseline of 250 ms (or 1 s), yet one request stays under a 2 s health-check limit.
    expect(p95(cold)).toBeGreaterThan(1_300);
    expect(Math.max(...cold)).toBeLessThan(2_000);
    expect(p95(warm)).toBeLessThan(250);
  });
});

describe('application requests are reproducible', () => {
  it('the n-th request gets the same answer whatever AWS calls came between (same seed)', async () => {
    const quiet = await startTestSandbox({ scenario: 'slow-burn' });
    const outcomes = Array.from({ length: 400 }, () => quiet.sandbox.world.serveApp(undefined));
    await quiet.sandbox.close();
    const busy = await startTestSandbox({ scenario: 'slow-burn' });
    sandbox = busy.sandbox;
    const world = busy.sandbox.world;
    const again = Array.from({ length: 400 }, (_, i) => {
      // AWS calls draw request ids from the control plane's stream: a different number each time.
      for (let k = 0; k < i % 7; k++) world.newRequestId();
      return world.serveApp(undefined);
    });
    expect(again).toEqual(outcomes);
    // Not one fixed answer: the stream varies from request to request.
    expect(new Set(outcomes.map((o) => o.latencyMs)).size).toBe(400);
  });
});
