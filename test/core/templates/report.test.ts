import { describe, expect, it } from 'vitest';
import { foldEvents } from '../../../src/core/session/state.js';
import { releaseReport } from '../../../src/core/templates/report.js';
import { reportChart } from '../../../src/core/templates/report-chart.js';
import { at, fixtureEvents, fixtureRunbook, fixtureState, UTC_PLUS_2 } from './report-fixture.js';

const verified = { ok: true, events: 48, message: '48 events, hash chain verified (last 0123456789ab)' };
const NOW = at(18, 0);

function report(ending: 'promoted' | 'rolled-back', chain = verified, rehearsal = false) {
  return releaseReport(fixtureRunbook(), fixtureState({ ending, rehearsal }), {
    chain,
    now: NOW,
    utcOffsetMinutes: UTC_PLUS_2,
    runbookHashNow: 'f'.repeat(64),
  });
}

/** The text of one `## ` section of the Markdown. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  expect(start, `section ${title}`).toBeGreaterThan(-1);
  const end = markdown.indexOf('\n## ', start + 4);
  return markdown.slice(start, end === -1 ? undefined : end);
}

describe('release report: header', () => {
  it('names the runbook, version, edge, environment, session, conductor, ticket, risk, window and outcome', () => {
    const { markdown, json } = report('promoted');
    const head = markdown.slice(0, markdown.indexOf('\n## '));
    expect(head).toContain('# Release report: v2024.12.25.1 SIT -> PROD');
    expect(head).toContain('**Outcome: PROMOTED** - v2024.12.25.1 promoted to PROD.');
    expect(head).toContain('| Runbook | Shop promotion (id shop, version 2.3) |');
    expect(head).toContain('(unchanged since the session started)');
    expect(head).toContain('| Version | v2024.12.25.1 (previous v2024.12.24.3) |');
    expect(head).toContain('| Edge | sit-to-prod: SIT to PROD |');
    expect(head).toContain(
      '| Environment | PROD (production), account 093646564004, region af-south-1, profile shop-prod |',
    );
    expect(head).toContain('arn:aws:sts::093646564004:assumed-role/deployer/maria');
    expect(head).toContain('| Session | 20251225-120000-abcd |');
    expect(head).toContain('| Conductor | maria |');
    expect(head).toContain('| Change ticket | CHG-1234 |');
    expect(head).toContain('| Risk | medium |');
    expect(head).toContain('| Window | 2025-12-25 14:00:00 UTC+2 to 2025-12-25 20:00:00 UTC+2 |');
    expect(head).toContain('| Rehearsal | no (real AWS) |');
    expect(head).toContain('| Started | 2025-12-25 14:00:00 UTC+2 |');
    expect(head).not.toContain('REHEARSAL');
    expect(json.header).toMatchObject({
      version: 'v2024.12.25.1',
      sessionId: '20251225-120000-abcd',
      outcome: 'promoted',
      environment: { accountId: '093646564004', region: 'af-south-1' },
      rehearsal: null,
    });
  });

  it('says loudly when the session was a rehearsal, and when the runbook changed since', () => {
    const { markdown } = releaseReport(
      fixtureRunbook(),
      fixtureState({ ending: 'promoted', rehearsal: true }),
      {
        chain: verified,
        now: NOW,
        runbookHashNow: 'e'.repeat(64),
      },
    );
    expect(markdown).toContain('> REHEARSAL on the built-in sandbox (scenario healthy, clock 60x)');
    expect(markdown).toContain('| Rehearsal | scenario healthy, speed 60x |');
    expect(markdown).toContain('**the file has changed since the session started**');
  });
});

describe('release report: timeline', () => {
  it('lists each phase with start, end and duration, then the milestones in time order', () => {
    const { markdown, json } = report('promoted');
    const timeline = section(markdown, 'Timeline');
    expect(timeline).toContain(
      '| Checks (checks) | prod | done | 2025-12-25 15:40:00 UTC+2 | 2025-12-25 15:45:00 UTC+2 | 5m |',
    );
    expect(timeline).toContain('| SIT sign-off (sit-gate) | sit | done |');
    const milestones = [
      'Session started by maria',
      'Tech Lead approved (Jane Doe (@jane.doe))',
      'Go/no-go: GO',
      'Canary stage 1 started at 10%',
      'Canary stage 2 started at 100%',
      'New version promoted to all traffic',
      'Session completed: promoted',
    ].map((text) => timeline.indexOf(text));
    expect(milestones.every((i) => i > -1)).toBe(true);
    expect([...milestones].sort((a, b) => a - b)).toEqual(milestones);
    expect(json.timeline.phases.find((p) => p.id === 'checks')?.durationMs).toBe(5 * 60_000);
  });
});

describe('release report: checklist with evidence', () => {
  it('shows each step with status, attempts, exit code, duration, log file name and its evidence against limits', () => {
    const { markdown, json } = report('promoted');
    const checklist = section(markdown, 'Checklist and evidence');
    expect(checklist).toContain('### Checks');
    expect(checklist).toContain(
      '| Unit tests for CHG-1234 (unit-tests) | command | passed | 2 | 0 | 52s | unit-tests.2.log | exit 0 in 52s; coverage 86.5% >= 80% |',
    );
    // The log is named, not where it lives on the conductor's disk.
    expect(checklist).not.toContain('/home/maria');
    expect(checklist).toContain('| Change ticket raised (change-ticket) | manual | passed |');
    expect(checklist).toContain('confirmed by maria; note: CHG-1234 raised');
    expect(checklist).toContain(
      '| unit-tests | coverage | coverage | 86.5 | >= 80% | ok | coverage 86.5% >= 80% |',
    );
    expect(checklist).toContain('| unit-tests | passed | tests-passed | 412 | - | ok |');
    const tests = json.checklist.find((s) => s.id === 'unit-tests');
    expect(tests).toMatchObject({
      attempts: 2,
      exitCode: 0,
      durationMs: 52_000,
      logFile: 'unit-tests.2.log',
    });
    expect(json.checklist.find((s) => s.id === 'canary')?.status).toBe('passed');
  });

  it('shows a failed evidence value as FAILED', () => {
    const runbook = fixtureRunbook();
    const state = fixtureState({ ending: 'promoted' });
    state.steps = state.steps.map((s) =>
      s.id === 'unit-tests'
        ? {
            ...s,
            evidence: [
              {
                id: 'coverage',
                fact: 'coverage',
                value: 72,
                limit: '>= 80%',
                ok: false,
                detail: 'coverage 72% < 80%',
              },
            ],
          }
        : s,
    );
    const { markdown } = releaseReport(runbook, state, { chain: verified, now: NOW });
    expect(markdown).toContain(
      '| unit-tests | coverage | coverage | 72 | >= 80% | FAILED | coverage 72% < 80% |',
    );
  });
});

describe('release report: approvals and go/no-go', () => {
  it('lists approvals with role, approver, time, comment and reference, the refusals and the escalations', () => {
    const { markdown, json } = report('promoted');
    const approvals = section(markdown, 'Approvals');
    expect(approvals).toContain(
      '| prod | prod-approval | Tech Lead | Jane Doe (@jane.doe) | 2025-12-25 16:45:00 UTC+2 | "Performance baseline met, ready for PROD" | CHG-1234 |',
    );
    expect(approvals).toContain(
      '| sit | sit-approval | Tech Lead | Jane Doe (@jane.doe) | 2025-12-25 15:30:00 UTC+2 |',
    );
    expect(approvals).toContain(
      '| prod-approval | infrastructure-lead | maria | 2025-12-25 16:30:00 UTC+2 | The conductor of the session may not approve it. |',
    );
    expect(approvals).toContain('- 2025-12-25 16:40:00 UTC+2 prod-approval: Call the Team Manager.');
    expect(json.approvals.records.map((r) => r.role)).toEqual([
      'tech-lead',
      'tech-lead',
      'infrastructure-lead',
    ]);
  });

  it('shows the go/no-go decision and every input with value, limit, verdict and reason', () => {
    const { markdown, json } = report('promoted');
    const gonogo = section(markdown, 'Go/no-go');
    expect(gonogo).toContain('**Decision: GO** (decide, 2025-12-25 17:02:00 UTC+2)');
    expect(gonogo).toContain('| Input | Value | Limit | Verdict | Reason |');
    expect(gonogo).toContain('| coverage | 86.5% | >= 80% | ok | Coverage meets the bar. |');
    expect(gonogo).toContain('- Coverage under 80% would give NO-GO.');
    expect(json.gonogo?.decision).toBe('GO');
  });

  it('says so when the promotion declares no go/no-go (approvals, ticket and window gated traffic)', () => {
    const runbook = structuredClone(fixtureRunbook());
    for (const promotion of runbook.promotions)
      for (const phase of promotion.phases) phase.steps = phase.steps.filter((s) => s.kind !== 'gonogo');
    const state = { ...fixtureState({ ending: 'promoted' }), gonogo: undefined };
    const { markdown, json } = releaseReport(runbook, state, {
      chain: verified,
      now: NOW,
      utcOffsetMinutes: UTC_PLUS_2,
      runbookHashNow: 'f'.repeat(64),
    });
    expect(section(markdown, 'Go/no-go')).toContain(
      'This promotion declares no go/no-go: approvals, the change ticket and the window gated traffic.',
    );
    expect(json.gonogoDeclared).toBe(false);
    expect(report('promoted').json.gonogoDeclared).toBe(true);
  });

  it('says so when the promotion has no canary step (DEV -> SIT deploys without splitting traffic)', () => {
    const runbook = structuredClone(fixtureRunbook());
    for (const promotion of runbook.promotions)
      for (const phase of promotion.phases) phase.steps = phase.steps.filter((s) => s.kind !== 'canary');
    const state = { ...fixtureState({ ending: 'promoted' }), canary: undefined };
    const { markdown, json } = releaseReport(runbook, state, {
      chain: verified,
      now: NOW,
      utcOffsetMinutes: UTC_PLUS_2,
      runbookHashNow: 'f'.repeat(64),
    });
    expect(section(markdown, 'Canary')).toContain(
      'This promotion has no canary step: its own steps deployed the release (see the checklist), and no traffic was split.',
    );
    expect(json.canaryDeclared).toBe(false);
    expect(report('promoted').json.canaryDeclared).toBe(true);
  });
});

describe('release report: canary', () => {
  it('says who sent the first traffic, or that nobody decided it', () => {
    const runbook = fixtureRunbook();
    const events = fixtureEvents({ ending: 'promoted' });
    const shift = events.findIndex((e) => e.type === 'traffic.shifted');
    const decided = [
      ...events.slice(0, shift),
      { type: 'canary.start.confirmed' as const, at: at(17, 7, 50), step: 'canary', weight: 10, by: 'maria' },
      ...events.slice(shift),
    ];
    const options = { chain: verified, now: NOW, utcOffsetMinutes: UTC_PLUS_2 };
    const withDecision = releaseReport(runbook, foldEvents(runbook, runbook.promotions[0], decided), options);
    expect(section(withDecision.markdown, 'Canary')).toContain(
      'First traffic sent on the decision of maria at 2025-12-25 17:07:50 UTC+2.',
    );
    expect(withDecision.json.canary?.startedBy).toEqual({ by: 'maria', at: at(17, 7, 50) });
    const without = releaseReport(runbook, foldEvents(runbook, runbook.promotions[0], events), options);
    expect(section(without.markdown, 'Canary')).toContain(
      'No decision to send the first traffic is recorded.',
    );
  });

  it('gives each stage its weight, hold, verdict, samples and worst error rate and p95 against the baseline', () => {
    const { markdown, json } = report('promoted');
    const canary = section(markdown, 'Canary');
    expect(canary).toContain('promoted to all traffic at 2025-12-25 17:40:00 UTC+2');
    expect(canary).toContain(
      '| 1 | 10% | 15m | 15m10s | PASS | 3 | shop-api:live | 0.42% vs 0.1% | 205 ms vs 180 ms |',
    );
    expect(canary).toContain(
      '| 2 | 100% | 15m | 15m | PASS | 2 | shop-api:live | 0.25% vs 0.1% | 185 ms vs 180 ms |',
    );
    expect(canary).toContain('### Stage 1: 10% of traffic');
    expect(canary).toContain('Samples: 3 (3 PASS).');
    expect(canary).toContain('Decision at 17:23:10: advance by maria (all green).');
    expect(canary).toContain('| shop-api:live | PASS | 1000 / 9000 | 0.42% vs 0.1% | 205 ms vs 180 ms |');
    expect(json.canary?.stages.map((s) => [s.weight, s.samples, s.verdict])).toEqual([
      [10, 3, 'PASS'],
      [100, 2, 'PASS'],
    ]);
    expect(json.canary?.stages[0].errorRatePct).toEqual({ canary: 0.42, baseline: 0.1, at: at(17, 18) });
    expect(json.canary?.stages[0].series.map((p) => p.canaryErrorRatePct)).toEqual([0.2, 0.42, 0.3]);
  });

  it('draws an ASCII chart of error rate and p95 for each stage, canary over baseline', () => {
    const { markdown } = report('promoted');
    const stage1 = markdown.slice(markdown.indexOf('### Stage 1'), markdown.indexOf('### Stage 2'));
    expect(stage1).toContain('```text\nError rate, shop-api:live  (─ canary  · baseline)');
    expect(stage1).toContain('p95 latency, shop-api:live  (─ canary  · baseline)');
    const chart = stage1.slice(stage1.indexOf('Error rate, shop-api'), stage1.indexOf('p95 latency'));
    // The top label is above the worst canary value; the line rises and falls.
    expect(chart).toMatch(/0\.4\d%/);
    expect(chart).toMatch(/[╭╮╰╯]/);
    expect(chart).toContain('·');
  });

  it('marks the stage a rollback interrupted', () => {
    const { markdown, json } = report('rolled-back');
    expect(section(markdown, 'Canary')).toContain(
      '| 2 | 100% | 15m | 7m | ROLLED-BACK | 1 | shop-api:live | 6.5% vs 0.1% | 240 ms vs 180 ms |',
    );
    expect(json.canary?.promoted).toBe(false);
  });
});

describe('release report: a session still running', () => {
  it('says it is in progress and that the current stage is still running', () => {
    const runbook = fixtureRunbook();
    const events = fixtureEvents({ ending: 'promoted' });
    const running = events.slice(
      0,
      events.findIndex((e) => e.type === 'canary.stage.completed' && e.stage === 1),
    );
    const { markdown, json } = releaseReport(runbook, foldEvents(runbook, runbook.promotions[0], running), {
      chain: verified,
      now: NOW,
    });
    expect(markdown).toContain('**Outcome: IN PROGRESS**');
    expect(section(markdown, 'Canary')).toContain('| 2 | 100% | 15m | running | RUNNING | 2 |');
    expect(section(markdown, 'Canary')).toContain('not promoted');
    expect(json.header.outcome).toBeNull();
  });
});

describe('release report: rollback', () => {
  it('says there was none when there was none', () => {
    expect(section(report('promoted').markdown, 'Rollback')).toContain('No rollback.');
  });

  it('gives the trigger, reason, who, revert duration, verification, target and post-rollback checks', () => {
    const { markdown, json } = report('rolled-back');
    const rollback = section(markdown, 'Rollback');
    expect(rollback).toContain('| Trigger | conductor |');
    expect(rollback).toContain('| Reason | error rate 6.5% at 100% |');
    expect(rollback).toContain('| By | maria |');
    expect(rollback).toContain('| Traffic reverted | 2025-12-25 17:31:01 UTC+2, in 850ms |');
    expect(rollback).toContain('| Revert verified | yes |');
    expect(rollback).toContain('| Rolled back to | shop-api:live v41 (canary was v42) |');
    expect(rollback).toContain('| Split after | shop-api:live -> v41 |');
    expect(rollback).toContain(
      '| health-after | passed | 2025-12-25 17:33:00 UTC+2 | health 200 after rollback |',
    );
    expect(markdown).toContain('**Outcome: ROLLED-BACK** - Rolled back v2024.12.25.1 on PROD.');
    expect(json.rollback).toMatchObject({
      trigger: 'conductor',
      by: 'maria',
      revertDurationMs: 850,
      verified: true,
    });
  });
});

describe('release report: notifications, AWS, warnings', () => {
  it('renders each notification with its channel and text, and never a webhook URL', () => {
    const { markdown, json } = report('promoted');
    const notifications = section(markdown, 'Notifications');
    expect(notifications).toContain(
      '### 2025-12-25 17:05:00 UTC+2 to #ops-alerts (started, failed: HTTP 500 from Slack)',
    );
    expect(notifications).toContain('Deploying v2024.12.25.1');
    expect(markdown).not.toContain('hooks.slack.com');
    expect(JSON.stringify(json)).not.toContain('hooks.slack.com');
    expect(JSON.stringify(json)).not.toContain('XXXXSECRET');
  });

  it('counts AWS retries and errors and lists warnings', () => {
    const { markdown, json } = report('rolled-back');
    expect(section(markdown, 'AWS calls')).toContain('Retries: 2. Errors: 1.');
    expect(section(markdown, 'AWS calls')).toContain('GetMetricData: CloudWatch timed out after 10s');
    expect(section(markdown, 'Warnings')).toContain('- CloudWatch answered late twice.');
    expect(json.aws).toMatchObject({ retries: 2, errors: 1 });
    expect(section(report('promoted').markdown, 'AWS calls')).toContain('Retries: 2. Errors: 0.');
  });
});

describe('release report: the journal', () => {
  it('says the hash chain was verified', () => {
    const { markdown, json } = report('promoted');
    expect(section(markdown, 'Journal')).toContain(
      'Hash chain verified: 48 events, hash chain verified (last 0123456789ab).',
    );
    expect(markdown).not.toContain('DOES NOT VERIFY');
    expect(json.chain.ok).toBe(true);
  });

  it('says so at the top and at the end when the chain does not hold', () => {
    const broken = { ok: false, events: 20, message: 'journal:21: the hash chain does not hold.' };
    const { markdown, json } = report('promoted', broken);
    expect(markdown.split('\n').slice(0, 5).join('\n')).toContain('**WARNING: THE JOURNAL DOES NOT VERIFY.');
    expect(section(markdown, 'Journal')).toContain(
      '**HASH CHAIN NOT VERIFIED: journal:21: the hash chain does not hold.**',
    );
    expect(json.chain.ok).toBe(false);
  });
});

describe('report chart', () => {
  it('bridges windows without data and says when there is none at all', () => {
    const chart = reportChart({
      title: 'Error rate',
      unit: '%',
      canary: [0.1, null, 0.3],
      baseline: [0.1, 0.1, 0.1],
    });
    expect(chart.split('\n')[0]).toBe('Error rate  (─ canary  · baseline)');
    expect(chart.split('\n').length).toBeGreaterThan(5);
    expect(reportChart({ title: 'p95', unit: 'ms', canary: [null], baseline: [] })).toBe('p95: no data');
  });

  it('fits a long series into the width, keeping the worst value of each column', () => {
    const canary = Array.from({ length: 200 }, (_, i) => (i === 137 ? 9 : 1));
    const chart = reportChart({
      title: 'Error rate',
      unit: '%',
      canary,
      baseline: canary.map(() => 1),
      width: 40,
    });
    const rows = chart.split('\n').slice(1);
    expect(Math.max(...rows.map((r) => r.length))).toBeLessThanOrEqual(40 + 8);
    // The single spike survives the fitting: the top plotted row holds a canary corner.
    expect(rows.slice(0, 3).join('')).toMatch(/[╭╮]/);
  });
});
