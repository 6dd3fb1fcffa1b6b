// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook placeholders are written ${name} on purpose
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatProblem, parseRunbook } from '../../../src/core/runbook/parse.js';
import type {
  ApprovalStep,
  CanaryStep,
  CommandStep,
  GonogoStep,
  MonitorStep,
  Promotion,
  Runbook,
  Step,
} from '../../../src/core/runbook/schema.js';

const path = new URL('../../../runbooks/bbws.yaml', import.meta.url).pathname;
const text = readFileSync(path, 'utf8');

function load(): Runbook {
  const result = parseRunbook(text, 'runbooks/bbws.yaml');
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.runbook;
}

const runbook = load();
const promotion = (id: string): Promotion => {
  const found = runbook.promotions.find((p) => p.id === id);
  if (!found) throw new Error(`no promotion ${id}`);
  return found;
};
const steps = (p: Promotion): Step[] => p.phases.flatMap((phase) => phase.steps);
function only<K extends Step['kind']>(p: Promotion, kind: K): Extract<Step, { kind: K }> {
  const found = steps(p).filter((s): s is Extract<Step, { kind: K }> => s.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}
const sitToProd = promotion('sit-to-prod');
const devToSit = promotion('dev-to-sit');

describe('runbooks/bbws.yaml', () => {
  it('names the schema for editor completion on line 1', () => {
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../docs/runbook.schema.json');
  });

  it('encodes the three environments of seed 1.3', () => {
    expect(
      runbook.environments.map((e) => [e.id, e.accountId, e.region, e.profile, e.changeTicket.policy]),
    ).toEqual([
      ['dev', '536580886816', 'af-south-1', 'bbws-dev', 'none'],
      ['sit', '815856636111', 'af-south-1', 'bbws-sit', 'recommended'],
      ['prod', '093646564004', 'af-south-1', 'bbws-prod', 'required'],
    ]);
    expect(runbook.environments.filter((e) => e.production).map((e) => e.id)).toEqual(['prod']);
    const pattern = new RegExp(runbook.environments[2].changeTicket.pattern ?? '');
    expect(pattern.test('JIRA-1234')).toBe(true);
    expect(pattern.test('jira-1234')).toBe(false);
  });

  it('keeps the roles and escalation contacts of seed 9.4', () => {
    const roles = Object.fromEntries(runbook.roles.map((r) => [r.id, r]));
    expect(Object.keys(roles)).toEqual([
      'tech-lead',
      'infrastructure-lead',
      'business-owner',
      'team-manager',
      'on-call',
    ]);
    expect(roles['tech-lead'].escalation).toContain('jane.doe@bbws.co.za');
    expect(roles['infrastructure-lead'].escalation).toContain('john.smith@bbws.co.za');
    expect(roles['business-owner'].escalation).toContain('sarah@bbws.co.za');
    expect(roles['on-call'].escalation).toContain('oncall@bbws.co.za');
  });

  it('has the stakeholder channels of 9.1 and every template of 4.3, 9.2 and 10.3', () => {
    expect(runbook.channels.map((c) => c.slack)).toEqual([
      '#dev-deployments',
      '#qa-testing',
      '#devops-alerts',
      '#business-updates',
    ]);
    const heads = runbook.templates.map((t) => t.text.split('\n')[0]);
    for (const head of [
      'PROMOTION REQUEST',
      'DEV DEPLOYMENT STARTED',
      'SIT PROMOTION REQUEST',
      'PROD DEPLOYMENT SCHEDULED',
      'PROD DEPLOYMENT COMPLETE',
      'ROLLING BACK SIT',
      'SIT ROLLBACK COMPLETE',
      'PROD ROLLBACK COMPLETED',
    ]) {
      expect(heads.some((h) => h.includes(head))).toBe(true);
    }
  });

  it('runs the seed commands as real argv, and asks before terraform apply', () => {
    const commands = steps(sitToProd).filter((s): s is CommandStep => s.kind === 'command');
    const all = runbook.promotions.flatMap((p) => [...steps(p), ...p.rollback.steps]);
    const programs = all.flatMap((s) => (s.kind === 'command' && !s.shell ? [s.run[0]] : []));
    // No shell line hiding in an argv: each program is one word that rehearsals can stand in for.
    expect(new Set(programs)).toEqual(new Set(['aws', 'pytest', 'npm', 'python', 'terraform', 'jira']));
    const apply = commands.find((c) => c.run[0] === 'terraform' && c.run[1] === 'apply');
    expect(apply?.dangerous).toBe(true);
    const coverage = commands.flatMap((c) => c.evidence).filter((e) => e.fact === 'coverage');
    expect(coverage.length).toBeGreaterThanOrEqual(1);
    for (const rule of coverage) expect(rule.min).toBe(80);
  });

  it('orders the PROD promotion: validation, approval, go/no-go, notice, deploy, canary, smoke, monitor, notice', () => {
    expect(sitToProd.requiresWindow).toBe(true);
    expect(sitToProd.phases.map((p) => p.id)).toEqual([
      'pre-validation',
      'approval',
      'gonogo',
      'announce',
      'deploy',
      'canary',
      'final-smoke',
      'monitor',
      'complete',
    ]);
    const kinds = steps(sitToProd).map((s) => s.kind);
    expect(kinds.indexOf('approval')).toBeLessThan(kinds.indexOf('gonogo'));
    expect(kinds.indexOf('gonogo')).toBeLessThan(kinds.indexOf('canary'));
    expect(kinds.indexOf('canary')).toBeLessThan(kinds.indexOf('monitor'));
  });

  it('smoke-tests /health and /products/list before and after the PROD canary', () => {
    const urls = (phase: string) =>
      sitToProd.phases
        .find((p) => p.id === phase)
        ?.steps.flatMap((s) => (s.kind === 'http' ? [s.url] : [])) ?? [];
    expect(urls('pre-validation')).toEqual(['${baseUrl}/health', '${baseUrl}/products/list']);
    expect(urls('final-smoke')).toEqual(['${baseUrl}/health', '${baseUrl}/products/list']);
  });

  it('rolls PROD back by reverting traffic first, then checking health and notifying', () => {
    const kinds = sitToProd.rollback.steps.map((s) => s.kind);
    expect(kinds[0]).toBe('traffic-revert');
    expect(kinds).toContain('http');
    const notices = sitToProd.rollback.steps.flatMap((s) => (s.kind === 'notify' ? [s.template] : []));
    expect(notices).toContain('prod-rollback-completed');
    expect(devToSit.rollback.steps.flatMap((s) => (s.kind === 'notify' ? [s.template] : []))).toEqual([
      'sit-rollback-declared',
      'sit-rollback-complete',
    ]);
  });
});

describe('contradictions of the seed, resolved', () => {
  it('PROD approvers: Tech Lead + Infrastructure Lead, Business Owner when risk is high or critical (1.3 vs 3.2, 6.3)', () => {
    const approval: ApprovalStep = only(sitToProd, 'approval');
    expect(approval.roles).toEqual(['tech-lead', 'infrastructure-lead']);
    expect(approval.conditionalRoles).toEqual([{ role: 'business-owner', whenRisk: ['high', 'critical'] }]);
    expect(approval.expiry).toBe(48 * 3_600_000);
    expect(approval.separationOfDuties).toBe(true);
    expect(approval.escalation).toBeTruthy();
    expect(runbook.environments.find((e) => e.id === 'prod')?.approvalRoles).toEqual([
      'tech-lead',
      'infrastructure-lead',
    ]);
  });

  it('SIT approver: Tech Lead within 24 hours, escalating to the Team Manager (3.2, 6.2)', () => {
    const approval: ApprovalStep = only(devToSit, 'approval');
    expect(approval.roles).toEqual(['tech-lead']);
    expect(approval.expiry).toBe(24 * 3_600_000);
    expect(approval.escalation).toContain('Team Manager');
  });

  it('three bands, not one: pass (5.2), no-go (8.2), rollback (10.1, 10.2)', () => {
    const canary: CanaryStep = only(sitToProd, 'canary');
    expect(canary.bands.pass).toEqual({ errorRatePct: 0.5, p95OverBaselinePct: 10 });
    expect(canary.bands.nogo).toEqual({ errorRatePct: 1, p95OverBaselinePct: 20, maxThrottles: 0 });
    // "p95 > 2x baseline" is 100% over the baseline.
    expect(canary.bands.rollback).toEqual({ errorRatePct: 5, p95OverBaselinePct: 100 });
    expect(canary.sustained).toBe(3);
  });

  it('canary stages 10/25/50/100, 15 minutes each, polled every minute (5.2 steps 5-6)', () => {
    const canary: CanaryStep = only(sitToProd, 'canary');
    expect(canary.stages).toEqual([
      { weight: 10, hold: 900_000 },
      { weight: 25, hold: 900_000 },
      { weight: 50, hold: 900_000 },
      { weight: 100, hold: 900_000 },
    ]);
    expect(canary.period).toBe(60_000);
    expect(canary.targets.apiGateway).toEqual({
      restApiId: 'a1b2c3d4e5',
      apiName: 'bbws-prod-api',
      stage: 'prod',
      canaryStage: 'prod/Canary',
    });
    expect(canary.targets.lambdas.map((l) => `${l.functionName}:${l.alias}`)).toEqual([
      'bbws-prod-auth-lambda:prod',
      'bbws-prod-product-lambda:prod',
      'bbws-prod-order-lambda:prod',
    ]);
  });

  it('extended monitoring 2 hours; replication lag < 1 s while monitoring, rollback > 5 s (5.3 vs 10.1)', () => {
    const monitor: MonitorStep = only(sitToProd, 'monitor');
    expect(monitor.duration).toBe(2 * 3_600_000);
    expect(monitor.rollbackArmed).toBe(true);
    const lag = monitor.extraMetrics.find((m) => m.metric === 'ReplicationLatency');
    expect(lag).toMatchObject({
      namespace: 'AWS/DynamoDB',
      unit: 'Milliseconds',
      max: 1000,
      rollbackAbove: 5000,
    });
    expect(monitor.extraMetrics.some((m) => m.metric === 'ThrottledRequests' && m.max === 0)).toBe(true);
  });

  it('go/no-go: coverage >= 80%, p95 within baseline + 10%, error rate <= 1% (8.1, 8.2)', () => {
    const gonogo: GonogoStep = only(sitToProd, 'gonogo');
    // The matrix of 8.3 declared input by input, each from the steps that measure it.
    expect(gonogo.coverage).toEqual({ min: 80, from: ['backend-tests', 'frontend-tests'] });
    expect(gonogo.tests).toEqual({ maxFailed: 0, from: ['backend-tests', 'frontend-tests'] });
    expect(gonogo.performance).toEqual({
      maxP95IncreasePct: 10,
      maxErrorRatePct: 1,
      from: ['sit-performance-baseline'],
    });
    expect(gonogo.extraMonitoringRisks).toEqual(['medium']);
    expect(gonogo.mitigationRequiredRisks).toEqual(['high', 'critical']);
  });
});
