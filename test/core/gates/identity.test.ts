import { describe, expect, it } from 'vitest';
import {
  environmentsOfStep,
  identityChecksDue,
  identityVerdict,
  refusalSentence,
} from '../../../src/core/gates/identity.js';
import type { IdentityCheckReason, SessionEvent } from '../../../src/core/session/events.js';
import { foldEvents } from '../../../src/core/session/state.js';
import { bbwsPromotion } from '../session/traffic-oracle.js';

const { runbook, promotion } = bbwsPromotion();
const SIT = '815856636111';
const PROD = '093646564004';
const T0 = Date.UTC(2026, 10, 29, 20, 0);

const created: SessionEvent = {
  type: 'session.created',
  at: T0,
  sessionId: 's1',
  runbookFile: 'runbooks/bbws.yaml',
  runbookId: 'bbws',
  runbookTitle: 'BBWS',
  runbookHash: 'h',
  promotionId: 'sit-to-prod',
  from: 'sit',
  to: 'prod',
  version: 'v1',
  conductor: '@carol',
  risk: 'medium',
};

function checked(
  env: 'sit' | 'prod',
  phase: string,
  ok = true,
  reason: IdentityCheckReason = 'phase',
  at = T0 + 1,
): SessionEvent {
  const expected = env === 'sit' ? SIT : PROD;
  return {
    type: 'identity.checked',
    at,
    env,
    expected,
    account: ok ? expected : '210987654321',
    ok,
    reason,
    phase,
  };
}

const passed = (step: string, at = T0 + 2): SessionEvent => ({
  type: 'step.completed',
  at,
  step,
  outcome: 'passed',
  detail: 'ok',
});

/** Everything before `step` passed (no identity events): the state a step is reached in. */
function passedUpTo(step: string): SessionEvent[] {
  const ids = promotion.phases.flatMap((p) => p.steps.map((s) => s.id));
  return ids.slice(0, ids.indexOf(step)).map((id) => passed(id));
}

const due = (events: SessionEvent[], step: string, options?: { starting?: boolean }) =>
  identityChecksDue(runbook, promotion, foldEvents(runbook, promotion, events), step, options).map((d) => [
    d.env.id,
    d.reason,
  ]);

describe('identity before touch: when STS must be asked', () => {
  it('is due before the first step of a phase, whatever its kind, for that phase environment', () => {
    expect(due([created], 'sit-health')).toEqual([['sit', 'phase']]);
    // The PROD approval phase: a gate, yet nothing of PROD goes on before its account is proven.
    expect(due([created, ...passedUpTo('prod-approval')], 'prod-approval')).toContainEqual(['prod', 'phase']);
    // The announcement phase (a notice) and the deploy phase (terraform apply) alike.
    const announce = [created, ...passedUpTo('notify-scheduled-ops'), checked('prod', 'gonogo')];
    expect(due(announce, 'notify-scheduled-ops')).toEqual([['prod', 'phase']]);
  });

  it('is not due again within a phase once its environment was proven in that phase', () => {
    expect(due([created, checked('sit', 'pre-validation')], 'sit-health')).toEqual([]);
    expect(
      due([created, checked('sit', 'pre-validation'), passed('sit-health')], 'sit-products-list'),
    ).toEqual([]);
  });

  it("covers an environment whose profile a step names: a SIT-phase plan with PROD's profile checks PROD", () => {
    expect(environmentsOfStep(runbook, promotion, 'terraform-plan-prod').map((e) => e.id)).toEqual([
      'sit',
      'prod',
    ]);
    expect(environmentsOfStep(runbook, promotion, 'schema-compatibility').map((e) => e.id)).toEqual([
      'sit',
      'prod',
    ]);
    const events = [created, checked('sit', 'pre-validation'), ...passedUpTo('terraform-validate-prod')];
    expect(due(events, 'terraform-validate-prod')).toEqual([['prod', 'profile']]);
  });

  it('is due right before every dangerous step starts, even just after a check', () => {
    const events = [created, ...passedUpTo('terraform-apply-prod'), checked('prod', 'deploy')];
    expect(due(events, 'terraform-apply-prod')).toEqual([]);
    expect(due(events, 'terraform-apply-prod', { starting: true })).toEqual([['prod', 'dangerous']]);
    // A step that is not dangerous is not asked again when it starts.
    expect(due([created, checked('sit', 'pre-validation')], 'sit-health', { starting: true })).toEqual([]);
  });

  it('is due again after a refusal, after a resume and after a credentials error', () => {
    const base = [created, ...passedUpTo('prod-canary'), checked('prod', 'canary')];
    expect(due(base, 'prod-canary')).toEqual([]);
    expect(due([...base, checked('prod', 'canary', false)], 'prod-canary')).toEqual([['prod', 'refused']]);
    const resumed: SessionEvent = { type: 'session.resumed', at: T0 + 5, pid: 1, host: 'h' };
    expect(due([...base, resumed], 'prod-canary')).toEqual([['prod', 'resumed']]);
    const expired: SessionEvent = {
      type: 'aws.error',
      at: T0 + 5,
      operation: 'fetch metrics',
      message: 'The AWS credentials in PROD are expired',
      env: 'prod',
      credentials: true,
    };
    expect(due([...base, expired], 'prod-canary')).toEqual([['prod', 'credentials-error']]);
    // Any other AWS error (throttling) does not.
    const throttled: SessionEvent = { ...expired, credentials: undefined, message: 'throttled' };
    expect(due([...base, throttled], 'prod-canary')).toEqual([]);
    // A passing check after the resume clears it.
    expect(
      due([...base, resumed, checked('prod', 'canary', true, 'resumed', T0 + 6)], 'prod-canary'),
    ).toEqual([]);
  });

  it('judges the answer: only the runbook account passes, and the refusal names both ids and the profile', () => {
    const prod = runbook.environments.find((e) => e.id === 'prod')!;
    expect(identityVerdict(prod, { account: PROD })).toEqual({ ok: true });
    const verdict = identityVerdict(prod, {
      account: '210987654321',
      arn: 'arn:aws:sts::210987654321:assumed-role/x',
    });
    expect(verdict.ok).toBe(false);
    const sentence = verdict.ok ? '' : verdict.sentence;
    expect(sentence).toContain('210987654321');
    expect(sentence).toContain(PROD);
    expect(sentence).toContain('bbws-prod');
    expect(sentence.match(/\. /g)).toBeNull();
    expect(refusalSentence(prod, '')).toContain('account ');
  });

  it('folds each check into the journal state: the list for the report, the identity for the screens', () => {
    const s = foldEvents(runbook, promotion, [
      created,
      checked('sit', 'pre-validation'),
      checked('prod', 'approval', false),
    ]);
    expect(s.identityChecks.map((c) => [c.env, c.ok])).toEqual([
      ['sit', true],
      ['prod', false],
    ]);
    expect(s.identity.sit?.account).toBe(SIT);
    expect(s.identity.prod).toBeUndefined();
  });
});
