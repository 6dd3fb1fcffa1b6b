import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../src/core/session/events.js';
import { foldEvents } from '../../../src/core/session/state.js';
import { releaseReport } from '../../../src/core/templates/report.js';
import { at, fixtureEvents, fixtureRunbook, UTC_PLUS_2 } from './report-fixture.js';

const chain = { ok: true, events: 50, message: '50 events, hash chain verified' };

function reportWith(extra: SessionEvent[]) {
  const runbook = fixtureRunbook();
  const promotion = runbook.promotions.find((p) => p.id === 'sit-to-prod') ?? runbook.promotions[0];
  const events = [...fixtureEvents({ ending: 'promoted' }), ...extra].sort((a, b) => a.at - b.at);
  const state = foldEvents(runbook, promotion, events);
  return releaseReport(runbook, state, { chain, now: at(18, 0), utcOffsetMinutes: UTC_PLUS_2 });
}

function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  expect(start, `section ${title}`).toBeGreaterThan(-1);
  const end = markdown.indexOf('\n## ', start + 4);
  return markdown.slice(start, end === -1 ? undefined : end);
}

describe('release report: identity checks', () => {
  it('lists each check with the environment, profile, both accounts, the result and why it was made', () => {
    const { markdown, json } = reportWith([
      {
        type: 'identity.checked',
        at: at(16, 0),
        env: 'prod',
        expected: '093646564004',
        account: '210987654321',
        arn: 'arn:aws:sts::210987654321:assumed-role/x',
        profile: 'shop-prod',
        ok: false,
        reason: 'phase',
        phase: 'deploy',
        step: 'apply',
      },
      {
        type: 'identity.checked',
        at: at(16, 1),
        env: 'prod',
        expected: '093646564004',
        account: '093646564004',
        profile: 'shop-prod',
        ok: true,
        reason: 'resumed',
      },
    ]);
    const text = section(markdown, 'Identity checks');
    expect(text).toContain(
      '| 2025-12-25 16:00:00 UTC+2 | PROD | shop-prod | 093646564004 | 210987654321 | **REFUSED** | first step of the phase | apply |',
    );
    expect(text).toContain('| 093646564004 | 093646564004 | ok | after a resume |');
    expect(json.identityChecks.map((c) => [c.account, c.ok])).toEqual([
      ['210987654321', false],
      ['093646564004', true],
    ]);
  });

  it('says so when no check was made', () => {
    expect(section(reportWith([]).markdown, 'Identity checks')).toContain('None were made.');
  });
});
