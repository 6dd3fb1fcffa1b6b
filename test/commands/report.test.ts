import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tamperWithJournal, writeFixtureSession } from '../services/report/fixture-session.js';

// Runs the built CLI (`npm run build` first, as `npm test` does) on a real session folder.
const bin = new URL('../../bin/conductor.js', import.meta.url).pathname;

function conductor(home: string, ...args: string[]) {
  return spawnSync('node', [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CONDUCTOR_HOME: home, TZ: 'Africa/Johannesburg' },
    timeout: 30_000,
  });
}

describe('conductor report', () => {
  it("prints the Markdown report of a session, in the conductor's zone", () => {
    const session = writeFixtureSession({ ending: 'rolled-back' });
    const run = conductor(session.home, 'report', session.id);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^# Release report: v2024\.12\.25\.1 SIT -> PROD\n/);
    for (const title of [
      'Timeline',
      'Checklist and evidence',
      'Approvals',
      'Go/no-go',
      'Canary',
      'Rollback',
      'Notifications',
      'AWS calls',
      'Warnings',
      'Journal',
    ])
      expect(run.stdout).toContain(`\n## ${title}\n`);
    expect(run.stdout).toContain('| Started | 2025-12-25 14:00:00 UTC+2 |');
    expect(run.stdout).toContain('| Trigger | conductor |');
    expect(run.stdout).toMatch(/Hash chain verified: \d+ events/);
  });

  it('prints JSON with --format json', () => {
    const session = writeFixtureSession({ ending: 'promoted' });
    const run = conductor(session.home, 'report', session.id, '--format', 'json');
    expect(run.status).toBe(0);
    const data = JSON.parse(run.stdout);
    expect(data.header.sessionId).toBe(session.id);
    expect(data.canary.stages.map((s: { weight: number }) => s.weight)).toEqual([10, 100]);
    expect(data.gonogo.decision).toBe('GO');
    expect(data.chain.ok).toBe(true);
  });

  it('writes a private file with -o and says where', () => {
    const session = writeFixtureSession({ ending: 'promoted' });
    const file = join(session.home, 'report-copy.md');
    const run = conductor(session.home, 'report', session.id, '-o', file);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`Wrote the md report of session ${session.id} to ${file}.\n`);
    expect(readFileSync(file, 'utf8')).toContain('**Outcome: PROMOTED**');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const json = conductor(
      session.home,
      'report',
      session.id,
      '--format',
      'json',
      '--output',
      join(session.home, 'r.json'),
    );
    expect(json.status).toBe(0);
    expect(JSON.parse(readFileSync(join(session.home, 'r.json'), 'utf8')).header.outcome).toBe('promoted');
  });

  it('answers an unknown session in one sentence with exit 2', () => {
    const session = writeFixtureSession({ ending: 'promoted' });
    const run = conductor(session.home, 'report', '20990101-000000-ffff');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('conductor: No session 20990101-000000-ffff: `conductor sessions` lists them.\n');
  });

  it('refuses an unknown format with exit 2', () => {
    const session = writeFixtureSession({ ending: 'promoted' });
    const run = conductor(session.home, 'report', session.id, '--format', 'pdf');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('conductor: --format must be md or json, not "pdf".\n');
  });

  it('still prints the report of an edited journal, says so loudly and exits 1', () => {
    const session = writeFixtureSession({ ending: 'promoted' });
    tamperWithJournal(session.journal, '"decision":"GO"', '"decision":"NO-GO"');
    const run = conductor(session.home, 'report', session.id);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('WARNING: THE JOURNAL DOES NOT VERIFY');
    expect(run.stdout).toContain('HASH CHAIN NOT VERIFIED');
    expect(run.stdout).toContain('No go/no-go decision was taken.');
    expect(run.stderr).toMatch(
      /^conductor: the journal of session \S+ does not verify \(.*the hash chain does not hold.*\); the report shows only the \d+ events before the break\.\n$/,
    );
  });
});
