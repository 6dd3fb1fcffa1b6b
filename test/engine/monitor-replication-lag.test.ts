import { describe, expect, it } from 'vitest';
import type { Rehearsal } from '../../src/wiring/rehearsal.js';
import {
  advanceAsksBelow,
  aliasesAtSandbox,
  eventsOf,
  rehearse,
  runbookWithCountdown,
  until,
} from './helpers.js';

const MINUTE = 60_000;

/** DynamoDB replication lag reported to the sandbox's CloudWatch for the next `minutes`. */
function replicationLag(r: Rehearsal, lagMs: number, minutes: number) {
  const id = {
    namespace: 'AWS/DynamoDB',
    metricName: 'ReplicationLatency',
    dimensions: [
      { Name: 'TableName', Value: 'products' },
      { Name: 'ReceivingRegion', Value: 'eu-west-1' },
    ],
  };
  const from = Math.floor(r.clock.now() / MINUTE) * MINUTE;
  for (let m = 0; m < minutes; m++) r.sandbox.world.putMetric(id, from + m * MINUTE, { values: [lagMs] });
}

async function untilMonitoring(r: Rehearsal) {
  advanceAsksBelow(r, 101);
  void r.conductor.start();
  await until(r, () => (r.conductor.state.canary?.monitor?.samples.length ?? 0) >= 2, 'monitoring');
}

describe('monitoring: the extra metrics count', () => {
  it('replication lag above its rollback limit, sustained, rolls back by itself after promotion', async () => {
    // The countdown runs in real seconds (the seed's 30 s would outlast the 60 minutes of lag at
    // x600): 2 s are 20 clock minutes.
    const r = await rehearse({ scenario: 'healthy', runbookFile: runbookWithCountdown('2s') });
    await untilMonitoring(r);
    const before = r.conductor.state.canary!.monitor!.samples.length;
    replicationLag(r, 8_000, 60);
    await until(r, () => r.conductor.state.status === 'completed', 'the rollback');

    const monitored = r.conductor.state.canary!.monitor!.samples.slice(before);
    const breaches = monitored.filter((s) => s.verdict === 'ROLLBACK');
    expect(breaches.length).toBeGreaterThanOrEqual(3);
    expect(breaches[0].reasons[0]).toMatch(
      /DynamoDB replication lag 8000 ms above the rollback limit of 5000 ms/,
    );
    const [started] = eventsOf(r, 'rollback.started');
    expect(started.trigger).toBe('automatic');
    expect(eventsOf(r, 'canary.auto-rollback.armed')).toHaveLength(1);
    expect(r.conductor.state.outcome).toBe('rolled-back');
    // After promotion: the stage's recorded deployment is back and the aliases on the stable version.
    const recorded = r.conductor.state.rollbackTarget!.apiGateway!.deploymentId;
    expect(r.sandbox.world.describe().apiGateway?.deploymentId).toBe(recorded);
    for (const alias of aliasesAtSandbox(r)) expect(alias.functionVersion).toBe(alias.stableVersion);
  }, 60_000);

  it('replication lag above its max only is a WATCH: noted, never a rollback', async () => {
    const r = await rehearse({ scenario: 'healthy' });
    await untilMonitoring(r);
    const before = r.conductor.state.canary!.monitor!.samples.length;
    replicationLag(r, 2_000, 30);
    await until(
      r,
      () => (r.conductor.state.canary?.monitor?.samples.length ?? 0) >= before + 8,
      'eight more monitoring samples',
    );
    const monitored = r.conductor.state.canary!.monitor!.samples.slice(before);
    const watched = monitored.filter((s) => s.verdict === 'WATCH');
    expect(watched.length).toBeGreaterThanOrEqual(3);
    expect(watched[0].reasons.join(' ')).toMatch(
      /DynamoDB replication lag 2000 ms above its limit of 1000 ms/,
    );
    expect(r.conductor.state.rollback).toBeUndefined();
    expect(r.conductor.state.canary?.autoRollback).toBeUndefined();
  }, 60_000);
});
