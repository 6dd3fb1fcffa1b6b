import {
  type CanaryAction,
  nextCanaryAction,
  STALE_BY,
  staleHoldChange,
} from '../../src/core/canary/planner.js';
import type { Verdict } from '../../src/core/canary/verdict.js';
import type { CanaryStep } from '../../src/core/runbook/schema.js';
import type { SessionEvent } from '../../src/core/session/events.js';
import { currentStage } from '../../src/core/session/selectors.js';
import { canaryEvents, fold, sample, split } from '../screens/fixtures.js';

/**
 * The staged canary's policy run on a virtual clock: core/canary/planner.ts decides, this loop
 * carries each action out as the journal would record it, and time jumps to the next thing the
 * policy waits for. A whole canary (an hour of holds) runs in milliseconds and the same way every
 * time, so the policy's course through a scenario is a unit test, not a rehearsal at x600.
 *
 * What it leaves out is what the runner does with AWS (the shift, the poll's metrics, the promote):
 * the shift and the promote always land, and a poll's verdict is `verdictAt(stage, at)`.
 */
export interface CanarySim {
  def: CanaryStep;
  /** The verdict a poll at clock `at` of stage `stage` (its index) gets. */
  verdictAt: (stage: number, at: number) => Verdict;
  autopilot?: boolean;
  mode?: 'interactive' | 'guard';
  /** Stop after this much clock time (a guard holds for ever). */
  forMs?: number;
}

export interface CanarySimResult {
  outcome: 'promoted' | 'rolled back' | 'still running';
  /** Every event the run added after the canary step started. */
  events: SessionEvent[];
  actions: CanaryAction[];
  startedAt: number;
  endedAt: number;
}

const STEP = 'prod-canary';
const AUTOPILOT = 'rehearsal autopilot';

/** The seed session on its canary step, nothing shifted yet, at clock `start`. */
function beforeTraffic(start: number): SessionEvent[] {
  const all = canaryEvents(start + 16 * 60_000);
  return all.slice(
    0,
    all.findIndex((e) => e.type === 'traffic.shifted'),
  );
}

export function simulateCanary(sim: CanarySim, start: number): CanarySimResult {
  const initial = beforeTraffic(start);
  const events: SessionEvent[] = [];
  const actions: CanaryAction[] = [];
  const stopAt = start + (sim.forMs ?? 24 * 3_600_000);
  let now = start;
  const result = (outcome: CanarySimResult['outcome']): CanarySimResult => ({
    outcome,
    events,
    actions,
    startedAt: start,
    endedAt: now,
  });
  for (let n = 0; n < 100_000 && now < stopAt; n++) {
    const state = fold([...initial, ...events]);
    const action = nextCanaryAction({
      state,
      def: sim.def,
      stepId: STEP,
      now,
      mode: sim.mode ?? 'interactive',
      autopilot: sim.autopilot ?? true,
      speed: 1,
      envTitle: 'PROD',
    });
    actions.push(action);
    const add = (event: SessionEvent) => events.push(event);
    switch (action.kind) {
      case 'complete-step':
        return result('promoted');
      case 'wait':
        now += action.forMs;
        break;
      case 'move': {
        const move = action.move;
        if (move.kind === 'halt') now += 5_000;
        else if (move.kind === 'ask-start') now += 5_000;
        else if (move.kind === 'confirm-start')
          add({
            type: 'canary.start.confirmed',
            at: now,
            step: STEP,
            weight: sim.def.stages[0].weight,
            by: AUTOPILOT,
          });
        else if (move.kind === 'promote')
          add({ type: 'canary.promoted', at: now, step: STEP, split: split(100, now) });
        else if (action.stage !== undefined) {
          add({ type: 'traffic.shifted', at: now, weight: move.weight, split: split(move.weight, now) });
          add({
            type: 'canary.stage.started',
            at: now,
            step: STEP,
            stage: action.stage,
            weight: move.weight,
            holdMs: move.holdMs,
          });
        }
        break;
      }
      case 'arm-rollback': {
        const { kind: _, ...armed } = action;
        add({ type: 'canary.auto-rollback.armed', step: STEP, ...armed });
        break;
      }
      case 'fire-rollback':
        add({
          type: 'rollback.started',
          at: now,
          trigger: action.trigger,
          reason: action.reason,
          by: action.trigger,
        });
        return result('rolled back');
      case 'complete-stage':
        add({
          type: 'canary.stage.completed',
          at: now,
          step: STEP,
          stage: action.stage,
          verdict: action.verdict,
          summary: action.summary,
        });
        break;
      case 'ask-decision':
        add({
          type: 'canary.stage.decision-needed',
          at: now,
          step: STEP,
          stage: action.stage,
          action: action.action,
          reason: action.reason,
        });
        break;
      case 'answer': {
        const stage = currentStage(state);
        if (!stage) throw new Error('an answer with no stage');
        if (action.choice === 'extend')
          add({
            type: 'canary.extended',
            at: now,
            step: STEP,
            byMs: sim.def.extendBy,
            by: AUTOPILOT,
            reason: action.reason,
          });
        add({
          type: 'canary.stage.choice',
          at: now,
          step: STEP,
          stage: stage.index,
          choice: action.choice,
          by: AUTOPILOT,
          reason: action.reason,
        });
        break;
      }
      case 'poll': {
        const verdict = sim.verdictAt(action.stage, now);
        add(sample(now, action.stage, { verdict, errPct: 0.1, p95: 200 }));
        const after = currentStage(fold([...initial, ...events]));
        const hold = after && staleHoldChange(after, verdict);
        if (hold === 'pause') add({ type: 'canary.paused', at: now, step: STEP, by: STALE_BY });
        if (hold === 'resume') add({ type: 'canary.resumed', at: now, step: STEP, by: STALE_BY });
        // A poll takes a moment of clock time: the next plan is never at the same instant.
        now += 1;
        break;
      }
    }
  }
  return result('still running');
}
