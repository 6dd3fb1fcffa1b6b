import { describe, expect, it } from 'vitest';
import { rehearsalVersion } from '../../src/core/gates/rehearsal-version.js';
import { approve, confirmItem, openWindow } from './by-hand.js';
import { useConductorHome } from './flows.js';
import { eventsOf, type TerminalSession } from './terminal.js';

/** Answers the end-of-stage question of canary stage `n` (1-based) with "advance". */
async function advanceStage(app: TerminalSession, n: number, weight: number): Promise<void> {
  await app.waitForText(`Stage ${n} (${weight}%) needs a decision`, 90_000);
  await app.press('enter');
  await app.waitForText(`Stage ${n} (${weight}%): what now?`, 10_000);
  await app.choose('choice', 'advance');
  await app.press('enter');
  await app.waitForNoText(`Stage ${n} (${weight}%): what now?`, 10_000);
}

const SPEED = 120;
/**
 * Stages of 5 minutes and 30 minutes of monitoring instead of the shipped 15 and 120: every sample
 * judged at x120 still, the walk through four stages and the monitoring a minute shorter.
 */
const CANARY_MINUTES = { hold: 5, monitor: 30 };
/** The monitoring window in real milliseconds at SPEED. */
const MONITOR_REAL_MS = (CANARY_MINUTES.monitor * 60_000) / SPEED;

describe('a healthy rehearsal from the home screen to the summary, answered with keys', () => {
  const e2e = useConductorHome();

  it("promotes today's rehearsal version to PROD", async () => {
    const { home } = e2e;
    // The form offers a version made from the rehearsal's date, not one from any team's runbook.
    const version = rehearsalVersion(Date.now());
    // x120, not faster: at x300 a poll has 0.2 real s to be answered, and on two busy cores most
    // samples were STALE; a stage that cannot judge its samples does not offer advance.
    const app = e2e.startRehearsal({ speed: SPEED, runbook: { canaryMinutes: CANARY_MINUTES } });

    // Home: nothing to resume yet; start a promotion from the form.
    await app.waitForText(
      ['Press s to start a promotion', 'REHEARSAL scenario healthy · clock ×120'],
      30_000,
    );
    await app.press('s');
    // The form opens with the runbook's defaults filled in.
    await app.waitForText(['Start a promotion', '‹ sit-to-prod ›', version, 'CHG-2041'], 10_000);
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
    await app.waitForText(
      [
        'enter  run it',
        '$ terraform apply prod.tfplan',
        'AWS account 093646564004 (PROD)',
        'ENVIRONMENT=prod',
      ],
      10_000,
    );
    await app.press('enter');

    // The canary starts on a decision: the first stage's weight, every target and the account.
    const start = await app.waitForText(
      [
        'enter: start the canary',
        `Start the canary? 10% of PROD traffic moves to ${version}.`,
        'Lambda bbws-prod-auth-lambda alias prod',
        'AWS account 093646564004 (PROD)',
      ],
      60_000,
    );
    // Nothing is shifted yet: no abort key (the key bar and the question come from the same state).
    expect(start).not.toContain('ABORT & ROLL BACK');
    await app.press('enter');

    // Every stage asks before it goes on (advance: confirm in the runbook).
    await app.waitForText('ABORT & ROLL BACK', 60_000);
    await advanceStage(app, 1, 10);
    await advanceStage(app, 2, 25);
    await advanceStage(app, 3, 50);
    await advanceStage(app, 4, 100);

    // Final validation in PROD, the monitoring window, then the closing announcement.
    // Seven AWS CLI smoke commands run first, real processes whose time the clock does not shorten:
    // on two busy cores each has taken 10 s.
    await confirmItem(app, 'Custom domain routing, firewall rules', 'WAF and DLQ checked', 240_000);
    await app.waitForText(`Watch PROD for ${CANARY_MINUTES.monitor} minutes`, 60_000);
    // The monitoring runs its clock minutes first, and a wait of only that long ran out as the
    // window closed (CI, 2026-12-02). Give it the window twice over.
    await confirmItem(
      app,
      'Customers told (email, in-app message',
      'release notes sent',
      2 * MONITOR_REAL_MS,
    );

    await app.waitForText(
      [
        / PROMOTED$/m,
        `${version} promoted to PROD; every step passed.`,
        '2 approvals',
        // Each stage's verdict as judged: a healthy canary at 10% can show one WATCH sample (three
        // errors in 400 requests), which the person advanced past; never a breach.
        /canary 10% (PASS|WATCH) → 25% (PASS|WATCH)/,
      ],
      90_000,
    );
    app.show('summary');
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
  }, 600_000);
});
