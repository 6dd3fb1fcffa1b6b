import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentsOfStep } from '../../src/core/gates/identity.js';
import { WRONG_ACCOUNT } from '../../src/sandbox/scenarios.js';
import { eventsOf, journalOf, requestsTo, runningRehearsal, until } from './helpers.js';

const SIT = '815856636111';
const PROD = '093646564004';

describe('identity before touch: STS GetCallerIdentity before anything of an environment runs', () => {
  it('wrong-account: refuses PROD before its first step, with both ids and the profile; nothing of PROD runs', async () => {
    const r = await runningRehearsal({ scenario: 'wrong-account' });
    const c = r.conductor;
    await until(r, () => c.state.status === 'halted', 'the refusal');
    // The autopilot does not get past it: give the engine time to do anything more.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(c.state.status).toBe('halted');

    const summary = c.state.summary ?? '';
    expect(summary).toContain(WRONG_ACCOUNT);
    expect(summary).toContain(PROD);
    expect(summary).toContain('bbws-prod');
    expect(summary).toMatch(/^Refusing to touch PROD/);

    // SIT was proven before its first step; PROD was asked and refused.
    const checks = eventsOf(r, 'identity.checked');
    expect(checks[0]).toMatchObject({ env: 'sit', account: SIT, expected: SIT, ok: true, reason: 'phase' });
    expect(checks.at(-1)).toMatchObject({ env: 'prod', account: WRONG_ACCOUNT, expected: PROD, ok: false });
    expect(checks.filter((x) => x.env === 'prod' && x.ok)).toEqual([]);
    expect(requestsTo(r, 'sts', 'GetCallerIdentity').length).toBe(checks.length);

    // No step that acts on PROD started: not its phases' steps, nor a SIT-phase step with PROD's profile.
    const prodSteps = c.promotion.phases
      .flatMap((p) => p.steps)
      .filter((s) => environmentsOfStep(c.runbook, c.promotion, s.id).some((e) => e.id === 'prod'))
      .map((s) => s.id);
    expect(prodSteps).toContain('terraform-plan-prod');
    expect(prodSteps).toContain('terraform-apply-prod');
    const started = eventsOf(r, 'step.started').map((e) => e.step);
    expect(started.filter((s) => prodSteps.includes(s))).toEqual([]);
    // The refusal came right before the first of them.
    const firstProd = c.state.steps.find((s) => prodSteps.includes(s.id));
    expect(firstProd?.status).toBe('pending');
    expect(c.state.steps.filter((s) => s.status === 'passed').length).toBeGreaterThan(0);
    // No process of PROD started (no log), no notice, no traffic or any other PROD AWS call.
    const logs = readdirSync(c.dir).filter((f) => f.endsWith('.log'));
    expect(logs.filter((f) => prodSteps.some((s) => f.startsWith(`${s}.`)))).toEqual([]);
    expect(existsSync(join(c.dir, 'work', 'prod.tfplan'))).toBe(false);
    expect(eventsOf(r, 'notification.rendered')).toEqual([]);
    expect(r.sandbox.requests.filter((q) => q.service === 'lambda' || q.service === 'apigateway')).toEqual(
      [],
    );
    expect(journalOf(r).some((e) => e.type === 'phase.started' && e.phase !== 'pre-validation')).toBe(false);
  }, 120_000);

  it('healthy: SIT and PROD are proven before their first steps, and again right before the dangerous apply', async () => {
    const r = await runningRehearsal({ scenario: 'healthy' });
    const c = r.conductor;
    await until(
      r,
      () => c.state.steps.find((s) => s.id === 'terraform-apply-prod')?.status === 'passed',
      'the PROD terraform apply',
    );
    c.stop();
    const journal = journalOf(r);
    const index = (predicate: (e: (typeof journal)[number]) => boolean) => journal.findIndex(predicate);
    const firstStarted = (steps: string[]) =>
      index((e) => e.type === 'step.started' && steps.includes(e.step));
    const okCheck = (env: string) => index((e) => e.type === 'identity.checked' && e.env === env && e.ok);

    const sitSteps = c.promotion.phases.find((p) => p.id === 'pre-validation')!.steps.map((s) => s.id);
    expect(okCheck('sit')).toBeGreaterThan(-1);
    expect(okCheck('sit')).toBeLessThan(firstStarted(sitSteps));
    // PROD is checked before the first step that names its profile (still in the SIT phase).
    expect(okCheck('prod')).toBeLessThan(firstStarted(['terraform-validate-prod']));
    // And before the first step of each PROD phase, whatever its kind (approval, notice, deploy).
    for (const phase of ['approval', 'gonogo', 'announce', 'deploy']) {
      const check = index(
        (e) => e.type === 'identity.checked' && e.env === 'prod' && e.ok && e.phase === phase,
      );
      const begun = index((e) => e.type === 'phase.started' && e.phase === phase);
      expect(check, phase).toBeGreaterThan(-1);
      expect(check, phase).toBeLessThan(begun);
    }
    // Right before the dangerous step: a check after its confirmation, then it started.
    const confirmed = index((e) => e.type === 'dangerous.confirmed' && e.step === 'terraform-apply-prod');
    const dangerousCheck = index((e) => e.type === 'identity.checked' && e.reason === 'dangerous');
    const applied = index((e) => e.type === 'step.started' && e.step === 'terraform-apply-prod');
    expect(confirmed).toBeLessThan(dangerousCheck);
    expect(dangerousCheck).toBe(applied - 1);
    expect(eventsOf(r, 'identity.checked').every((e) => e.ok)).toBe(true);
  }, 120_000);
});
