import { describe, expect, it } from 'vitest';
import { useConductorHome } from './flows.js';
import { eventsOf, type TerminalSession } from './terminal.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** "2026-11-29 15:02" in UTC, as the Home form reads a maintenance window. */
const utcMinute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** A maintenance window open from a few minutes ago for three days: traffic may move all along. */
function openWindow(now = Date.now()): string {
  return `${utcMinute(now - 5 * 60_000)} - ${utcMinute(now + 3 * 24 * 3_600_000)}`;
}

/** Confirms the selected manual checklist item with space, typing its evidence note. */
async function confirmItem(app: TerminalSession, title: string, note: string): Promise<void> {
  // The item is selected: its full title stands over the "space: mark done" hint (the phase
  // rail may fill the start of both lines).
  await app.waitForText(new RegExp(`${escapeRegExp(title)}[^\\n]*\\n[^\\n]*space: mark done`), 60_000);
  await app.press('space');
  await app.waitForText(`Confirm: ${title}`, 10_000);
  await app.type(note);
  await app.press('enter');
  await app.waitForNoText(`Confirm: ${title}`, 10_000);
}

/** Records one approval through the form: approver, the role the form offers, a comment. */
async function approve(app: TerminalSession, approver: string, role: string, comment: string): Promise<void> {
  await app.waitForText('a or enter: record an approval', 30_000);
  await app.press('a');
  await app.waitForText('Record an approval', 10_000);
  await app.type(approver);
  await app.press('tab');
  // The form offers the first role still waiting; the test says which one it expects.
  await app.waitForText(`‹ ${role} ›`, 5_000);
  await app.press('tab');
  await app.type(comment);
  await app.press('enter');
  await app.waitForText(`Approval by ${approver} as ${role} recorded.`, 10_000);
}

/** Answers the end-of-stage question of canary stage `n` (1-based) with "advance". */
async function advanceStage(app: TerminalSession, n: number, weight: number): Promise<void> {
  await app.waitForText(`Stage ${n} (${weight}%) needs a decision`, 90_000);
  await app.press('enter');
  await app.waitForText(`Stage ${n} (${weight}%): what now?`, 10_000);
  await app.choose('choice', 'advance');
  await app.press('enter');
  await app.waitForNoText(`Stage ${n} (${weight}%): what now?`, 10_000);
}

describe('a healthy rehearsal from the home screen to the summary, answered with keys', () => {
  const e2e = useConductorHome();

  it('promotes v2026.11.29.1 to PROD', async () => {
    const { home } = e2e;
    const app = e2e.startRehearsal({ speed: 300 });

    // Home: nothing to resume yet; start a promotion from the form.
    const homeScreen = await app.waitForText('Press s to start a promotion', 30_000);
    expect(homeScreen).toContain('REHEARSAL scenario healthy · clock ×300');
    await app.press('s');
    await app.waitForText('Start a promotion', 10_000);
    const form = app.screenText();
    expect(form).toContain('‹ sit-to-prod ›');
    expect(form).toContain('v2026.11.29.1');
    expect(form).toContain('CHG-2041');
    await app.press('tab', 'tab', 'tab', 'tab', 'tab');
    await app.waitForText('▸ maintenance window', 5_000);
    await app.type(openWindow());
    await app.press('enter');

    // Pre-promotion: the runner does the checks and commands; the person confirms the rest.
    await app.waitForText('Pre-promotion validation', 60_000);
    await confirmItem(app, 'No critical CloudWatch alerts in SIT', 'dashboards green at 14:55');
    await confirmItem(app, 'No drift, IAM/VPC consistent', 'terraform plan: no changes outside the release');
    await confirmItem(app, 'PROD change ticket', 'CHG-2041');

    // Approvals: two different people, one per required role.
    await app.waitForText('Tech Lead and Infrastructure Lead approve', 60_000);
    await approve(app, '@alice', 'Tech Lead', 'tests and coverage reviewed');
    await approve(app, '@bob', 'Infrastructure Lead', 'plan reviewed');

    // The go/no-go matrix decides from the evidence on its own; the announcement needs a person.
    await confirmItem(app, 'Customers told 24 hours ahead', 'status page notice posted');

    // The dangerous PROD apply shows its exact argv, environment and account, and asks first.
    await app.waitForText('DANGEROUS: this changes PROD. Enter to review and run.', 60_000);
    await app.press('enter');
    const danger = await app.waitForText('enter  run it', 10_000);
    expect(danger).toContain('$ terraform apply prod.tfplan');
    expect(danger).toContain('AWS account 093646564004 (PROD)');
    expect(danger).toContain('ENVIRONMENT=prod');
    await app.press('enter');

    // The canary starts on a decision: the first stage's weight, every target and the account.
    const start = await app.waitForText('enter: start the canary', 60_000);
    expect(start).toContain('Start the canary? 10% of PROD traffic moves to v2026.11.29.1.');
    expect(start).toContain('Lambda bbws-prod-auth-lambda alias prod');
    expect(start).toContain('AWS account 093646564004 (PROD)');
    expect(start).not.toContain('ABORT & ROLL BACK');
    await app.press('enter');

    // Every stage asks before it goes on (advance: confirm in the runbook).
    await app.waitForText('ABORT & ROLL BACK', 60_000);
    await advanceStage(app, 1, 10);
    await advanceStage(app, 2, 25);
    await advanceStage(app, 3, 50);
    await advanceStage(app, 4, 100);

    // Final validation in PROD, the monitoring window, then the closing announcement.
    await confirmItem(app, 'Custom domain routing, firewall rules', 'WAF and DLQ checked');
    await app.waitForText('Watch PROD for 2 hours', 60_000);
    await confirmItem(app, 'Customers told (email, in-app message', 'release notes sent');

    const summary = await app.waitForText(/ PROMOTED$/m, 90_000);
    app.show('summary');
    expect(summary).toContain('v2026.11.29.1 promoted to PROD; every step passed.');
    expect(summary).toContain('2 approvals');
    // Each stage's verdict as judged: a healthy canary at 10% can show one WATCH sample (three
    // errors in 400 requests), which the person advanced past; never a breach.
    expect(summary).toMatch(/canary 10% (PASS|WATCH) → 25% (PASS|WATCH)/);
    expect(eventsOf(home, 'canary.stage.completed').map((e) => e.verdict)).not.toContainEqual(
      expect.stringMatching(/NO-GO|ROLLBACK/),
    );

    // The journal holds what was answered, by whom.
    expect(eventsOf(home, 'session.completed')[0]?.outcome).toBe('promoted');
    const approvals = eventsOf(home, 'approval.recorded').map((e) => [e.approver, e.role]);
    expect(approvals).toEqual([
      ['@alice', 'tech-lead'],
      ['@bob', 'infrastructure-lead'],
    ]);
    expect(eventsOf(home, 'step.confirmed').map((e) => e.note)).toEqual([
      'dashboards green at 14:55',
      'terraform plan: no changes outside the release',
      'CHG-2041',
      'status page notice posted',
      'WAF and DLQ checked',
      'release notes sent',
    ]);
    expect(eventsOf(home, 'dangerous.confirmed')).toHaveLength(1);
    expect(eventsOf(home, 'canary.start.confirmed')).toHaveLength(1);
    expect(eventsOf(home, 'canary.stage.choice').map((e) => e.choice)).toEqual([
      'advance',
      'advance',
      'advance',
      'advance',
    ]);
    expect(eventsOf(home, 'window.overridden')).toHaveLength(0);

    // Leaving the summary ends the program and gives the terminal back.
    await app.press('enter');
    expect((await app.waitForExit(30_000)).exitCode).toBe(0);
    expect(app.onAltScreen).toBe(false);
  }, 420_000);
});
