import { UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { AwsClients } from '../../src/services/aws/clients.js';
import type { Rehearsal } from '../../src/wiring/rehearsal.js';
import {
  aliasesAtSandbox,
  canaryWeightAtSandbox,
  eventsOf,
  requestsTo,
  resumedHere,
  runningRehearsal,
  stageOf,
  until,
} from './helpers.js';

/** Press `x`: the engine method the key table calls. */
async function pressAbort(r: Rehearsal) {
  const abortAt = r.clock.now();
  r.conductor.abort();
  await until(r, () => r.conductor.state.status === 'completed', 'the rollback');
  return abortAt;
}

/**
 * Watches the SDK's sends of the engine's AWS port. The revert the engine keeps signed ahead of the
 * key (services/aws/signed-revert.ts) is built by `send` with a middleware that takes the request
 * before it leaves (`signings`), then goes straight to a socket: no write of it is an SDK `write`.
 */
function sdkSendsOf(r: { conductor: Rehearsal['conductor'] }) {
  const { clients } = r.conductor.awsFor() as unknown as { clients: AwsClients };
  const spies = [vi.spyOn(clients.apigateway, 'send'), vi.spyOn(clients.lambda, 'send')];
  const revertCommands = () =>
    spies
      .flatMap((spy) => spy.mock.calls.map(([command]) => command))
      .filter((command) => command instanceof UpdateStageCommand || command instanceof UpdateAliasCommand);
  const signing = (command: { middlewareStack: { identify(): string[] } }) =>
    command.middlewareStack.identify().some((entry) => entry.startsWith('conductorSignedAhead'));
  return {
    writes: () =>
      revertCommands()
        .filter((command) => !signing(command))
        .map((c) => c.constructor.name),
    signings: () => revertCommands().filter(signing).length,
  };
}

function expectStableEverywhere(r: Rehearsal) {
  expect(canaryWeightAtSandbox(r)).toBe(0);
  for (const alias of aliasesAtSandbox(r)) {
    expect(alias.functionVersion).toBe(alias.stableVersion);
    expect(alias.additionalVersionWeights).toEqual({});
  }
}

describe('x during the canary: abort and roll back', () => {
  it('in the 25% stage sends the rollback requests and puts all traffic back on the stable version', async () => {
    const r = await runningRehearsal({ scenario: 'healthy', advanceBelow: 25 });
    await until(r, () => stageOf(r)?.weight === 25 && stageOf(r)!.samples.length >= 2, 'two samples at 25%');
    expect(canaryWeightAtSandbox(r)).toBe(25);
    const abortAt = await pressAbort(r);

    // The rollback went to AWS (the sandbox) after the key, on every target.
    expect(requestsTo(r, 'apigateway', 'UpdateStage', abortAt).length).toBeGreaterThanOrEqual(1);
    const aliasUpdates = requestsTo(r, 'lambda', 'UpdateAlias', abortAt);
    expect(aliasUpdates.length).toBeGreaterThanOrEqual(aliasesAtSandbox(r).length);
    expectStableEverywhere(r);
    const stage = r.sandbox.world.describe().apiGateway;
    expect(stage?.canary === null || stage?.canary.percentTraffic === 0).toBe(true);

    const [started] = eventsOf(r, 'rollback.started');
    expect(started.trigger).toBe('conductor');
    expect(started.at).toBeGreaterThanOrEqual(abortAt);
    const s = r.conductor.state;
    expect(s.outcome).toBe('rolled-back');
    expect(s.rollback?.verified).toBe(true);
    expect(s.canary?.stages).toHaveLength(2);
  }, 60_000);

  it('while a metrics poll hangs: the interrupted poll is no AWS error and no STALE sample', async () => {
    const r = await runningRehearsal({ scenario: 'healthy', advanceBelow: 25 });
    await until(r, () => (stageOf(r)?.samples.length ?? 0) >= 2, 'two samples');
    const before = r.sandbox.world.requestCounts.get('cloudwatch:GetMetricData') ?? 0;
    r.sandbox.faults.set({ operation: 'cloudwatch:GetMetricData', hang: true });
    await until(
      r,
      () => (r.sandbox.world.requestCounts.get('cloudwatch:GetMetricData') ?? 0) > before,
      'a GetMetricData call to hang',
    );
    const sends = sdkSendsOf(r);
    const abortAt = await pressAbort(r);
    // Every revert write went out signed ahead, none through the SDK's middleware.
    expect(requestsTo(r, 'apigateway', 'UpdateStage', abortAt)).toHaveLength(1);
    expect(sends.writes()).toEqual([]);
    // The poll was cancelled by the abort, not failed by CloudWatch: nothing of it is journaled
    // (its two fsyncs once went ahead of the rollback's requests).
    expect(eventsOf(r, 'aws.error').filter((e) => e.at >= abortAt)).toEqual([]);
    expect(eventsOf(r, 'canary.sample').filter((e) => e.at >= abortAt)).toEqual([]);
    expect(r.conductor.state.rollback?.verified).toBe(true);
  }, 60_000);

  it('after promotion, during monitoring, restores the stage recorded deployment and the stable aliases', async () => {
    const r = await runningRehearsal({ scenario: 'healthy', advanceBelow: 101 });
    await until(
      r,
      () => (r.conductor.state.canary?.monitor?.samples.length ?? 0) >= 3,
      'three monitoring samples',
    );
    expect(canaryWeightAtSandbox(r)).toBe(100);
    const recorded = r.conductor.state.rollbackTarget!.apiGateway!.deploymentId;
    expect(r.sandbox.world.describe().apiGateway?.deploymentId).not.toBe(recorded);
    const sends = sdkSendsOf(r);
    const abortAt = await pressAbort(r);
    // The revert kept ready was signed again for the promoted stage: it went out as signed.
    expect(sends.writes()).toEqual([]);

    expect(requestsTo(r, 'apigateway', 'UpdateStage', abortAt).length).toBeGreaterThanOrEqual(1);
    expect(requestsTo(r, 'lambda', 'UpdateAlias', abortAt).length).toBeGreaterThanOrEqual(
      aliasesAtSandbox(r).length,
    );
    expect(r.sandbox.world.describe().apiGateway?.deploymentId).toBe(recorded);
    expectStableEverywhere(r);
    const [started] = eventsOf(r, 'rollback.started');
    expect(started.trigger).toBe('conductor');
    expect(r.conductor.state.outcome).toBe('rolled-back');
  }, 60_000);

  it('after a resume with traffic shifted: the new engine signs the revert ahead before any key', async () => {
    const r = await runningRehearsal({ scenario: 'healthy', advanceBelow: 25 });
    await until(r, () => stageOf(r)?.weight === 25 && stageOf(r)!.samples.length >= 1, 'a sample at 25%');
    const home = r.store.home;
    const sessionId = r.conductor.state.meta.sessionId;
    await r.close();

    const again = await resumedHere(home, sessionId, true);
    try {
      const resumed = again as Rehearsal;
      const sends = sdkSendsOf(again);
      void again.conductor.start();
      await until(
        resumed,
        () => sends.signings() >= 1 + aliasesAtSandbox(resumed).length,
        'the revert signed ahead',
      );
      // The autopilot moves traffic on meanwhile (those are SDK writes); the revert's are not.
      const shifts = sends.writes().length;
      const abortAt = await pressAbort(resumed);
      expect(requestsTo(resumed, 'apigateway', 'UpdateStage', abortAt).length).toBeGreaterThanOrEqual(1);
      expect(sends.writes().slice(shifts)).toEqual([]);
      expectStableEverywhere(resumed);
      expect(again.conductor.state.rollback?.verified).toBe(true);
    } finally {
      await again.close();
    }
  }, 90_000);
});
