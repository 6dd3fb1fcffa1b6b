import { describe, expect, it } from 'vitest';
import type { ProgressMark, SessionEvent } from '../../../src/core/session/events.js';
import {
  type ProgressSettings,
  progressSettings,
  progressUpdateDue,
} from '../../../src/core/session/progress-updates.js';
import { canaryEvents, fold, MIN, promotion, sample, split, T0 } from '../../screens/fixtures.js';

const STAGE = T0 + 3 * 60 * MIN;
/** canaryEvents: the first shift 16 minutes before stage 2 (index 1) started at STAGE. */
const FIRST_SHIFT = STAGE - 16 * MIN;
const EVERY: ProgressSettings = { template: 'prod-canary-progress', everyMs: 15 * MIN };
/** Changes only: these tests are about stage and verdict updates, not the interval. */
const ON_CHANGE: ProgressSettings = { template: 'prod-canary-progress' };

/** A progress update as the engine journals it. */
function sent(at: number, mark: ProgressMark, step = 'prod-canary'): SessionEvent {
  return {
    type: 'notification.rendered',
    at,
    step,
    template: 'prod-canary-progress',
    channel: '#devops-alerts',
    text: 'PROD canary ...',
    progress: mark,
  };
}

/** Stage 1 (index 0) already reported, stage 2 running since STAGE with no sample yet. */
function reportedFirstStage(): SessionEvent[] {
  return [...canaryEvents(STAGE), sent(FIRST_SHIFT + MIN, { reason: 'stage', stage: 0, verdict: 'PASS' })];
}

describe('which stakeholder progress update is due', () => {
  it("reads the runbook's settings: the seed's progress template every 15 minutes", () => {
    expect(progressSettings(promotion)).toEqual({ template: 'prod-canary-progress', everyMs: 15 * MIN });
  });

  it("sends one at a stage's first judged verdict, and not again once journaled", () => {
    const events = [
      ...reportedFirstStage(),
      sample(STAGE + MIN, 1, { verdict: 'INSUFFICIENT', errPct: 0, p95: 0 }),
    ];
    // Neither a new stage with no judged sample yet nor an INSUFFICIENT one is news.
    expect(progressUpdateDue(fold(events), ON_CHANGE, STAGE + MIN)).toBeUndefined();
    events.push(sample(STAGE + 2 * MIN, 1, { verdict: 'PASS', errPct: 0.1, p95: 180 }));
    const due = progressUpdateDue(fold(events), ON_CHANGE, STAGE + 2 * MIN);
    expect(due).toEqual({
      mark: { reason: 'stage', stage: 1, verdict: 'PASS' },
      step: 'prod-canary',
      why: 'stage 2 started',
    });
    events.push(sent(STAGE + 2 * MIN, due!.mark));
    expect(progressUpdateDue(fold(events), ON_CHANGE, STAGE + 2 * MIN)).toBeUndefined();
  });

  it('sends one at once on every verdict change, and none for a stale poll', () => {
    const events = [
      ...reportedFirstStage(),
      sample(STAGE + 2 * MIN, 1, { verdict: 'PASS', errPct: 0.1, p95: 180 }),
      sent(STAGE + 2 * MIN, { reason: 'stage', stage: 1, verdict: 'PASS' }),
      sample(STAGE + 3 * MIN, 1, { verdict: 'STALE', errPct: 0, p95: 0 }),
    ];
    expect(progressUpdateDue(fold(events), ON_CHANGE, STAGE + 3 * MIN)).toBeUndefined();
    events.push(sample(STAGE + 4 * MIN, 1, { verdict: 'WATCH', errPct: 0.6, p95: 210 }));
    const watch = progressUpdateDue(fold(events), ON_CHANGE, STAGE + 4 * MIN);
    expect(watch).toMatchObject({
      mark: { reason: 'verdict', stage: 1, verdict: 'WATCH' },
      why: 'verdict PASS -> WATCH',
    });
    events.push(sent(STAGE + 4 * MIN, watch!.mark));
    events.push(sample(STAGE + 5 * MIN, 1, { verdict: 'WATCH', errPct: 0.7, p95: 215 }));
    expect(progressUpdateDue(fold(events), ON_CHANGE, STAGE + 5 * MIN)).toBeUndefined();
    events.push(sample(STAGE + 6 * MIN, 1, { verdict: 'PASS', errPct: 0.2, p95: 190 }));
    expect(progressUpdateDue(fold(events), ON_CHANGE, STAGE + 6 * MIN)?.why).toBe('verdict WATCH -> PASS');
  });

  it('sends one every 15 minutes of session time from the first shift, on a grid late polls do not move', () => {
    const events = reportedFirstStage();
    // Stage 2 has no sample: only the interval can be due. Its first time is the first shift + 15m.
    expect(progressUpdateDue(fold(events), EVERY, FIRST_SHIFT + 15 * MIN - 1)).toBeUndefined();
    const due = progressUpdateDue(fold(events), EVERY, FIRST_SHIFT + 15 * MIN);
    expect(due).toEqual({ mark: { reason: 'interval', stage: 1 }, step: 'prod-canary', why: 'every 15m' });
    // Sent a minute late (the poll after its time): the next is still due at the first shift + 30m.
    events.push(sent(FIRST_SHIFT + 16 * MIN, due!.mark));
    expect(progressUpdateDue(fold(events), EVERY, FIRST_SHIFT + 30 * MIN - 1)).toBeUndefined();
    expect(progressUpdateDue(fold(events), EVERY, FIRST_SHIFT + 30 * MIN)?.mark.reason).toBe('interval');
  });

  it('keeps one grid across the stages: an interval update sent in the last poll of a stage is not sent again in the next', () => {
    const events = [
      ...canaryEvents(STAGE).filter((e) => !(e.type === 'canary.stage.completed' || e.at >= STAGE)),
      sent(FIRST_SHIFT + MIN, { reason: 'stage', stage: 0, verdict: 'PASS' }),
      sample(FIRST_SHIFT + 15 * MIN, 0, { verdict: 'PASS', errPct: 0.1, p95: 180 }),
    ];
    expect(progressUpdateDue(fold(events), EVERY, FIRST_SHIFT + 15 * MIN)?.mark).toEqual({
      reason: 'interval',
      stage: 0,
      verdict: 'PASS',
    });
    events.push(sent(FIRST_SHIFT + 15 * MIN, { reason: 'interval', stage: 0, verdict: 'PASS' }));
    events.push(...canaryEvents(STAGE).filter((e) => e.at >= STAGE));
    expect(progressUpdateDue(fold(events), EVERY, STAGE + MIN)).toBeUndefined();
    expect(progressUpdateDue(fold(events), EVERY, FIRST_SHIFT + 30 * MIN)?.mark.reason).toBe('interval');
  });

  it('after a resume neither sends again nor bursts: the next time comes from the journal', () => {
    const events = [
      ...reportedFirstStage(),
      sample(STAGE + 2 * MIN, 1, { verdict: 'PASS', errPct: 0.1, p95: 180 }),
      sent(STAGE + 2 * MIN, { reason: 'stage', stage: 1, verdict: 'PASS' }),
      sent(FIRST_SHIFT + 30 * MIN, { reason: 'interval', stage: 1, verdict: 'PASS' }),
    ];
    // The state a resumed engine folds from the journal: nothing due until the next time.
    expect(progressUpdateDue(fold(events), EVERY, FIRST_SHIFT + 44 * MIN)).toBeUndefined();
    // An engine away for the 45m and 60m times sends one update when it is back, not two.
    const back = FIRST_SHIFT + 67 * MIN;
    expect(progressUpdateDue(fold(events), EVERY, back)?.mark.reason).toBe('interval');
    events.push(sent(back, { reason: 'interval', stage: 1, verdict: 'PASS' }));
    expect(progressUpdateDue(fold(events), EVERY, back + 7 * MIN)).toBeUndefined();
    expect(progressUpdateDue(fold(events), EVERY, FIRST_SHIFT + 75 * MIN)?.mark.reason).toBe('interval');
  });

  it('without an interval sends on changes only', () => {
    const events = reportedFirstStage();
    expect(progressUpdateDue(fold(events), ON_CHANGE, STAGE + 60 * MIN)).toBeUndefined();
  });

  it('sends none once a rollback started', () => {
    const events: SessionEvent[] = [
      ...reportedFirstStage(),
      sample(STAGE + 2 * MIN, 1, { verdict: 'ROLLBACK', errPct: 7, p95: 400 }),
      { type: 'rollback.started', at: STAGE + 2 * MIN, trigger: 'conductor', reason: 'errors', by: '@alex' },
    ];
    expect(progressUpdateDue(fold(events), EVERY, STAGE + 30 * MIN)).toBeUndefined();
  });

  it('goes quiet between promotion and the monitoring, then reports the monitoring on its own clock', () => {
    const promoted = STAGE + 60 * MIN;
    const events: SessionEvent[] = [
      ...reportedFirstStage(),
      { type: 'canary.promoted', at: promoted, step: 'prod-canary', split: split(100, promoted) },
      { type: 'step.completed', at: promoted, step: 'prod-canary', outcome: 'passed', detail: 'promoted' },
    ];
    expect(progressUpdateDue(fold(events), EVERY, promoted + 20 * MIN)).toBeUndefined();
    const started = promoted + 20 * MIN;
    events.push(
      { type: 'step.started', at: started, step: 'prod-monitor', attempt: 1 },
      { type: 'monitor.started', at: started, step: 'prod-monitor', durationMs: 120 * MIN },
    );
    expect(progressUpdateDue(fold(events), EVERY, started + MIN)).toBeUndefined();
    events.push(sample(started + 2 * MIN, -1, { verdict: 'PASS', errPct: 0.1, p95: 180 }, 'prod-monitor'));
    const due = progressUpdateDue(fold(events), EVERY, started + 2 * MIN);
    expect(due).toEqual({
      mark: { reason: 'stage', stage: -1, verdict: 'PASS' },
      step: 'prod-monitor',
      why: 'monitoring started',
    });
    events.push(sent(started + 2 * MIN, due!.mark, 'prod-monitor'));
    expect(progressUpdateDue(fold(events), EVERY, started + 15 * MIN - 1)).toBeUndefined();
    expect(progressUpdateDue(fold(events), EVERY, started + 15 * MIN)?.mark).toEqual({
      reason: 'interval',
      stage: -1,
      verdict: 'PASS',
    });
  });
});
