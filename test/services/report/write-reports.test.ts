import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSessionForReport, writeSessionReports } from '../../../src/services/report/index.js';
import { SessionStore } from '../../../src/services/store/session-store.js';
import { UTC_PLUS_2 } from '../../core/templates/report-fixture.js';
import { tamperWithJournal, writeFixtureSession } from './fixture-session.js';

describe('writeSessionReports', () => {
  it('writes the approval record, report.md and report.json into the session folder, readable only by the owner', async () => {
    const session = writeFixtureSession({ ending: 'rolled-back' });
    const { files, chainOk } = await writeSessionReports(session.store, session.id, {
      now: Date.UTC(2025, 11, 25, 16),
      utcOffsetMinutes: UTC_PLUS_2,
    });
    expect(chainOk).toBe(true);
    expect(files.map((f) => basename(f))).toEqual(['approval-record.txt', 'report.md', 'report.json']);
    for (const file of files) {
      expect(file.startsWith(session.store.dir(session.id))).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
    const record = readFileSync(files[0], 'utf8');
    expect(record).toContain('Promotion: v2024.12.25.1 (SIT → PROD)\nDate: 2025-12-25 14:00:00 UTC+2\n');
    expect(record).toContain(
      '- Infrastructure Lead: John Smith (@john.smith)\n  Approved: 2025-12-25 17:00:00\n',
    );
    const markdown = readFileSync(files[1], 'utf8');
    expect(markdown).toContain('**Outcome: ROLLED-BACK**');
    expect(markdown).toMatch(/Hash chain verified: \d+ events, hash chain verified \(last [0-9a-f]{12}\)\./);
    expect(markdown).toContain('(unchanged since the session started)');
    const json = JSON.parse(readFileSync(files[2], 'utf8'));
    expect(json.format).toBe('conductor-release-report/1');
    expect(json.chain.ok).toBe(true);
    expect(json.chain.events).toBe(readFileSync(session.journal, 'utf8').trim().split('\n').length);
    expect(json.rollback.revertDurationMs).toBe(850);
  });

  it('still writes the reports of an edited journal, saying the chain does not hold', async () => {
    const session = writeFixtureSession({ ending: 'promoted' });
    tamperWithJournal(session.journal, 'Infrastructure ready, capacity verified', 'Looks fine to me');
    const { files, chainOk } = await writeSessionReports(session.store, session.id);
    expect(chainOk).toBe(false);
    const markdown = readFileSync(files[1], 'utf8');
    expect(markdown).toContain('WARNING: THE JOURNAL DOES NOT VERIFY');
    expect(markdown).toContain('HASH CHAIN NOT VERIFIED');
    // The edited approval and everything after it are not reported as if they were true.
    expect(markdown).not.toContain('Looks fine to me');
    expect(readFileSync(files[0], 'utf8')).not.toContain('John Smith');
  });

  it('says when the runbook file changed after the session started', async () => {
    const session = writeFixtureSession({ ending: 'promoted' });
    writeFileSync(
      session.runbookFile,
      readFileSync(session.runbookFile, 'utf8').replace('version: "2.3"', 'version: "2.4"'),
    );
    const { files } = await writeSessionReports(session.store, session.id);
    expect(readFileSync(files[1], 'utf8')).toContain('**the file has changed since the session started**');
  });

  it('rewrites earlier reports and keeps them private', async () => {
    const session = writeFixtureSession({ ending: 'promoted' });
    const first = await writeSessionReports(session.store, session.id);
    chmodSync(first.files[1], 0o644);
    const again = await writeSessionReports(session.store, session.id, { now: Date.UTC(2026, 0, 1) });
    expect(readFileSync(again.files[1], 'utf8')).toContain('| Generated | 2026-01-01');
    expect(statSync(again.files[1]).mode & 0o777).toBe(0o600);
  });

  it('refuses an unknown session in one sentence', () => {
    const session = writeFixtureSession({ ending: 'promoted' });
    expect(() => readSessionForReport(new SessionStore(session.home), 'nope')).toThrow(
      'No session nope: `conductor sessions` lists them.',
    );
    expect(() => readSessionForReport(new SessionStore(session.home), '../../etc')).toThrow(/^No session/);
  });
});
