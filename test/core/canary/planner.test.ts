import { describe, expect, it } from 'vitest';
import {
  autopilotAnswer,
  type CanaryPlanInput,
  nextCanaryAction,
  sampleWindow,
  staleHoldChange,
} from '../../../src/core/canary/planner.js';
import type { CanaryStep } from '../../../src/core/runbook/schema.js';
import type { SessionEvent, Verdict } from '../../../src/core/session/events.js';
import { currentStage } from '../../../src/core/session/selectors.js';
import { canaryEvents, fold, MIN, promotion, sample, split, T0 } from '../../screens/fixtures.js';

// The canary's policy as a pure function: every rule here is checked without a sandbox or a clock.
const STAGE = T0 + 3 * 60 * MIN;
const seed = promotion.phases.flatMap((p) => p.steps).find((s) => s.kind === 'canary') as CanaryStep;

function plan(events: SessionEvent[], now: number, over: Partial<CanaryPlanInput> = {}) {
  return nextCanaryAction({
    state: fold(events),
    def: seed,
    stepId: 'prod-canary',
    now,
    mode: 'interactive',
    autopilot: false,
    speed: 1,
    envTitle: 'PROD',
    ...over,
  });
}

/** Stage 1 (25%) with one sample a minute of these verdicts. */
const withSamples = (verdicts: Verdict[], more: SessionEvent[] = []): SessionEvent[] => [
  ...canaryEvents(STAGE),
  ...verdicts.map((verdict, i) => sample(STAGE + (i + 1) * MIN, 1, { verdict, errPct: 0.1, p95: 200 })),
  ...more,
];

const stageCompleted = (stage: number, at: number): SessionEvent => ({
  type: 'canary.stage.completed',
  at,
  step: 'prod-canary',
  stage,
  verdict: 'PASS',
  summary: 'all passed',
});

const decisionNeeded = (at: number, action: 'ask' | 'halt' = 'ask'): SessionEvent => ({
  type: 'canary.stage.decision-needed',
  at,
  step: 'prod-canary',
  stage: 1,
  action,
  reason: 'All 4 samples passed.',
});

const HOLD_OVER = STAGE + 15 * MIN;

describe('nextCanaryAction: what the canary does next', () => {
  it('before the first stage: shifts the first weight, or asks the person first (start: manual)', () => {
    const before = canaryEvents(STAGE).slice(
      0,
      canaryEvents(STAGE).findIndex((e) => e.type === 'traffic.shifted'),
    );
    const auto = plan(before, STAGE, { def: { ...seed, start: 'automatic' } });
    expect(auto).toEqual({ kind: 'move', stage: 0, move: { kind: 'shift', weight: 10, holdMs: 15 * MIN } });
    const manual = plan(before, STAGE, { def: { ...seed, start: 'manual' } });
    expect(manual).toMatchObject({ kind: 'move', stage: 0, move: { kind: 'ask-start' } });
    expect(manual.kind === 'move' && manual.move.kind === 'ask-start' && manual.move.message).toBe(
      `Start the canary: move 10% of PROD traffic to ${fold(before).meta.version}? Enter to start.`,
    );
    // The autopilot confirms as the person would; a guard never moves traffic.
    expect(plan(before, STAGE, { def: { ...seed, start: 'manual' }, autopilot: true })).toEqual({
      kind: 'move',
      stage: 0,
      move: { kind: 'confirm-start' },
    });
    expect(plan(before, STAGE, { mode: 'guard' })).toEqual({
      kind: 'move',
      stage: 0,
      move: { kind: 'halt', message: 'A headless guard never advances a stage.' },
    });
  });

  it('after a completed stage: the next weight; after the last, the promotion (never by a guard)', () => {
    expect(plan([...withSamples(['PASS']), stageCompleted(1, HOLD_OVER)], HOLD_OVER)).toEqual({
      kind: 'move',
      stage: 2,
      move: { kind: 'shift', weight: 50, holdMs: 15 * MIN },
    });
    const last = { ...seed, stages: seed.stages.slice(0, 2) };
    const done = [...withSamples(['PASS']), stageCompleted(1, HOLD_OVER)];
    expect(plan(done, HOLD_OVER, { def: last })).toEqual({ kind: 'move', move: { kind: 'promote' } });
    expect(plan(done, HOLD_OVER, { def: last, mode: 'guard' })).toEqual({
      kind: 'move',
      move: { kind: 'halt', message: 'A headless guard never promotes.' },
    });
  });

  it('a promoted canary completes the step', () => {
    const promoted: SessionEvent = {
      type: 'canary.promoted',
      at: HOLD_OVER,
      step: 'prod-canary',
      split: split(100, HOLD_OVER),
    };
    expect(plan([...withSamples(['PASS']), promoted], HOLD_OVER)).toEqual({ kind: 'complete-step' });
  });

  it('a drift between stages moves nothing and waits, watching, a period at a time', () => {
    const drift: SessionEvent = {
      type: 'drift.detected',
      at: HOLD_OVER,
      recordedWeight: 25,
      live: split(40, HOLD_OVER),
      details: ['live 40% differs'],
    };
    const action = plan([...withSamples(['PASS']), stageCompleted(1, HOLD_OVER), drift], HOLD_OVER);
    expect(action).toMatchObject({
      kind: 'wait',
      how: 'watching',
      forMs: seed.period,
      waiting: { kind: 'drift' },
    });
  });

  it('the first-window rule: no poll before two whole periods of canary traffic', () => {
    // The first shift (stage 0) was at STAGE - 16 min, on a minute boundary: the first poll is due 2 min after.
    const first = canaryEvents(STAGE).slice(
      0,
      canaryEvents(STAGE).findIndex((e) => e.type === 'canary.sample'),
    );
    const start = STAGE - 16 * MIN;
    expect(plan(first, start + 30_000)).toMatchObject({ kind: 'wait', how: 'changed', forMs: 90_000 });
    expect(plan(first, start + 2 * MIN)).toEqual({ kind: 'poll', stage: 0, waiting: undefined });
    // A resumed rehearsal's new sandbox has no metrics before metricsSince: the rule counts from there.
    expect(plan(first, start + 2 * MIN, { metricsSince: start + MIN })).toMatchObject({
      kind: 'wait',
      forMs: MIN,
    });
  });

  it('polls a period after the last sample, and waits until then', () => {
    const events = withSamples(['PASS']);
    expect(plan(events, STAGE + MIN + 20_000)).toMatchObject({ kind: 'wait', forMs: 40_000 });
    expect(plan(events, STAGE + 2 * MIN)).toEqual({ kind: 'poll', stage: 1, waiting: undefined });
  });

  it('the rollback band: armed after `sustained` samples, in real seconds at any speed; fired at its deadline', () => {
    const now = STAGE + 3 * MIN;
    const breached = withSamples(['ROLLBACK', 'ROLLBACK', 'ROLLBACK']);
    expect(plan(breached, now)).toEqual({
      kind: 'arm-rollback',
      at: now,
      deadline: now + 30_000,
      reason: 'rollback band held for 3 samples in a row',
    });
    expect(plan(breached, now, { speed: 600 })).toMatchObject({ deadline: now + 30_000 * 600, speed: 600 });
    const armed: SessionEvent = {
      type: 'canary.auto-rollback.armed',
      at: now,
      step: 'prod-canary',
      deadline: now + 30_000,
      reason: 'rollback band held for 3 samples in a row',
    };
    // Armed: it waits for the deadline (not the next poll) and then fires.
    expect(plan([...breached, armed], now + 10_000)).toMatchObject({ kind: 'wait', forMs: 20_000 });
    expect(plan([...breached, armed], now + 30_000)).toEqual({
      kind: 'fire-rollback',
      reason: 'rollback band held for 3 samples in a row',
      trigger: 'automatic',
    });
    expect(plan([...breached, armed], now + 30_000, { mode: 'guard' })).toMatchObject({ trigger: 'guard' });
    // Held by a person: never fired.
    const held: SessionEvent = {
      type: 'canary.auto-rollback.held',
      at: now + 5_000,
      step: 'prod-canary',
      by: 'sam',
    };
    expect(plan([...breached, armed, held], now + 60_000).kind).not.toBe('fire-rollback');
    // A runbook that forbids it never arms.
    expect(plan(breached, now, { def: { ...seed, autoRollback: false } }).kind).not.toBe('arm-rollback');
  });

  it('at the end of the hold: a decision is asked (advance: confirm), or the stage completes (advance: auto)', () => {
    const events = withSamples(['PASS', 'PASS', 'PASS', 'PASS']);
    expect(plan(events, HOLD_OVER)).toEqual({
      kind: 'ask-decision',
      stage: 1,
      action: 'ask',
      reason: 'All 4 samples passed.',
    });
    expect(plan(events, HOLD_OVER, { def: { ...seed, advance: 'auto' } })).toEqual({
      kind: 'complete-stage',
      stage: 1,
      verdict: 'PASS',
      summary: 'All 4 samples passed.',
    });
    expect(plan(events, HOLD_OVER, { def: { ...seed, advance: 'auto' }, mode: 'guard' })).toMatchObject({
      kind: 'wait',
      waiting: { kind: 'halted', message: 'Stage passed; a headless guard never advances.' },
    });
    expect(plan(withSamples(['PASS', 'NO-GO', 'PASS']), HOLD_OVER)).toMatchObject({
      kind: 'ask-decision',
      action: 'halt',
    });
  });

  it('a pending decision: polls go on under it; the autopilot answers it; a person advancing completes the stage', () => {
    const asked = withSamples(['PASS', 'PASS', 'PASS', 'PASS'], [decisionNeeded(HOLD_OVER)]);
    expect(plan(asked, HOLD_OVER + MIN)).toMatchObject({
      kind: 'poll',
      waiting: { kind: 'stage-decision', message: 'All 4 samples passed.' },
    });
    expect(plan(asked, HOLD_OVER + 1_000, { autopilot: true })).toMatchObject({
      kind: 'answer',
      choice: 'advance',
      reason: 'All 4 samples passed.',
    });
    // A guard alone answers nothing, even on autopilot.
    expect(plan(asked, HOLD_OVER + 1_000, { autopilot: true, mode: 'guard' }).kind).not.toBe('answer');
    const advanced: SessionEvent = {
      type: 'canary.stage.choice',
      at: HOLD_OVER + 2_000,
      step: 'prod-canary',
      stage: 1,
      choice: 'advance',
      by: 'sam',
      reason: 'looks good',
    };
    expect(plan([...asked, advanced], HOLD_OVER + 3_000)).toEqual({
      kind: 'complete-stage',
      stage: 1,
      verdict: 'PASS',
      summary: 'advanced by sam: looks good',
    });
    // A person's investigate keeps the decision open, and the autopilot never overrides it.
    const investigating: SessionEvent = { ...advanced, choice: 'investigate', reason: 'checking logs' };
    expect(plan([...asked, investigating], HOLD_OVER + 3_000, { autopilot: true }).kind).not.toBe('answer');
  });
});

describe('the autopilot at a stage end', () => {
  const answer = (verdicts: Verdict[], more: SessionEvent[] = []) => {
    const state = fold(withSamples(verdicts, more));
    return autopilotAnswer(state, seed, currentStage(state)!);
  };
  const extended = (at: number): SessionEvent => ({
    type: 'canary.stage.choice',
    at,
    step: 'prod-canary',
    stage: 1,
    choice: 'extend',
    by: 'rehearsal autopilot',
  });

  it('advances a passed stage, extends a WATCH one, and never answers a NO-GO', () => {
    expect(answer(['PASS', 'PASS'])?.choice).toBe('advance');
    expect(answer(['PASS', 'WATCH'])).toEqual({
      choice: 'extend',
      reason: 'rehearsal autopilot: a sample was outside the pass band, extend to see more',
    });
    expect(answer(['INSUFFICIENT'])?.reason).toBe('rehearsal autopilot: too little data to judge, extend');
    expect(answer(['PASS', 'NO-GO'])).toBeUndefined();
  });

  it('after an extension, advances past a WATCH only once every later sample passed; extends at most 3 times', () => {
    const at = STAGE + 2 * MIN + 1;
    // Extended after the WATCH, no sample since: extend again.
    expect(answer(['PASS', 'WATCH'], [extended(at)])?.choice).toBe('extend');
    const later = [extended(at), sample(STAGE + 3 * MIN, 1, { verdict: 'PASS', errPct: 0.1, p95: 200 })];
    expect(answer(['PASS', 'WATCH'], later)).toEqual({
      choice: 'advance',
      reason: 'rehearsal autopilot: all 1 samples since the extension passed',
    });
    expect(answer(['WATCH'], [extended(at), extended(at + 1), extended(at + 2)])).toBeUndefined();
  });
});

describe('the sample window and the stale hold', () => {
  it('judges whole periods, at most the window, never before the first shift', () => {
    // 5 min window, 1 min period, first shift at 10:00:30.
    expect(sampleWindow(20 * MIN + 10_000, MIN, 5 * MIN, 10 * MIN + 30_000)).toEqual({
      start: 15 * MIN,
      end: 20 * MIN,
    });
    expect(sampleWindow(13 * MIN + 10_000, MIN, 5 * MIN, 10 * MIN + 30_000)).toEqual({
      start: 11 * MIN,
      end: 13 * MIN,
    });
    // Never less than one period, even right after the shift.
    expect(sampleWindow(11 * MIN, MIN, 5 * MIN, 10 * MIN + 30_000)).toEqual({
      start: 10 * MIN,
      end: 11 * MIN,
    });
  });

  it('two STALE samples pause the hold; the next fresh one resumes it', () => {
    const stale = fold(withSamples(['PASS', 'STALE', 'STALE']));
    expect(staleHoldChange(currentStage(stale)!, 'STALE')).toBe('pause');
    expect(staleHoldChange(currentStage(fold(withSamples(['PASS', 'STALE'])))!, 'STALE')).toBeUndefined();
    const paused: SessionEvent = {
      type: 'canary.paused',
      at: STAGE + 3 * MIN,
      step: 'prod-canary',
      by: 'metrics-stale',
    };
    const fresh = fold(
      withSamples(
        ['PASS', 'STALE', 'STALE'],
        [paused, sample(STAGE + 4 * MIN, 1, { verdict: 'PASS', errPct: 0.1, p95: 200 })],
      ),
    );
    expect(staleHoldChange(currentStage(fresh)!, 'PASS')).toBe('resume');
  });
});
