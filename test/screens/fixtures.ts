import { readFileSync } from 'node:fs';
import { parseRunbook } from '../../src/core/runbook/parse.js';
import type { Promotion, Runbook } from '../../src/core/runbook/schema.js';
import type {
  EvidenceRecord,
  SessionEvent,
  TrafficSnapshot,
  Verdict,
} from '../../src/core/session/events.js';
import { foldEvents, type SessionState } from '../../src/core/session/state.js';

/** The seed runbook, parsed the way the app parses it. */
export function loadRunbook(): Runbook {
  const result = parseRunbook(readFileSync('runbooks/bbws.yaml', 'utf8'), 'runbooks/bbws.yaml');
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.runbook;
}

export const runbook = loadRunbook();
export const promotion: Promotion = runbook.promotions.find((p) => p.id === 'sit-to-prod')!;

export const T0 = Date.UTC(2026, 11, 1, 20, 0, 0);
export const MIN = 60_000;
export const HOUR = 60 * MIN;

export function created(
  overrides: Partial<Extract<SessionEvent, { type: 'session.created' }>> = {},
): SessionEvent {
  return {
    type: 'session.created',
    at: T0,
    sessionId: '20261201-200000-ab12',
    runbookFile: 'runbooks/bbws.yaml',
    runbookId: runbook.runbook.id,
    runbookTitle: runbook.runbook.title,
    runbookHash: 'f'.repeat(64),
    promotionId: promotion.id,
    from: 'sit',
    to: 'prod',
    version: 'v42',
    previousVersion: 'v41',
    conductor: '@alex',
    risk: 'low',
    ticket: 'CHG-1234',
    ...overrides,
  };
}

/** Every step of the phases before `phaseId`, passed, one minute apart from `at`. */
export function passPhasesBefore(phaseId: string, at = T0 + MIN): SessionEvent[] {
  const events: SessionEvent[] = [];
  let t = at;
  for (const phase of promotion.phases) {
    if (phase.id === phaseId) break;
    events.push({ type: 'phase.started', at: t, phase: phase.id });
    for (const step of phase.steps) {
      events.push({ type: 'step.started', at: t, step: step.id, attempt: 1 });
      t += 1_000;
      events.push({ type: 'step.completed', at: t, step: step.id, outcome: 'passed', detail: 'ok' });
    }
    events.push({ type: 'phase.completed', at: t, phase: phase.id });
  }
  return events;
}

export function fold(events: SessionEvent[]): SessionState {
  return foldEvents(runbook, promotion, events);
}

export function split(percent: number, at: number): TrafficSnapshot {
  return {
    apiGateway: {
      restApiId: 'a1b2c3d4e5',
      stage: 'prod',
      deploymentId: 'dep-41',
      canaryDeploymentId: percent > 0 ? 'dep-42' : undefined,
      canaryPercent: percent,
    },
    lambdas: [
      {
        functionName: 'bbws-prod-auth-lambda',
        alias: 'prod',
        primaryVersion: '41',
        additionalVersion: percent > 0 ? '42' : undefined,
        additionalWeight: percent / 100,
      },
    ],
    readAt: at,
  };
}

export interface SampleValues {
  verdict: Verdict;
  errPct: number;
  p95: number;
  baseErrPct?: number;
  baseP95?: number;
  requests?: number;
  reasons?: string[];
  extra?: Array<{ id: string; value: number | null }>;
}

export function sample(at: number, stage: number, v: SampleValues, step = 'prod-canary'): SessionEvent {
  const requests = v.requests ?? 400;
  return {
    type: 'canary.sample',
    at,
    step,
    stage,
    windowStart: at - MIN,
    windowEnd: at,
    verdict: v.verdict,
    reasons: v.reasons ?? [],
    targets: [
      {
        targetId: 'api',
        label: 'bbws-prod-api',
        verdict: v.verdict,
        reasons: v.reasons ?? [],
        canary: {
          requests,
          errors: Math.round((requests * v.errPct) / 100),
          errorRatePct: v.errPct,
          p95Ms: v.p95,
          throttles: 0,
        },
        baseline: {
          requests: requests * 3,
          errors: 0,
          errorRatePct: v.baseErrPct ?? 0.1,
          p95Ms: v.baseP95 ?? 200,
          throttles: 0,
        },
      },
    ],
    extra: v.extra,
  };
}

/** The session on the canary: gates passed, stage 0 (10%) done, stage 1 (25%) running since `stageAt`. */
export function canaryEvents(stageAt: number): SessionEvent[] {
  const events: SessionEvent[] = [created(), ...passPhasesBefore('canary')];
  const start = stageAt - 16 * MIN;
  events.push(
    { type: 'phase.started', at: start, phase: 'canary' },
    { type: 'step.started', at: start, step: 'prod-canary', attempt: 1 },
    {
      type: 'rollback-target.recorded',
      at: start,
      target: {
        apiGateway: {
          restApiId: 'a1b2c3d4e5',
          stage: 'prod',
          deploymentId: 'dep-41',
          canaryDeploymentId: 'dep-42',
        },
        lambdas: [
          { functionName: 'bbws-prod-auth-lambda', alias: 'prod', stableVersion: '41', canaryVersion: '42' },
        ],
      },
    },
    { type: 'traffic.shifted', at: start, weight: 10, split: split(10, start) },
    { type: 'canary.stage.started', at: start, step: 'prod-canary', stage: 0, weight: 10, holdMs: 15 * MIN },
    sample(start + MIN, 0, { verdict: 'PASS', errPct: 0.1, p95: 190 }),
    {
      type: 'canary.stage.completed',
      at: stageAt,
      step: 'prod-canary',
      stage: 0,
      verdict: 'PASS',
      summary: 'all passed',
    },
    { type: 'traffic.shifted', at: stageAt, weight: 25, split: split(25, stageAt) },
    {
      type: 'canary.stage.started',
      at: stageAt,
      step: 'prod-canary',
      stage: 1,
      weight: 25,
      holdMs: 15 * MIN,
    },
  );
  return events;
}

export function evidence(
  fact: EvidenceRecord['fact'],
  value: number,
  detail: string,
  ok = true,
): EvidenceRecord {
  return { id: `${fact}-ev`, fact, value, ok, detail };
}
