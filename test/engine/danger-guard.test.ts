import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canaryWeightAtSandbox, journalOf, rehearse, relaxedSeedText, tempHome, until } from './helpers.js';

const HOUR = 3_600_000;

/**
 * Issue #11, points 2 and 3, through the real engine against the sandbox: the PROD terraform apply
 * passes the guard traffic passes (refused before the window opens, run after an override with a
 * reason, journaled), and the first traffic moves only on the decision to start the canary.
 */
describe('every dangerous step is gated like traffic; the canary starts on a decision', () => {
  it('refuses terraform-apply-prod before the window opens, runs it after an override with a reason', async () => {
    const clockStart = Math.floor(Date.now() / 60_000) * 60_000;
    const r = await rehearse({
      scenario: 'healthy',
      clockStart,
      // Opens in two days: no autopilot run reaches it by itself.
      window: { start: clockStart + 48 * HOUR, end: clockStart + 52 * HOUR },
    });
    const c = r.conductor;
    void c.start();
    await until(
      r,
      () => c.waiting?.kind === 'traffic-guard' && c.waiting.step === 'terraform-apply-prod',
      'the guard holding the PROD apply',
    );
    expect(c.waiting?.message).toMatch(/maintenance window/);
    const apply = () => c.state.steps.find((s) => s.id === 'terraform-apply-prod');
    expect(apply()?.attempts).toBe(0);
    expect(journalOf(r).some((e) => e.type === 'step.started' && e.step === 'terraform-apply-prod')).toBe(
      false,
    );
    expect(canaryWeightAtSandbox(r)).toBe(0);

    // A blank reason is no override: still held.
    expect(c.overrideWindow('  ')).toMatch(/needs a reason/);
    expect(c.overrideWindow('CAB approved the early start, INC-77')).toBeUndefined();
    await until(r, () => c.state.recordedWeight > 0, 'the first traffic after the override');

    const events = journalOf(r);
    const at = (predicate: (e: (typeof events)[number]) => boolean) => events.findIndex(predicate);
    const overridden = at((e) => e.type === 'window.overridden');
    const started = at((e) => e.type === 'step.started' && e.step === 'terraform-apply-prod');
    const applied = at(
      (e) => e.type === 'step.completed' && e.step === 'terraform-apply-prod' && e.outcome === 'passed',
    );
    const decided = at((e) => e.type === 'canary.start.confirmed');
    const shifted = at((e) => e.type === 'traffic.shifted');
    expect(events[overridden]).toMatchObject({ reason: 'CAB approved the early start, INC-77' });
    expect(overridden).toBeGreaterThan(-1);
    expect(overridden).toBeLessThan(started);
    expect(started).toBeLessThan(applied);
    // No traffic before the decision to start the canary, which the autopilot gave as a person would.
    expect(applied).toBeLessThan(decided);
    expect(decided).toBeLessThan(shifted);
    expect(events[decided]).toMatchObject({ step: 'prod-canary', weight: 10, by: 'rehearsal-autopilot' });
  }, 120_000);

  it('without the autopilot, the first traffic waits for the person to start the canary', async () => {
    const r = await rehearse({ scenario: 'healthy' });
    const c = r.conductor;
    // Everything up to the PROD apply answered by the autopilot; from its start the person is at the keys.
    c.subscribeEvents((e) => {
      if (e.type === 'step.started' && e.step === 'terraform-apply-prod') c.options.autopilot = false;
    });
    void c.start();
    await until(r, () => c.waiting?.kind === 'canary-start', 'the canary start question');
    if (c.waiting?.kind !== 'canary-start') throw new Error('no question');
    expect(c.waiting.message).toMatch(/10% of PROD traffic/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(c.state.recordedWeight).toBe(0);
    expect(canaryWeightAtSandbox(r)).toBe(0);
    expect(journalOf(r).some((e) => e.type === 'traffic.shifted')).toBe(false);
    expect(c.confirmCanaryStart('@carol')).toBeUndefined();
    await until(r, () => c.state.recordedWeight === 10, 'the first stage');
    const events = journalOf(r);
    const decided = events.findIndex((e) => e.type === 'canary.start.confirmed');
    expect(events[decided]).toMatchObject({ by: '@carol', weight: 10 });
    expect(decided).toBeLessThan(events.findIndex((e) => e.type === 'traffic.shifted'));
  }, 120_000);

  it('with start: automatic in the runbook, the first traffic moves once the guard allows, unasked', async () => {
    const text = relaxedSeedText();
    const advance = '            advance: confirm\n';
    expect(text).toContain(advance);
    const runbookFile = join(tempHome(), 'bbws.yaml');
    writeFileSync(runbookFile, text.replace(advance, `${advance}            start: automatic\n`));
    const r = await rehearse({ scenario: 'healthy', runbookFile });
    const c = r.conductor;
    c.subscribeEvents((e) => {
      if (e.type === 'step.started' && e.step === 'terraform-apply-prod') c.options.autopilot = false;
    });
    void c.start();
    await until(r, () => c.state.recordedWeight === 10, 'the first stage');
    expect(journalOf(r).some((e) => e.type === 'canary.start.confirmed')).toBe(false);
  }, 120_000);
});
