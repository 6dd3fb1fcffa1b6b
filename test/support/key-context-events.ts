import type { SessionEvent } from '../../src/core/session/events.js';
import { HOUR, MIN, passPhasesBefore, promotion, split, T0 } from '../screens/fixtures.js';
import { gatesPassed, NOW, shiftedEvents } from './app-session.js';

/** The journals of the situations the key test drives the App into (see key-contexts.tsx). */
/** The pre-validation checklist with the steps before `step` passed and `step` current. */
export function checklistUpTo(step: string): SessionEvent[] {
  const steps = promotion.phases[0].steps.map((s) => s.id);
  const done = steps.slice(0, steps.indexOf(step));
  return passPhasesBefore('approval').filter(
    (e) =>
      !((e.type === 'step.started' || e.type === 'step.completed') && !done.includes(e.step)) &&
      e.type !== 'phase.completed',
  );
}

export function failedCommand(): SessionEvent[] {
  return [
    ...checklistUpTo('backend-tests'),
    { type: 'step.started', at: NOW - MIN, step: 'backend-tests', attempt: 1 },
    {
      type: 'step.completed',
      at: NOW,
      step: 'backend-tests',
      outcome: 'failed',
      detail: 'pytest exited with code 1',
    },
  ];
}

export function noGo(): SessionEvent[] {
  const at = T0 + HOUR;
  return [
    ...passPhasesBefore('gonogo'),
    { type: 'phase.started', at, phase: 'gonogo' },
    { type: 'step.started', at, step: 'gonogo-prod', attempt: 1 },
    {
      type: 'gonogo.decided',
      at,
      step: 'gonogo-prod',
      decision: 'NO-GO',
      rows: [
        {
          input: 'coverage',
          value: '72%',
          limit: '>= 80%',
          verdict: 'fail',
          reason: 'Coverage 72% is below the minimum 80%.',
        },
      ],
      whatWouldChange: ['Raise coverage to at least 80%.'],
    },
    { type: 'step.completed', at, step: 'gonogo-prod', outcome: 'failed', detail: 'NO-GO' },
  ];
}

export function decisionNeeded(): SessionEvent[] {
  return [
    ...shiftedEvents(),
    {
      type: 'canary.stage.decision-needed',
      at: NOW,
      step: 'prod-canary',
      stage: 0,
      action: 'ask',
      reason: '2 of 15 samples were outside the pass band (WATCH). Extend, advance, or roll back.',
    },
  ];
}

export function canaryWaitingToStart(): SessionEvent[] {
  const at = T0 + 4 * HOUR;
  const target = shiftedEvents().filter((e) => e.type === 'rollback-target.recorded');
  return [
    ...passPhasesBefore('canary'),
    ...gatesPassed(),
    { type: 'phase.started', at, phase: 'canary' },
    { type: 'step.started', at, step: 'prod-canary', attempt: 1 },
    ...target,
  ];
}

export function promoted(at = NOW - 30 * MIN): SessionEvent[] {
  return [
    ...shiftedEvents(),
    { type: 'canary.promoted', at, step: 'prod-canary', split: split(100, at) },
    { type: 'step.completed', at, step: 'prod-canary', outcome: 'passed', detail: 'promoted' },
    { type: 'phase.completed', at, phase: 'canary' },
  ];
}

export function monitoring(): SessionEvent[] {
  const at = NOW - 30 * MIN;
  const smoke = promotion.phases.find((p) => p.id === 'final-smoke')?.steps ?? [];
  return [
    ...promoted(at),
    { type: 'phase.started', at, phase: 'final-smoke' },
    ...smoke.flatMap((step): SessionEvent[] => [
      { type: 'step.started', at, step: step.id, attempt: 1 },
      { type: 'step.completed', at, step: step.id, outcome: 'passed', detail: 'ok' },
    ]),
    { type: 'phase.completed', at, phase: 'final-smoke' },
    { type: 'phase.started', at, phase: 'monitor' },
    { type: 'step.started', at, step: 'prod-monitor', attempt: 1 },
    { type: 'monitor.started', at, step: 'prod-monitor', durationMs: 120 * MIN },
  ];
}

export function rollingBack(): SessionEvent[] {
  return [
    ...shiftedEvents(),
    {
      type: 'rollback.started',
      at: NOW,
      trigger: 'conductor',
      reason: 'the abort key was pressed',
      by: '@alex',
    },
  ];
}

export function withNotifications(): SessionEvent[] {
  return [
    ...shiftedEvents(),
    ...['ops', 'business', 'ops'].map(
      (channel, i): SessionEvent => ({
        type: 'notification.rendered',
        at: NOW - (3 - i) * MIN,
        step: 'prod-canary',
        template: `prod-canary-progress-${i}`,
        channel,
        text: `Canary message ${i}: 10% of PROD on v42`,
      }),
    ),
  ];
}

/** The canary with two targets sampled (the API stage and the Lambda alias): tab moves the charts. */
export function twoTargetsSampled(): SessionEvent[] {
  const at = NOW - MIN;
  const series = (errorRatePct: number, p95Ms: number) => ({
    requests: 400,
    errors: Math.round(4 * errorRatePct),
    errorRatePct,
    p95Ms,
    throttles: 0,
  });
  return [
    ...shiftedEvents(),
    {
      type: 'canary.sample',
      at,
      step: 'prod-canary',
      stage: 0,
      windowStart: at - MIN,
      windowEnd: at,
      verdict: 'PASS',
      reasons: [],
      targets: [
        {
          targetId: 'apigateway',
          label: 'API prod',
          verdict: 'PASS',
          reasons: [],
          canary: series(0.1, 190),
          baseline: series(0.1, 185),
        },
        {
          targetId: 'lambda:bbws-prod-auth-lambda',
          label: 'bbws-prod-auth-lambda:prod',
          verdict: 'PASS',
          reasons: [],
          canary: series(0.2, 90),
          baseline: series(0.1, 85),
        },
      ],
    },
  ];
}

/** A resumed engine found the previous engine's `terraform apply` still running, and waits for it. */
export function orphanStillRunning(): SessionEvent[] {
  return [
    ...passPhasesBefore('deploy'),
    ...gatesPassed(),
    { type: 'step.started', at: NOW - 4 * MIN, step: 'terraform-apply-prod', attempt: 1 },
    {
      type: 'command.started',
      at: NOW - 4 * MIN,
      step: 'terraform-apply-prod',
      attempt: 1,
      command: 'terraform apply',
      pid: 4242,
      pgid: 4242,
      host: 'jump-1',
    },
    {
      type: 'command.orphan-found',
      at: NOW - MIN,
      step: 'terraform-apply-prod',
      attempt: 1,
      pid: 4242,
      host: 'jump-1',
      command: 'terraform apply',
      state: 'running',
      runningForMs: 3 * MIN,
      detail:
        '`terraform apply` from the previous engine is still running (pid 4242, 3m): waiting for it to end.',
    },
  ];
}

/** What the engine says while it waits for that command. */
export const ORPHAN_WAITING = {
  step: 'terraform-apply-prod',
  kind: 'orphan',
  message: 'The previous engine’s terraform apply is still running (pid 4242): waiting for it.',
} as const;
