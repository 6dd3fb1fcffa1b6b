import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The built CLI (npm run build): the engine a screen starts, refusing bad start inputs with exit 2.
const bin = new URL('../../bin/conductor.js', import.meta.url).pathname;

function engine(spec: Record<string, unknown>) {
  const home = mkdtempSync(join(tmpdir(), 'conductor-'));
  const run = spawnSync('node', [bin, '__engine', JSON.stringify({ home, ...spec })], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { run, home };
}

const rehearsal = {
  kind: 'rehearse',
  runbookFile: 'runbooks/bbws.yaml',
  promotionId: 'sit-to-prod',
  scenario: 'healthy',
  speed: 600,
  autopilot: true,
};

describe('the session engine refuses invalid start inputs before the session exists (exit 2)', () => {
  it('a ticket the runbook pattern refuses, with one sentence and nothing written', () => {
    const { run, home } = engine({ ...rehearsal, ticket: 'chg 2041' });
    expect(run.status).toBe(2);
    expect(run.stdout.trim()).toBe(
      `error ${JSON.stringify({
        message:
          '"chg 2041" does not look like a change ticket for PROD (it must match ^[A-Z][A-Z0-9]+-\\d+$); correct it.',
        exitCode: 2,
      })}`,
    );
    expect(readdirSync(home)).toEqual([]);
  });

  it('an autopilot rehearsal of a runbook whose ticket pattern is too complex and has no ticketExample', () => {
    const text = readFileSync('runbooks/bbws.yaml', 'utf8')
      .replace(/\n\s+ticketExample: .*/g, '')
      .replaceAll("'^[A-Z][A-Z0-9]+-\\d+$'", () => "'^(?=CHG)[A-Z]+-\\d+$'");
    const file = join(mkdtempSync(join(tmpdir(), 'conductor-runbook-')), 'runbook.yaml');
    writeFileSync(file, text);
    const { run, home } = engine({ ...rehearsal, runbookFile: file });
    expect(run.status).toBe(2);
    expect(run.stdout).toContain('is too complex to make up a ticket from; add `ticketExample`');
    expect(readdirSync(home)).toEqual([]);
  });

  it('a real start whose window has already ended', () => {
    const now = Date.now();
    const { run, home } = engine({
      kind: 'start',
      runbookFile: 'runbooks/bbws.yaml',
      promotionId: 'sit-to-prod',
      version: 'v42',
      ticket: 'CHG-2041',
      risk: 'low',
      window: { start: now - 3 * 3_600_000, end: now - 3_600_000 },
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toMatch(/has already ended; declare one that is still to come\./);
    expect(readdirSync(home)).toEqual([]);
  });
});
