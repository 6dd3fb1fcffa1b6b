import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/sandbox/scenarios.js';
import type { Rehearsal } from '../../src/wiring/rehearsal.js';
import {
  advanceAsksBelow,
  aliasesAtSandbox,
  canaryWeightAtSandbox,
  eventsOf,
  rehearse,
  runbookWithCountdown,
  runningRehearsal,
  stageOf,
  tempHome,
  until,
} from './helpers.js';

/**
 * The sandbox's canary turns bad when the test says so (20 % of its requests fail: four times the
 * rollback band), so the breach starts while the session waits at a gate, not before.
 */
function breakCanaryOnCue(r: Rehearsal): () => void {
  const world = r.sandbox.world as unknown as { scenario: Scenario };
  const healthy = world.scenario;
  let failing = false;
  world.scenario = {
    ...healthy,
    behaviour: (isNew, at, firstReached) => {
      const normal = healthy.behaviour(isNew, at, firstReached);
      return isNew && failing ? { ...normal, errorProbability: 0.2 } : normal;
    },
  };
  return () => {
    failing = true;
  };
}

/** Samples recorded on the canary's last stage (or the monitor) from clock time `from` on. */
function samplesSince(r: Rehearsal, from: number) {
  return eventsOf(r, 'canary.sample').filter((e) => e.at >= from);
}

/**
 * The seed runbook (2 s countdown) with an approval gate after the canary, before the final checks.
 * Its go/no-go does not ask for approvals itself: it counts every gate of the promotion, the later
 * one too, which no one can have given yet (the PROD approval still stands before the traffic).
 */
function runbookWithApprovalAfterCanary(): string {
  let text = readFileSync(runbookWithCountdown('2s'), 'utf8');
  const gonogoApprovals = '            approvals: true\n';
  if (!text.includes(gonogoApprovals)) throw new Error('the seed go/no-go no longer asks for approvals');
  text = text.replace(gonogoApprovals, '            approvals: false\n');
  const finalSmoke = '      - id: final-smoke\n';
  if (!text.includes(finalSmoke)) throw new Error('the seed runbook no longer has its final-smoke phase');
  const gate = [
    '      - id: keep-release',
    '        title: Approval to keep the release',
    '        steps:',
    '          - id: keep-release-approval',
    '            title: The Tech Lead approves keeping the promoted release',
    '            kind: approval',
    '            roles: [tech-lead]',
    '            expiry: 4h',
    '',
  ].join('\n');
  const file = join(tempHome(), 'bbws.yaml');
  writeFileSync(file, text.replace(finalSmoke, `${gate}${finalSmoke}`));
  return file;
}

describe('every gate wait with traffic shifted keeps polling, the rollback band armed (issue 17, point 8)', () => {
  it('the maintenance window closes between two canary stages: the next stage waits, the 10 % keeps being polled, and a breach rolls back', async () => {
    const r = await runningRehearsal({
      scenario: 'healthy',
      advanceBelow: 25,
      runbookFile: runbookWithCountdown('2s'),
    });
    const breakCanary = breakCanaryOnCue(r);
    await until(r, () => (stageOf(r)?.samples.length ?? 0) >= 1, 'a sample of the first stage');
    // The window closed a minute ago: the 10 % stage finishes its hold, the next one may not start.
    const now = r.clock.now();
    r.conductor.declareWindow(now - 3 * 3_600_000, now - 60_000);
    await until(r, () => r.conductor.waiting?.kind === 'traffic-guard', 'the next stage held by the window');
    expect(r.conductor.waiting?.message).toMatch(/window/i);
    expect(stageOf(r)?.completedAt).toBeDefined();
    const heldAt = r.clock.now();

    // While it waits for the window, the stage still on 10 % is polled, period after period.
    await until(r, () => samplesSince(r, heldAt).length >= 3, 'polls while the window is closed', 30_000);
    expect(samplesSince(r, heldAt).every((s) => s.verdict !== 'ROLLBACK')).toBe(true);

    // Then the canary breaks: the band arms, counts down, and rolls back, all during the wait.
    const brokenAt = r.clock.now();
    breakCanary();
    await until(r, () => r.conductor.state.status === 'completed', 'the automatic rollback', 60_000);
    expect(eventsOf(r, 'canary.auto-rollback.armed').filter((e) => e.at >= brokenAt)).toHaveLength(1);
    const [started] = eventsOf(r, 'rollback.started');
    expect(started.trigger).toBe('automatic');
    expect(samplesSince(r, brokenAt).filter((s) => s.verdict === 'ROLLBACK').length).toBeGreaterThanOrEqual(
      3,
    );
    // No traffic moved past the closed window: one stage only, and it is all back on stable.
    expect(r.conductor.state.canary?.stages).toHaveLength(1);
    expect(eventsOf(r, 'traffic.shifted').map((e) => e.weight)).toEqual([10]);
    expect(canaryWeightAtSandbox(r)).toBe(0);
    expect(r.conductor.state.outcome).toBe('rolled-back');
  }, 180_000);

  it('an approval awaited after promotion: the promoted release keeps being polled, and a breach rolls it back', async () => {
    // A long window: on two busy cores a canary's stale polls hold its stages for hours of clock.
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const r = await rehearse({
      scenario: 'healthy',
      runbookFile: runbookWithApprovalAfterCanary(),
      window: { start, end: start + 7 * 24 * 3_600_000 },
    });
    advanceAsksBelow(r, 101);
    void r.conductor.start();
    const breakCanary = breakCanaryOnCue(r);
    // The rehearsal's autopilot answers everything up to the promotion; nobody approves after it.
    r.conductor.subscribeEvents((event) => {
      if (event.type === 'canary.promoted')
        (r.conductor.options as { autopilot?: boolean }).autopilot = false;
    });
    await until(
      r,
      () => r.conductor.waiting?.kind === 'approval' && r.conductor.waiting.step === 'keep-release-approval',
      'the approval after promotion',
      150_000,
    );
    expect(r.conductor.state.canary?.promoted).toBe(true);
    const waitingAt = r.clock.now();
    await until(
      r,
      () => samplesSince(r, waitingAt).length >= 3,
      'polls while the approval is awaited',
      30_000,
    );

    const brokenAt = r.clock.now();
    breakCanary();
    await until(r, () => r.conductor.state.status === 'completed', 'the automatic rollback', 60_000);
    const [started] = eventsOf(r, 'rollback.started');
    expect(started.trigger).toBe('automatic');
    expect(samplesSince(r, brokenAt).filter((s) => s.verdict === 'ROLLBACK').length).toBeGreaterThanOrEqual(
      3,
    );
    expect(r.conductor.state.approvals.some((a) => a.step === 'keep-release-approval')).toBe(false);
    // The promotion is undone: the stage's recorded deployment and every stable alias are back.
    const recorded = r.conductor.state.rollbackTarget?.apiGateway?.deploymentId;
    expect(r.sandbox.world.describe().apiGateway?.deploymentId).toBe(recorded);
    for (const alias of aliasesAtSandbox(r)) expect(alias.functionVersion).toBe(alias.stableVersion);
    expect(r.conductor.state.outcome).toBe('rolled-back');
  }, 240_000);
});
