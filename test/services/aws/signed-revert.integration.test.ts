import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RollbackTargetRecord } from '../../../src/core/session/events.js';
import {
  RESIGN_EVERY_MS,
  ReadyRevert,
  SIGNED_FOR_MS,
  signRevert,
} from '../../../src/services/aws/signed-revert.js';
import { readRollbackTarget, rollback, setCanaryWeight } from '../../../src/services/aws/traffic.js';
import { type Rehearsal, rehearse } from './sandbox-setup.js';

let rehearsal: Rehearsal | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await rehearsal?.close();
  rehearsal = undefined;
});

/** Spies on the HTTP handler under a client's SDK (where a signed request goes straight). */
function handlerSpy(client: { config: { requestHandler: unknown } }) {
  const handler = client.config.requestHandler as { handle: (...args: unknown[]) => unknown };
  return vi.spyOn(handler, 'handle');
}

const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

const writes = (r: Rehearsal, from: number) =>
  r.sandbox.requests
    .slice(from)
    .filter((request) => request.operation === 'UpdateStage' || request.operation === 'UpdateAlias');

async function shifted(percent: number): Promise<{ r: Rehearsal; target: RollbackTargetRecord }> {
  rehearsal = await rehearse();
  const target = await readRollbackTarget(rehearsal.clients, rehearsal.canary.targets);
  await setCanaryWeight(rehearsal.clients, target, percent);
  return { r: rehearsal, target };
}

describe('the revert signed ahead of the key', () => {
  it('is signed by the SDK without a request reaching AWS', async () => {
    const { r, target } = await shifted(25);
    const before = r.sandbox.requests.length;

    const signed = await signRevert(r.clients, target, false);

    expect(r.sandbox.requests.length).toBe(before);
    expect([...signed.requests.keys()].sort()).toEqual(
      ['apigateway', ...target.lambdas.map((lambda) => lambda.functionName)].sort(),
    );
    for (const { request } of signed.requests.values()) {
      expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=rehearsal\//);
      expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    }
  });

  it('leaves in the tick of the abort, lands the same writes the SDK would, and is read back', async () => {
    const { r, target } = await shifted(25);
    const signed = await signRevert(r.clients, target, false);
    const handles = [handlerSpy(r.clients.apigateway), handlerSpy(r.clients.lambda)];
    const sends = [vi.spyOn(r.clients.apigateway, 'send'), vi.spyOn(r.clients.lambda, 'send')];
    const before = r.sandbox.requests.length;

    const done = rollback(r.clients, target, { promoted: false, signed });
    // No await yet: every request is already with the HTTP handler, none went through the SDK.
    expect(handles.reduce((n, spy) => n + spy.mock.calls.length, 0)).toBe(1 + target.lambdas.length);
    const split = await done;

    expect(sends.reduce((n, spy) => n + spy.mock.calls.length, 0)).toBe(target.lambdas.length + 1);
    // ...those SDK sends are the read-back (GetStage, GetAlias), not writes.
    const landed = writes(r, before);
    expect(landed.map((w) => `${w.operation} ${w.status}`).sort()).toEqual(
      ['UpdateStage 200', ...target.lambdas.map(() => 'UpdateAlias 200')].sort(),
    );
    expect(landed.every((w) => (w.signedAt ?? Infinity) <= signed.signedAt + 1000)).toBe(true);
    expect(landed.find((w) => w.operation === 'UpdateStage')?.input).toMatchObject({
      patchOperations: [
        { op: 'replace', path: '/canarySettings/percentTraffic', value: '0.0' },
        { op: 'remove', path: '/canarySettings' },
      ],
    });
    expect(split.apiGateway?.canaryPercent).toBe(0);
    expect(split.lambdas.every((lambda) => lambda.additionalWeight === 0)).toBe(true);
    expect(r.sandbox.world.canaryWeightPct()).toBe(0);
  });

  it('is sent again by the SDK when AWS refuses it, and the rollback still lands', async () => {
    const { r, target } = await shifted(50);
    const signed = await signRevert(r.clients, target, false);
    r.sandbox.faults.set({
      operation: 'apigateway:UpdateStage',
      errorRate: 1,
      errorCode: 'ServiceUnavailable',
      times: 1,
    });
    const before = r.sandbox.requests.length;

    const split = await rollback(r.clients, target, { promoted: false, signed });

    const stage = writes(r, before).filter((w) => w.operation === 'UpdateStage');
    expect(stage.map((w) => w.status)).toEqual([503, 200]);
    // The second one is the SDK's, signed when it was sent (X-Amz-Date counts whole seconds).
    expect(stage[1].signedAt).toBeGreaterThanOrEqual(wholeSecond(signed.signedAt));
    expect(split.apiGateway?.canaryPercent).toBe(0);
  });

  it('is not used for another target or after a promotion it was not signed for', async () => {
    const { r, target } = await shifted(10);
    const signed = await signRevert(r.clients, target, false);
    const handle = handlerSpy(r.clients.apigateway);
    const before = r.sandbox.requests.length;

    // Signed for the canary, used for a promoted stage: the SDK sends the promoted revert instead.
    await rollback(r.clients, target, { promoted: true, signed });

    const stage = writes(r, before).find((w) => w.operation === 'UpdateStage');
    expect(stage?.input).toMatchObject({
      patchOperations: [{ op: 'replace', path: '/deploymentId', value: target.apiGateway?.deploymentId }],
    });
    // The stage's write went through the SDK's send (and with it its handler), not straight.
    expect(handle.mock.calls.length).toBeGreaterThan(0);
    expect(stage?.signedAt).toBeGreaterThanOrEqual(wholeSecond(signed.signedAt));
  });

  it('a signature older than five minutes is refused by the sandbox, as by AWS', async () => {
    const { r, target } = await shifted(10);
    // Signed six minutes ago (the SDK signs at Date.now()).
    const realNow = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(realNow - 6 * 60_000);
    const signed = await signRevert(r.clients, target, false);
    clock.mockRestore();
    const before = r.sandbox.requests.length;

    // Taken anyway (as a stale set would be without ReadyRevert's age check): the SDK resends it.
    const split = await rollback(r.clients, target, { promoted: false, signed });

    const stage = writes(r, before).filter((w) => w.operation === 'UpdateStage');
    expect(stage.map((w) => w.status)).toEqual([403, 200]);
    expect(split.apiGateway?.canaryPercent).toBe(0);
  });
});

describe('ReadyRevert', () => {
  it('signs when armed, again every minute, and hands over only a fresh set for the same revert', async () => {
    const { r, target } = await shifted(10);
    let now = Date.now();
    const ready = new ReadyRevert(r.clients, () => now);
    expect(ready.take(target, false)).toBeUndefined();

    ready.arm(target, false);
    await vi.waitFor(() => expect(ready.take(target, false)).toBeDefined());
    const first = ready.take(target, false);
    expect(ready.take(target, true)).toBeUndefined();

    // A promotion is another revert: armed again, the canary's set is gone.
    ready.arm(target, true);
    expect(ready.take(target, false)).toBeUndefined();
    await vi.waitFor(() => expect(ready.take(target, true)).toBeDefined());

    // Too old to be taken by AWS: not handed over.
    now += SIGNED_FOR_MS;
    expect(ready.take(target, true)).toBeUndefined();
    expect(RESIGN_EVERY_MS).toBeLessThan(SIGNED_FOR_MS);

    ready.arm(undefined, false);
    expect(ready.take(target, true)).toBeUndefined();
    expect(first?.key).not.toBe(undefined);
  });

  it('keeps re-signing on its minute while armed', async () => {
    const { r, target } = await shifted(10);
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      let now = Date.now();
      const ready = new ReadyRevert(r.clients, () => now);
      ready.arm(target, false);
      await vi.waitFor(() => expect(ready.take(target, false)).toBeDefined());
      const firstAt = ready.take(target, false)?.signedAt ?? 0;
      now += RESIGN_EVERY_MS;
      vi.advanceTimersByTime(RESIGN_EVERY_MS);
      await vi.waitFor(() => expect(ready.take(target, false)?.signedAt).toBe(firstAt + RESIGN_EVERY_MS));
      ready.arm(undefined, false);
    } finally {
      vi.useRealTimers();
    }
  });
});
