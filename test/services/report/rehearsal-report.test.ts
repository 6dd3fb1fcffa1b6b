import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ReleaseReportData } from '../../../src/core/templates/report.js';
import { writeSessionReports } from '../../../src/services/report/index.js';
import { rehearse, until } from '../../engine/helpers.js';

/** The text of one `## ` section of the Markdown. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  expect(start, `section ${title}`).toBeGreaterThan(-1);
  const end = markdown.indexOf('\n## ', start + 4);
  return markdown.slice(start, end === -1 ? undefined : end);
}

describe('the report of a rehearsed session', () => {
  it('a healthy promotion: every section present with the values the session produced', async () => {
    const r = await rehearse({ scenario: 'healthy' });
    void r.conductor.start();
    await until(r, () => r.conductor.state.status === 'completed', 'the promotion');
    const id = r.conductor.state.meta.sessionId;
    const { files, chainOk } = await writeSessionReports(r.store, id, { utcOffsetMinutes: 0 });
    expect(chainOk).toBe(true);
    const [record, markdown, json] = files.map((f) => readFileSync(f, 'utf8'));
    const data = JSON.parse(json) as ReleaseReportData;
    const s = r.conductor.state;

    // Approval record (seed 6.4)
    expect(record).toMatch(
      new RegExp(
        `^Promotion: ${s.meta.version} \\(SIT → PROD\\)\\nDate: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\n`,
      ),
    );
    expect(record).toContain('PROD Approval:\n- Tech Lead: @rehearsal-tech-lead\n  Approved: ');
    expect(record).toContain('- Infrastructure Lead: @rehearsal-infrastructure-lead\n  Approved: ');

    // Header
    expect(markdown).toContain(`# Release report: ${s.meta.version} SIT -> PROD`);
    expect(markdown).toContain('> REHEARSAL on the built-in sandbox (scenario healthy, clock 600x)');
    expect(markdown).toContain('**Outcome: PROMOTED**');
    expect(markdown).toContain(`| Session | ${id} |`);
    expect(markdown).toContain(
      '| Environment | PROD (production), account 093646564004, region af-south-1, profile bbws-prod |',
    );
    expect(markdown).toContain(`| Change ticket | ${s.meta.ticket} |`);
    expect(data.header).toMatchObject({
      sessionId: id,
      outcome: 'promoted',
      rehearsal: { scenario: 'healthy', speed: 600 },
    });

    // Timeline: every phase done, with a duration
    const timeline = section(markdown, 'Timeline');
    for (const phase of s.phases)
      expect(timeline).toContain(`| ${phase.title} (${phase.id}) | ${phase.environment} | done |`);
    expect(data.timeline.phases.every((p) => p.durationMs !== null && p.durationMs >= 0)).toBe(true);

    // Checklist with evidence: the real coverage read from the rehearsal's tools, a log file by name
    const checklist = section(markdown, 'Checklist and evidence');
    expect(checklist).toMatch(
      /\| Backend unit tests with coverage \(backend-tests\) \| command \| passed \| 1 \| 0 \| [\d.]+m?s \| backend-tests\.1\.log \|/,
    );
    expect(checklist).toMatch(
      /\| backend-tests \| backend-coverage \| coverage \| \d+(\.\d+)? \| >= 80% \| ok \|/,
    );
    expect(data.checklist).toHaveLength(s.steps.length);
    expect(data.checklist.every((step) => step.status === 'passed')).toBe(true);

    // Approvals: both PROD roles
    expect(data.approvals.records.map((a) => a.role).sort()).toEqual(['infrastructure-lead', 'tech-lead']);
    expect(section(markdown, 'Approvals')).toContain(
      '| prod | prod-approval | Tech Lead | @rehearsal-tech-lead |',
    );

    // Go/no-go: a GO (with extra monitoring for the medium risk), every input in the table
    expect(data.gonogo?.decision).toMatch(/^GO/);
    const gonogo = section(markdown, 'Go/no-go');
    expect(gonogo).toContain(`**Decision: ${data.gonogo?.decision}**`);
    for (const input of ['coverage', 'tests', 'performance', 'approvals', 'risk'])
      expect(gonogo).toContain(`| ${input} |`);

    // Canary: four stages 10/25/50/100 that passed, with samples, values and charts
    expect(data.canary?.stages.map((st) => st.weight)).toEqual([10, 25, 50, 100]);
    expect(data.canary?.promoted).toBe(true);
    const canary = section(markdown, 'Canary');
    for (const stage of data.canary?.stages ?? []) {
      // A stage the autopilot advanced passed. One it extended (a STALE poll on a busy machine, see
      // below) ends on its worst sample, and a healthy canary may have had a WATCH one.
      expect(stage.verdict).toEqual(stage.extendedMs > 0 ? expect.stringMatching(/^(PASS|WATCH)$/) : 'PASS');
      expect(stage.samples).toBeGreaterThan(3);
      expect(stage.errorRatePct.canary).not.toBeNull();
      expect(stage.p95Ms.canary).toBeGreaterThan(0);
      expect(stage.p95Ms.baseline).toBeGreaterThan(0);
      expect(canary).toMatch(
        new RegExp(
          // The hold, and any extension the autopilot chose (a STALE poll on a busy machine): "15m +15m".
          `\\| ${stage.number} \\| ${stage.weight}% \\| 15m( \\+\\d+m)* \\| [\\dms]+ \\| ${stage.verdict} \\| ${stage.samples} \\| `,
        ),
      );
      expect(canary).toContain(`### Stage ${stage.number}: ${stage.weight}% of traffic`);
    }
    expect(canary.match(/Error rate, .* \(─ canary {2}· baseline\)/g)?.length).toBeGreaterThanOrEqual(4);
    expect(canary.match(/p95 latency, .* \(─ canary {2}· baseline\)/g)?.length).toBeGreaterThanOrEqual(4);

    // Rollback, notifications, AWS, warnings, journal
    expect(section(markdown, 'Rollback')).toContain('No rollback.');
    expect(data.notifications.length).toBe(s.notifications.length);
    expect(section(markdown, 'Notifications')).toContain('to #devops-alerts (prod-deployment-scheduled');
    expect(section(markdown, 'AWS calls')).toContain(`Retries: ${s.retries}. Errors: ${s.awsErrors.length}.`);
    section(markdown, 'Warnings');
    expect(section(markdown, 'Journal')).toMatch(/Hash chain verified: \d+ events, hash chain verified/);
    expect(data.chain.events).toBe(r.store.readEvents(id).length);
  }, 150_000);

  it('an error spike: the rollback section tells what happened', async () => {
    const r = await rehearse({ scenario: 'error-spike' });
    void r.conductor.start();
    await until(r, () => r.conductor.state.status === 'completed', 'the rollback');
    const { files } = await writeSessionReports(r.store, r.conductor.state.meta.sessionId);
    const markdown = readFileSync(files[1], 'utf8');
    const data = JSON.parse(readFileSync(files[2], 'utf8')) as ReleaseReportData;
    expect(data.header.outcome).toBe('rolled-back');
    const rollback = section(markdown, 'Rollback');
    expect(rollback).toContain(`| Trigger | ${r.conductor.state.rollback?.trigger} |`);
    expect(rollback).toMatch(/\| Traffic reverted \| .*, in [\d.]+m?s \|/);
    expect(rollback).toContain('| Revert verified | yes |');
    expect(rollback).toContain('### Post-rollback checks');
    expect(data.rollback?.checks.length).toBeGreaterThan(0);
    expect(data.canary?.stages.at(-1)?.verdict).toBe('ROLLED-BACK');
    expect(section(markdown, 'Canary')).toContain('ROLLED-BACK');
  }, 150_000);
});
