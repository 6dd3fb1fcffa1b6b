import { describe, expect, it } from 'vitest';
import type { SessionEvent, TrafficSnapshot } from '../../../src/core/session/events.js';
import {
  currentStage,
  currentStep,
  describeWeight,
  stageElapsed,
  stageTimeLeft,
  trafficShifted,
} from '../../../src/core/session/selectors.js';
import { foldEvents, initialState, MAX_SAMPLES_PER_STAGE, reduce } from '../../../src/core/session/state.js';
import { bbwsPromotion } from './traffic-oracle.js';

const { runbook, promotion } = bbwsPromotion();
const T0 = Date.UTC(2026, 10, 29, 20, 0);
const MIN = 60_000;
const fold = (events: SessionEvent[]) => foldEvents(runbook, promotion, events);

const split = (percent: number): TrafficSnapshot => ({
  apiGateway: { restApiId: 'a1b2c3d4e5', stage: 'prod', deploymentId: 'd1', canaryPercent: percent },
  lambdas: [],
  readAt: T0,
});

const created: SessionEvent = {
  type: 'session.created',
  at: T0,
  sessionId: 's1',
  runbookFile: 'runbooks/bbws.yaml',
  runbookId: 'bbws',
  runbookTitle: runbook.runbook.title,
  runbookHash: 'h',
  promotionId: 'sit-to-prod',
  from: 'sit',
  to: 'prod',
  version: 'v2026.11.29.1',
  conductor: '@carol',
  risk: 'medium',
  ticket: 'CHG-2041',
};

/** Every step up to the canary passed, as a session would have journaled it. */
function throughToCanary(): SessionEvent[] {
  const events: SessionEvent[] = [created];
  let at = T0;
  for (const phase of promotion.phases) {
    if (phase.id === 'canary') break;
    events.push({ type: 'phase.started', at: ++at, phase: phase.id });
    for (const step of phase.steps) {
      events.push({ type: 'step.started', at: ++at, step: step.id, attempt: 1 });
      if (step.kind === 'approval') {
        events.push({
          type: 'approval.recorded',
          at: ++at,
          step: step.id,
          role: 'tech-lead',
          approver: '@jane.doe',
          comment: 'ok',
        });
      }
      events.push({ type: 'step.completed', at: ++at, step: step.id, outcome: 'passed', detail: 'ok' });
    }
    events.push({ type: 'phase.completed', at: ++at, phase: phase.id });
  }
  return events;
}

function canaryStage(at: number, stage: number, weight: number): SessionEvent[] {
  return [
    { type: 'traffic.shifted', at, weight, split: split(weight) },
    { type: 'canary.stage.started', at, step: 'prod-canary', stage, weight, holdMs: 15 * MIN },
  ];
}

describe('reducer: state = fold(events)', () => {
  it('is deterministic and equal to dispatching the same events one by one', () => {
    const events = [...throughToCanary(), ...canaryStage(T0 + 10 * MIN, 0, 10)];
    const once = fold(events);
    const again = fold(structuredClone(events));
    expect(again).toEqual(once);
    let live = initialState(runbook, promotion);
    for (const event of events) live = reduce(live, event);
    expect(live).toEqual(once);
    expect(once.eventCount).toBe(events.length);
    expect(once.lastEventAt).toBe(T0 + 10 * MIN);
  });

  it('does not change the state it is given', () => {
    const before = fold(throughToCanary());
    const frozen = structuredClone(before);
    reduce(before, { type: 'risk.set', at: T0 + 1, risk: 'high', mitigation: 'flag' });
    reduce(before, {
      type: 'approval.recorded',
      at: T0 + 1,
      step: 'prod-approval',
      role: 'x',
      approver: 'y',
      comment: 'z',
    });
    expect(before).toEqual(frozen);
  });

  it('walks phases and steps in order: the current step is the first one not passed', () => {
    const empty = fold([created]);
    expect(currentStep(empty)?.id).toBe('sit-health');
    expect(empty.phases.every((p) => p.status === 'todo')).toBe(true);

    const state = fold(throughToCanary());
    expect(currentStep(state)?.id).toBe('prod-canary');
    expect(state.phases.find((p) => p.id === 'approval')?.status).toBe('done');
    expect(state.phases.find((p) => p.id === 'canary')?.status).toBe('todo');
  });

  it('keeps a failed step current, and a rerun starts it again', () => {
    const failed = fold([
      created,
      { type: 'step.started', at: T0 + 1, step: 'sit-health', attempt: 1 },
      { type: 'step.completed', at: T0 + 2, step: 'sit-health', outcome: 'failed', detail: '503' },
    ]);
    expect(currentStep(failed)).toMatchObject({
      id: 'sit-health',
      status: 'failed',
      detail: '503',
      attempts: 1,
    });
    const rerun = reduce(failed, { type: 'step.started', at: T0 + 3, step: 'sit-health', attempt: 2 });
    expect(currentStep(rerun)).toMatchObject({ status: 'running', attempts: 2, endedAt: undefined });
  });

  it('keeps every approval, refusal and the latest go/no-go', () => {
    const state = fold([
      created,
      {
        type: 'approval.recorded',
        at: T0 + 1,
        step: 'prod-approval',
        role: 'tech-lead',
        approver: '@jane.doe',
        comment: 'a',
      },
      {
        type: 'approval.refused',
        at: T0 + 2,
        step: 'prod-approval',
        role: 'infrastructure-lead',
        approver: '@carol',
        reason: 'separation of duties',
      },
      {
        type: 'gonogo.decided',
        at: T0 + 3,
        step: 'gonogo-prod',
        decision: 'NO-GO',
        rows: [],
        whatWouldChange: ['x'],
      },
      {
        type: 'gonogo.decided',
        at: T0 + 4,
        step: 'gonogo-prod',
        decision: 'GO',
        rows: [],
        whatWouldChange: [],
      },
    ]);
    expect(state.approvals).toEqual([
      { at: T0 + 1, step: 'prod-approval', role: 'tech-lead', approver: '@jane.doe', comment: 'a' },
    ]);
    expect(state.refusals.map((r) => r.approver)).toEqual(['@carol']);
    expect(state.gonogo).toMatchObject({ decision: 'GO', at: T0 + 4 });
  });

  it('a resume lifts a halt; a completion ends the session', () => {
    const halted = fold([created, { type: 'session.halted', at: T0 + 1, reason: 'STS failed' }]);
    expect(halted).toMatchObject({ status: 'halted', summary: 'STS failed' });
    const resumed = reduce(halted, { type: 'session.resumed', at: T0 + 2, pid: 7, host: 'h' });
    expect(resumed.status).toBe('active');
    expect(resumed.attachments).toEqual([{ kind: 'resumed', pid: 7, host: 'h', at: T0 + 2 }]);
    const done = reduce(resumed, {
      type: 'session.completed',
      at: T0 + 3,
      outcome: 'promoted',
      summary: 'ok',
    });
    expect(done).toMatchObject({ status: 'completed', outcome: 'promoted' });
  });

  it('keeps at most a bounded number of samples per stage in memory, the newest', () => {
    let state = fold([...throughToCanary(), ...canaryStage(T0, 0, 10)]);
    for (let i = 0; i < MAX_SAMPLES_PER_STAGE + 5; i++) {
      state = reduce(state, {
        type: 'canary.sample',
        at: T0 + i,
        step: 'prod-canary',
        stage: 0,
        windowStart: i,
        windowEnd: i + 1,
        verdict: 'PASS',
        reasons: [],
        targets: [],
      });
    }
    const samples = currentStage(state)!.samples;
    expect(samples).toHaveLength(MAX_SAMPLES_PER_STAGE);
    expect(samples.at(-1)?.windowStart).toBe(MAX_SAMPLES_PER_STAGE + 4);
  });
});

describe('selectors', () => {
  const stageAt = (events: SessionEvent[]) =>
    currentStage(fold([...throughToCanary(), ...canaryStage(T0, 0, 10), ...events]))!;

  it('stage time left counts down the hold', () => {
    const stage = stageAt([]);
    expect(stageTimeLeft(stage, T0)).toBe(15 * MIN);
    expect(stageTimeLeft(stage, T0 + 5 * MIN)).toBe(10 * MIN);
    expect(stageTimeLeft(stage, T0 + 20 * MIN)).toBe(0);
  });

  it('a pause stops the clock, whether it is still paused or resumed', () => {
    const paused = stageAt([{ type: 'canary.paused', at: T0 + 5 * MIN, step: 'prod-canary', by: '@carol' }]);
    expect(stageTimeLeft(paused, T0 + 8 * MIN)).toBe(10 * MIN);
    expect(stageTimeLeft(paused, T0 + 60 * MIN)).toBe(10 * MIN);
    const resumed = stageAt([
      { type: 'canary.paused', at: T0 + 5 * MIN, step: 'prod-canary', by: '@carol' },
      { type: 'canary.resumed', at: T0 + 8 * MIN, step: 'prod-canary', by: '@carol' },
    ]);
    expect(resumed.pausedMs).toBe(3 * MIN);
    expect(stageElapsed(resumed, T0 + 10 * MIN)).toBe(7 * MIN);
    expect(stageTimeLeft(resumed, T0 + 10 * MIN)).toBe(8 * MIN);
  });

  it('a second pause while paused keeps the first pause time and who paused', () => {
    const stage = stageAt([
      { type: 'canary.paused', at: T0 + 2 * MIN, step: 'prod-canary', by: 'metrics-stale' },
      { type: 'canary.paused', at: T0 + 4 * MIN, step: 'prod-canary', by: '@carol' },
    ]);
    expect(stage).toMatchObject({ pausedAt: T0 + 2 * MIN, pausedBy: 'metrics-stale' });
    expect(stageTimeLeft(stage, T0 + 6 * MIN)).toBe(13 * MIN);
  });

  it('an extension adds to the hold and clears a pending decision', () => {
    const stage = stageAt([
      {
        type: 'canary.stage.decision-needed',
        at: T0 + 15 * MIN,
        step: 'prod-canary',
        stage: 0,
        action: 'ask',
        reason: 'r',
      },
      { type: 'canary.extended', at: T0 + 15 * MIN, step: 'prod-canary', byMs: 15 * MIN, by: '@carol' },
    ]);
    expect(stage.decision).toBeUndefined();
    expect(stageTimeLeft(stage, T0 + 16 * MIN)).toBe(14 * MIN);
  });

  it('a completed stage stops counting', () => {
    const stage = stageAt([
      {
        type: 'canary.stage.completed',
        at: T0 + 15 * MIN,
        step: 'prod-canary',
        stage: 0,
        verdict: 'PASS',
        summary: 's',
      },
    ]);
    expect(stageElapsed(stage, T0 + 90 * MIN)).toBe(15 * MIN);
  });

  it('traffic is shifted while any of it is on the new version and until a rollback reverts it', () => {
    const before = fold(throughToCanary());
    expect(trafficShifted(before)).toBe(false);
    expect(describeWeight(before)).toBe('no traffic on the new version');

    const shifted = fold([...throughToCanary(), ...canaryStage(T0, 0, 10)]);
    expect(trafficShifted(shifted)).toBe(true);
    expect(describeWeight(shifted)).toBe('10% on the new version');

    const rollingBack = reduce(shifted, {
      type: 'rollback.started',
      at: T0 + 1,
      trigger: 'conductor',
      reason: 'x',
      by: '@carol',
    });
    expect(trafficShifted(rollingBack)).toBe(true);
    const reverted = reduce(rollingBack, {
      type: 'rollback.traffic-reverted',
      at: T0 + 2,
      split: split(0),
      verified: true,
      durationMs: 800,
    });
    expect(trafficShifted(reverted)).toBe(false);
    expect(reverted.recordedWeight).toBe(0);

    const promoted = reduce(shifted, {
      type: 'canary.promoted',
      at: T0 + 3,
      step: 'prod-canary',
      split: split(0),
    });
    expect(trafficShifted(promoted)).toBe(true);
    expect(describeWeight(promoted)).toBe('all traffic on the new version (promoted)');
  });
});
