import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/core/runbook/parse.js';
import { GENESIS, JournalWriter } from '../../src/services/store/journal.js';
import { SessionStore } from '../../src/services/store/session-store.js';
import { fixtureEvents, RUNBOOK_YAML } from '../core/templates/report-fixture.js';

// Runs the built CLI (`npm run build` first, as `npm test` does).
const bin = new URL('../../bin/conductor.js', import.meta.url).pathname;

/** OSC 52 writes the clipboard, OSC 2 renames the window: neither may reach the terminal. */
const HOSTILE_TITLE = 'Shop \u001b]52;c;SGVsbG8=\u0007promotion\u001b]2;pwned\u0007 \u009b2J\u001b[31mnow';
const HOSTILE_YAML = RUNBOOK_YAML.replace(
  'title: Shop promotion',
  // YAML double quotes read \e, \a and \x9b as the control characters themselves.
  'title: "Shop \\e]52;c;SGVsbG8=\\apromotion\\e]2;pwned\\a \\x9b2J\\e[31mnow"',
);
const ID = '20251225-120000-abcd';
/** ESC, BEL and every C1 control: none of them may be printed. */
const CONTROL = /[\u0007\u001b\u0080-\u009f]/;

function conductor(home: string, ...args: string[]) {
  return spawnSync('node', [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CONDUCTOR_HOME: home, TZ: 'Africa/Johannesburg' },
    timeout: 30_000,
  });
}

/** A session of a runbook whose title attacks the terminal; its journal carries the raw title too, as one written before the filter did. */
function hostileSession() {
  const home = mkdtempSync(join(tmpdir(), 'conductor-hostile-'));
  const runbookFile = join(home, 'shop.yaml');
  writeFileSync(runbookFile, HOSTILE_YAML);
  const store = new SessionStore(home);
  const runbookHash = createHash('sha256').update(HOSTILE_YAML).digest('hex');
  const writer = JournalWriter.open(store.journalFile(ID), { events: [], lastHash: GENESIS, warnings: [] });
  for (const event of fixtureEvents({ ending: 'rolled-back' })) {
    writer.append(
      event.type === 'session.created'
        ? { ...event, runbookFile, runbookHash, runbookTitle: HOSTILE_TITLE, version: 'v1\u001b]2;x\u0007' }
        : event,
    );
  }
  writer.close();
  return { home, runbookFile };
}

describe('escape sequences from a runbook never reach the terminal', () => {
  it('the fixture really carries OSC 52 and OSC 2 in its title', () => {
    expect(HOSTILE_YAML).toContain('\\e]52;c;SGVsbG8=\\a');
  });

  it('a parsed runbook has no control sequence left in its title, or anywhere else', () => {
    const parsed = parseRunbook(HOSTILE_YAML, 'shop.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.runbook.runbook.title).toBe('Shop promotion now');
    expect(JSON.stringify(parsed.runbook)).not.toMatch(/\\u001b|\\u0007/);
    expect(JSON.stringify(parsed.runbook)).not.toMatch(CONTROL);
  });

  it('validate prints the title without ESC', () => {
    const { home, runbookFile } = hostileSession();
    const run = conductor(home, 'validate', runbookFile, '--plan');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Shop promotion now');
    expect(run.stdout + run.stderr).not.toMatch(CONTROL);
  });

  it('validate of a broken hostile runbook reports its problems without ESC', () => {
    const home = mkdtempSync(join(tmpdir(), 'conductor-hostile-'));
    const file = join(home, 'broken.yaml');
    writeFileSync(file, `${HOSTILE_YAML}\nnonsense: "\\e]52;c;SGVsbG8=\\a \${nope\\e]2;x\\a}"\n`);
    const run = conductor(home, 'validate', file);
    expect(run.status).toBe(2);
    expect(run.stderr).not.toBe('');
    expect(run.stdout + run.stderr).not.toMatch(CONTROL);
  });

  it('status, status --json and sessions print no ESC, even from a journal written before the filter', () => {
    const { home } = hostileSession();
    for (const args of [['status', ID], ['status', ID, '--json'], ['sessions'], ['sessions', '--json']]) {
      const run = conductor(home, ...args);
      expect(run.stderr, args.join(' ')).toBe('');
      expect(run.status, args.join(' ')).toBe(0);
      expect(run.stdout, args.join(' ')).not.toMatch(CONTROL);
    }
    expect(conductor(home, 'status', ID).stdout).toContain('Shop promotion now');
  });

  it('report prints Markdown and JSON without ESC', () => {
    const { home } = hostileSession();
    for (const args of [
      ['report', ID],
      ['report', ID, '--format', 'json'],
    ]) {
      const run = conductor(home, ...args);
      expect(run.status, args.join(' ')).toBe(0);
      expect(run.stdout, args.join(' ')).not.toMatch(CONTROL);
      expect(run.stderr, args.join(' ')).not.toMatch(CONTROL);
    }
    expect(conductor(home, 'report', ID).stdout).toContain('Shop promotion now');
  });
});
