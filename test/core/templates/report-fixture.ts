import { parseRunbook } from '../../../src/core/runbook/parse.js';
import type { Runbook } from '../../../src/core/runbook/schema.js';
import type { SampleTargetRecord, SessionEvent, Verdict } from '../../../src/core/session/events.js';
import { foldEvents, type SessionState } from '../../../src/core/session/state.js';

/**
 * A small runbook and a session of it written event by event: SIT approval, PROD approvals, a
 * go/no-go, a two-stage canary and either a promotion or a rollback. Times are those of the seed's
 * 6.4 example (2025-12-25, written in UTC+2).
 */

export const RUNBOOK_YAML = `runbook:
  id: shop
  title: Shop promotion
  version: "2.3"
roles:
  - id: tech-lead
    title: Tech Lead
  - id: infrastructure-lead
    title: Infrastructure Lead
environments:
  - id: sit
    title: SIT
    accountId: "815856636111"
    region: af-south-1
  - id: prod
    title: PROD
    accountId: "093646564004"
    region: af-south-1
    profile: shop-prod
    production: true
    approvalRoles: [tech-lead, infrastructure-lead]
channels:
  - id: ops
    title: Operations
    slack: "#ops-alerts"
templates:
  - id: started
    channel: ops
    text: "Deploying \${version}"
promotions:
  - id: sit-to-prod
    title: SIT to PROD
    from: sit
    to: prod
    phases:
      - id: sit-gate
        title: SIT sign-off
        environment: sit
        steps:
          - id: sit-approval
            title: Tech Lead signs off SIT
            kind: approval
            roles: [tech-lead]
            expiry: 24h
      - id: checks
        title: Checks
        steps:
          - id: unit-tests
            title: Unit tests for \${ticket}
            kind: command
            run: [npm, test]
            evidence:
              - { id: coverage, fact: coverage, from: json, path: coverage.json, pointer: total.lines.pct }
          - id: change-ticket
            title: Change ticket raised
            kind: manual
      - id: prod-gate
        title: PROD approvals
        steps:
          - id: prod-approval
            title: PROD approvals
            kind: approval
            roles: [tech-lead, infrastructure-lead]
            expiry: 48h
            distinctApprovers: true
          - id: decide
            title: Go/no-go
            kind: gonogo
            coverage: { min: 80 }
      - id: release
        title: Release
        steps:
          - id: tell-ops
            title: Tell operations
            kind: notify
            template: started
          - id: canary
            title: Canary
            kind: canary
            targets:
              lambdas:
                - functionName: shop-api
                  alias: live
            stages:
              - { weight: 10, hold: 15m }
              - { weight: 100, hold: 15m }
            bands:
              pass: { errorRatePct: 0.5, p95OverBaselinePct: 10 }
              nogo: { errorRatePct: 1, p95OverBaselinePct: 20 }
              rollback: { errorRatePct: 5, p95OverBaselinePct: 100 }
    rollback:
      steps:
        - id: revert
          title: Revert traffic
          kind: traffic-revert
        - id: health-after
          title: Health after rollback
          kind: manual
`;

export function fixtureRunbook(): Runbook {
  const parsed = parseRunbook(RUNBOOK_YAML, 'shop.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.runbook;
}

/** 2025-12-25 14:00:00 in UTC+2. */
export const T0 = Date.UTC(2025, 11, 25, 12, 0, 0);
export const UTC_PLUS_2 = 120;
const MIN = 60_000;
/** `h:m` local (UTC+2) on 2025-12-25 as epoch ms. */
export const at = (hour: number, minute: number, second = 0) =>
  Date.UTC(2025, 11, 25, hour - 2, minute, second);

function target(errorRatePct: number, p95Ms: number, verdict: Verdict): SampleTargetRecord {
  return {
    targetId: 'shop-api',
    label: 'shop-api:live',
    verdict,
    reasons: [],
    canary: { requests: 1000, errors: errorRatePct * 10, errorRatePct, p95Ms, throttles: 0 },
    baseline: { requests: 9000, errors: 9, errorRatePct: 0.1, p95Ms: 180, throttles: 0 },
  };
}

function sample(
  t: number,
  stage: number,
  errorRatePct: number,
  p95Ms: number,
  verdict: Verdict,
): SessionEvent {
  return {
    type: 'canary.sample',
    at: t,
    step: 'canary',
    stage,
    windowStart: t - 5 * MIN,
    windowEnd: t,
    verdict,
    reasons: [],
    targets: [target(errorRatePct, p95Ms, verdict)],
  };
}

export interface FixtureOptions {
  ending: 'promoted' | 'rolled-back';
  rehearsal?: boolean;
}

export function fixtureEvents(options: FixtureOptions): SessionEvent[] {
  const split = (weight: number) => ({
    lambdas: [
      {
        functionName: 'shop-api',
        alias: 'live',
        primaryVersion: '41',
        additionalVersion: weight > 0 ? '42' : undefined,
        additionalWeight: weight / 100,
      },
    ],
    readAt: 0,
  });
  const events: SessionEvent[] = [
    {
      type: 'session.created',
      at: T0,
      sessionId: '20251225-120000-abcd',
      runbookFile: '/runbooks/shop.yaml',
      runbookId: 'shop',
      runbookTitle: 'Shop promotion',
      runbookHash: 'f'.repeat(64),
      promotionId: 'sit-to-prod',
      from: 'sit',
      to: 'prod',
      version: 'v2024.12.25.1',
      previousVersion: 'v2024.12.24.3',
      conductor: 'maria',
      risk: 'medium',
      ticket: 'CHG-1234',
      window: { start: at(14, 0), end: at(20, 0) },
      ...(options.rehearsal ? { rehearsal: { scenario: 'healthy', speed: 60 } } : {}),
    },
    { type: 'phase.started', at: at(14, 5), phase: 'sit-gate' },
    { type: 'step.started', at: at(14, 5), step: 'sit-approval', attempt: 1 },
    {
      type: 'approval.recorded',
      at: at(15, 30),
      step: 'sit-approval',
      role: 'tech-lead',
      approver: 'Jane Doe (@jane.doe)',
      comment: 'Code quality excellent, all tests passing',
    },
    { type: 'step.completed', at: at(15, 30), step: 'sit-approval', outcome: 'passed', detail: 'approved' },
    { type: 'phase.completed', at: at(15, 31), phase: 'sit-gate' },
    { type: 'phase.started', at: at(15, 40), phase: 'checks' },
    { type: 'step.started', at: at(15, 40), step: 'unit-tests', attempt: 1 },
    {
      type: 'step.completed',
      at: at(15, 41),
      step: 'unit-tests',
      outcome: 'failed',
      detail: 'exit 1 in 40s',
      exitCode: 1,
      durationMs: 40_000,
      logFile: '/home/maria/.local/state/conductor/sessions/20251225-120000-abcd/unit-tests.1.log',
    },
    { type: 'step.started', at: at(15, 42), step: 'unit-tests', attempt: 2 },
    {
      type: 'step.completed',
      at: at(15, 43),
      step: 'unit-tests',
      outcome: 'passed',
      detail: 'exit 0 in 52s; coverage 86.5% >= 80%',
      exitCode: 0,
      durationMs: 52_000,
      logFile: '/home/maria/.local/state/conductor/sessions/20251225-120000-abcd/unit-tests.2.log',
      evidence: [
        {
          id: 'coverage',
          fact: 'coverage',
          value: 86.5,
          limit: '>= 80%',
          ok: true,
          detail: 'coverage 86.5% >= 80%',
        },
        { id: 'passed', fact: 'tests-passed', value: 412, ok: true, detail: 'tests-passed 412' },
      ],
    },
    { type: 'step.confirmed', at: at(15, 44), step: 'change-ticket', by: 'maria', note: 'CHG-1234 raised' },
    {
      type: 'step.completed',
      at: at(15, 44),
      step: 'change-ticket',
      outcome: 'passed',
      detail: 'confirmed',
      by: 'maria',
      note: 'CHG-1234 raised',
    },
    { type: 'phase.completed', at: at(15, 45), phase: 'checks' },
    { type: 'phase.started', at: at(16, 0), phase: 'prod-gate' },
    {
      type: 'approval.refused',
      at: at(16, 30),
      step: 'prod-approval',
      role: 'infrastructure-lead',
      approver: 'maria',
      reason: 'The conductor of the session may not approve it.',
    },
    { type: 'gate.escalated', at: at(16, 40), step: 'prod-approval', text: 'Call the Team Manager.' },
    {
      type: 'approval.recorded',
      at: at(16, 45),
      step: 'prod-approval',
      role: 'tech-lead',
      approver: 'Jane Doe (@jane.doe)',
      comment: 'Performance baseline met, ready for PROD',
      reference: 'CHG-1234',
    },
    {
      type: 'approval.recorded',
      at: at(17, 0),
      step: 'prod-approval',
      role: 'infrastructure-lead',
      approver: 'John Smith (@john.smith)',
      comment: 'Infrastructure ready, capacity verified',
    },
    { type: 'step.completed', at: at(17, 0), step: 'prod-approval', outcome: 'passed', detail: 'approved' },
    {
      type: 'gonogo.decided',
      at: at(17, 2),
      step: 'decide',
      decision: 'GO',
      rows: [
        {
          input: 'coverage',
          value: '86.5%',
          limit: '>= 80%',
          verdict: 'ok',
          reason: 'Coverage meets the bar.',
        },
        { input: 'risk', value: 'medium', limit: 'extra monitoring', verdict: 'ok', reason: 'Mitigated.' },
      ],
      whatWouldChange: ['Coverage under 80% would give NO-GO.'],
    },
    { type: 'step.completed', at: at(17, 2), step: 'decide', outcome: 'passed', detail: 'GO' },
    { type: 'phase.completed', at: at(17, 3), phase: 'prod-gate' },
    { type: 'phase.started', at: at(17, 5), phase: 'release' },
    {
      type: 'notification.rendered',
      at: at(17, 5),
      step: 'tell-ops',
      template: 'started',
      channel: '#ops-alerts',
      text: 'Deploying v2024.12.25.1 (posted via https://hooks.slack.com/services/T000/B000/XXXXSECRET)',
    },
    {
      type: 'notification.posted',
      at: at(17, 5, 5),
      template: 'started',
      channel: '#ops-alerts',
      ok: false,
      attempts: 3,
      error: 'HTTP 500 from Slack',
    },
    { type: 'step.completed', at: at(17, 5, 6), step: 'tell-ops', outcome: 'passed', detail: 'rendered' },
    {
      type: 'identity.verified',
      at: at(17, 6),
      env: 'prod',
      account: '093646564004',
      arn: 'arn:aws:sts::093646564004:assumed-role/deployer/maria',
    },
    {
      type: 'rollback-target.recorded',
      at: at(17, 7),
      target: {
        lambdas: [{ functionName: 'shop-api', alias: 'live', stableVersion: '41', canaryVersion: '42' }],
      },
    },
    {
      type: 'aws.retry',
      at: at(17, 7, 30),
      service: 'lambda',
      operation: 'UpdateAlias',
      attempt: 1,
      error: 'Throttling',
    },
    {
      type: 'aws.retry',
      at: at(17, 7, 31),
      service: 'lambda',
      operation: 'UpdateAlias',
      attempt: 2,
      error: 'Throttling',
    },
    { type: 'step.started', at: at(17, 8), step: 'canary', attempt: 1 },
    { type: 'traffic.shifted', at: at(17, 8), weight: 10, split: split(10) },
    { type: 'canary.stage.started', at: at(17, 8), step: 'canary', stage: 0, weight: 10, holdMs: 15 * MIN },
    sample(at(17, 13), 0, 0.2, 190, 'PASS'),
    sample(at(17, 18), 0, 0.42, 205, 'PASS'),
    sample(at(17, 23), 0, 0.3, 195, 'PASS'),
    {
      type: 'canary.stage.choice',
      at: at(17, 23, 10),
      step: 'canary',
      stage: 0,
      choice: 'advance',
      by: 'maria',
      reason: 'all green',
    },
    {
      type: 'canary.stage.completed',
      at: at(17, 23, 10),
      step: 'canary',
      stage: 0,
      verdict: 'PASS',
      summary: 'advanced by maria',
    },
    { type: 'traffic.shifted', at: at(17, 24), weight: 100, split: split(100) },
    { type: 'canary.stage.started', at: at(17, 24), step: 'canary', stage: 1, weight: 100, holdMs: 15 * MIN },
    { type: 'warning', at: at(17, 25), message: 'CloudWatch answered late twice.' },
  ];
  if (options.ending === 'promoted') {
    events.push(
      sample(at(17, 29), 1, 0.25, 185, 'PASS'),
      sample(at(17, 34), 1, 0.2, 182, 'PASS'),
      {
        type: 'canary.stage.completed',
        at: at(17, 39),
        step: 'canary',
        stage: 1,
        verdict: 'PASS',
        summary: 'held 15m',
      },
      { type: 'canary.promoted', at: at(17, 40), step: 'canary', split: split(0) },
      { type: 'step.completed', at: at(17, 40), step: 'canary', outcome: 'passed', detail: 'promoted' },
      { type: 'phase.completed', at: at(17, 41), phase: 'release' },
      {
        type: 'session.completed',
        at: at(17, 42),
        outcome: 'promoted',
        summary: 'v2024.12.25.1 promoted to PROD.',
      },
    );
  } else {
    events.push(
      sample(at(17, 29), 1, 6.5, 240, 'ROLLBACK'),
      {
        type: 'aws.error',
        at: at(17, 30),
        operation: 'GetMetricData',
        message: 'CloudWatch timed out after 10s',
      },
      {
        type: 'rollback.started',
        at: at(17, 31),
        trigger: 'conductor',
        reason: 'error rate 6.5% at 100%',
        by: 'maria',
      },
      {
        type: 'rollback.traffic-reverted',
        at: at(17, 31, 1),
        split: {
          lambdas: [{ functionName: 'shop-api', alias: 'live', primaryVersion: '41', additionalWeight: 0 }],
          readAt: 0,
        },
        verified: true,
        durationMs: 850,
      },
      {
        type: 'rollback.step',
        at: at(17, 33),
        step: 'health-after',
        outcome: 'passed',
        detail: 'health 200 after rollback',
      },
      {
        type: 'rollback.completed',
        at: at(17, 34),
        verified: true,
        summary: 'Rolled back to v41; checks passed.',
      },
      {
        type: 'session.completed',
        at: at(17, 35),
        outcome: 'rolled-back',
        summary: 'Rolled back v2024.12.25.1 on PROD.',
      },
    );
  }
  return events;
}

export function fixtureState(options: FixtureOptions): SessionState {
  const runbook = fixtureRunbook();
  return foldEvents(runbook, runbook.promotions[0], fixtureEvents(options));
}
