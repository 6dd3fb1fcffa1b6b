import { describe, expect, it } from 'vitest';
import type { CanaryStep } from '../../../src/core/runbook/schema.js';
import type { SessionEvent } from '../../../src/core/session/events.js';
import { promotion, T0 } from '../../screens/fixtures.js';
import { simulateCanary } from '../../support/canary-sim.js';

// A whole canary's course under the planner, on a virtual clock (test/support/canary-sim.ts): what
// a rehearsal at x600 shows in a minute of real time, here in milliseconds and the same each run.
const seed = promotion.phases.flatMap((p) => p.steps).find((s) => s.kind === 'canary') as CanaryStep;
const MIN = 60_000;
const START = T0 + 3 * 60 * MIN;

const ofType = <T extends SessionEvent['type']>(events: SessionEvent[], type: T) =>
  events.filter((e): e is Extract<SessionEvent, { type: T }> => e.type === type);

describe('a canary course on a virtual clock', () => {
  it('healthy: four stages, each held in full and advanced by the autopilot, then promoted', () => {
    const run = simulateCanary({ def: seed, verdictAt: () => 'PASS' }, START);
    expect(run.outcome).toBe('promoted');
    const started = ofType(run.events, 'canary.stage.started');
    expect(started.map((s) => s.weight)).toEqual([10, 25, 50, 100]);
    const completed = ofType(run.events, 'canary.stage.completed');
    for (const [i, stage] of started.entries()) {
      // No stage ends before its hold.
      expect(completed[i].at - stage.at).toBeGreaterThanOrEqual(stage.holdMs);
    }
    // Every stage asked (advance: confirm) and the autopilot answered advance, never anything else.
    expect(ofType(run.events, 'canary.stage.decision-needed')).toHaveLength(4);
    expect(ofType(run.events, 'canary.stage.choice').map((c) => c.choice)).toEqual([
      'advance',
      'advance',
      'advance',
      'advance',
    ]);
    // The first judgement waits for two whole periods of canary traffic.
    const [first] = ofType(run.events, 'canary.sample');
    expect(first.at - started[0].at).toBeGreaterThanOrEqual(seed.period);
    expect(ofType(run.events, 'canary.auto-rollback.armed')).toEqual([]);
  });

  it('a breach from minute 5 of the 25% stage: armed after 3 samples, fired 30 s later, nothing advanced', () => {
    let breachFrom: number | undefined;
    const run = simulateCanary(
      {
        def: seed,
        verdictAt: (stage, at) => {
          if (stage < 1) return 'PASS';
          breachFrom ??= at + 4 * MIN;
          return at >= breachFrom ? 'ROLLBACK' : 'PASS';
        },
      },
      START,
    );
    expect(run.outcome).toBe('rolled back');
    const [armed] = ofType(run.events, 'canary.auto-rollback.armed');
    const breaching = ofType(run.events, 'canary.sample').filter((s) => s.verdict === 'ROLLBACK');
    expect(breaching.length).toBe(seed.sustained);
    // Armed right after the third breaching sample (a poll takes a clock millisecond here).
    expect(armed.at - (breaching.at(-1)?.at ?? 0)).toBeLessThanOrEqual(1);
    const [fired] = ofType(run.events, 'rollback.started');
    expect(fired).toMatchObject({ trigger: 'automatic' });
    expect(fired.at - armed.at).toBe(seed.rollbackCountdown);
    expect(ofType(run.events, 'canary.stage.started').map((s) => s.weight)).toEqual([10, 25]);
  });

  it('one WATCH sample: the autopilot extends once, advances on the passes after it, and still promotes', () => {
    let watched = false;
    const run = simulateCanary(
      {
        def: seed,
        verdictAt: (stage) => {
          if (stage === 1 && !watched) {
            watched = true;
            return 'WATCH';
          }
          return 'PASS';
        },
      },
      START,
    );
    expect(run.outcome).toBe('promoted');
    const choices = ofType(run.events, 'canary.stage.choice').map((c) => `${c.stage}:${c.choice}`);
    expect(choices).toEqual(['0:advance', '1:extend', '1:advance', '2:advance', '3:advance']);
    expect(ofType(run.events, 'canary.extended')).toHaveLength(1);
  });

  it('a NO-GO sample: the stage halts and waits for a person; the autopilot never answers it', () => {
    const run = simulateCanary(
      {
        def: seed,
        verdictAt: (stage, at) =>
          stage === 0 && at > START + 5 * MIN && at < START + 7 * MIN ? 'NO-GO' : 'PASS',
        forMs: 3 * 3_600_000,
      },
      START,
    );
    expect(run.outcome).toBe('still running');
    expect(ofType(run.events, 'canary.stage.decision-needed')).toEqual([
      expect.objectContaining({ stage: 0, action: 'halt' }),
    ]);
    expect(ofType(run.events, 'canary.stage.choice')).toEqual([]);
    expect(ofType(run.events, 'canary.stage.started')).toHaveLength(1);
  });

  it('stale metrics hold the stage timer: two STALE polls pause it, the next fresh one resumes it', () => {
    const run = simulateCanary(
      {
        def: seed,
        verdictAt: (stage, at) =>
          stage === 0 && at > START + 5 * MIN && at < START + 10 * MIN ? 'STALE' : 'PASS',
      },
      START,
    );
    expect(run.outcome).toBe('promoted');
    const [paused] = ofType(run.events, 'canary.paused');
    const [resumed] = ofType(run.events, 'canary.resumed');
    expect(paused.by).toBe('metrics-stale');
    expect(resumed.at).toBeGreaterThan(paused.at);
    // The paused time does not count: stage 1 lasted its hold plus the pause.
    const [stage0] = ofType(run.events, 'canary.stage.started');
    const [done0] = ofType(run.events, 'canary.stage.completed');
    expect(done0.at - stage0.at).toBeGreaterThanOrEqual(stage0.holdMs + (resumed.at - paused.at));
  });

  it('a headless guard moves nothing: it holds at the stage it was given and never starts or promotes', () => {
    const run = simulateCanary(
      { def: seed, verdictAt: () => 'PASS', mode: 'guard', forMs: 2 * 3_600_000 },
      START,
    );
    expect(run.outcome).toBe('still running');
    expect(ofType(run.events, 'canary.stage.started')).toEqual([]);
    expect(run.actions.at(-1)).toMatchObject({ kind: 'move', move: { kind: 'halt' } });
  });
});
