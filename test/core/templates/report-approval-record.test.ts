import { describe, expect, it } from 'vitest';
import { foldEvents } from '../../../src/core/session/state.js';
import { approvalRecord } from '../../../src/core/templates/approval-record.js';
import { fixtureEvents, fixtureRunbook, fixtureState, UTC_PLUS_2 } from './report-fixture.js';

describe('approval record (seed 6.4)', () => {
  it('is written in the format of the seed template, per environment, in the given zone', () => {
    const text = approvalRecord(fixtureRunbook(), fixtureState({ ending: 'promoted' }), {
      utcOffsetMinutes: UTC_PLUS_2,
    });
    expect(text).toBe(
      [
        'Promotion: v2024.12.25.1 (SIT → PROD)',
        'Date: 2025-12-25 14:00:00 UTC+2',
        '',
        'SIT Approval:',
        '- Tech Lead: Jane Doe (@jane.doe)',
        '  Approved: 2025-12-25 15:30:00',
        '  Comment: "Code quality excellent, all tests passing"',
        '  Recorded by the conductor (not signed)',
        '',
        'PROD Approval:',
        '- Tech Lead: Jane Doe (@jane.doe)',
        '  Approved: 2025-12-25 16:45:00',
        '  Comment: "Performance baseline met, ready for PROD"',
        '  Recorded by the conductor (not signed)',
        '',
        '- Infrastructure Lead: John Smith (@john.smith)',
        '  Approved: 2025-12-25 17:00:00',
        '  Comment: "Infrastructure ready, capacity verified"',
        '  Recorded by the conductor (not signed)',
        '',
      ].join('\n'),
    );
  });

  it('writes UTC by default and says when a gate has no approval yet', () => {
    const runbook = fixtureRunbook();
    const events = fixtureEvents({ ending: 'promoted' }).filter(
      (e) => !(e.type === 'approval.recorded' && e.step === 'prod-approval'),
    );
    const text = approvalRecord(runbook, foldEvents(runbook, runbook.promotions[0], events));
    expect(text).toContain('Date: 2025-12-25 12:00:00 UTC\n');
    expect(text).toContain('  Approved: 2025-12-25 13:30:00\n');
    expect(text).toMatch(/PROD Approval:\n- none recorded\n/);
  });

  it('marks approvals given in a rehearsal as approving nothing', () => {
    const text = approvalRecord(fixtureRunbook(), fixtureState({ ending: 'promoted', rehearsal: true }));
    expect(text).toMatch(/Rehearsal \(scenario healthy, 60x\): .*approve nothing\.\n$/);
  });
});
