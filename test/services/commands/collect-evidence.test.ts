import { copyFileSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EvidenceRule } from '../../../src/core/runbook/schema.js';
import { collectEvidence } from '../../../src/services/commands/collect-evidence.js';
import { runCommand } from '../../../src/services/commands/run-command.js';

const fixtures = fileURLToPath(new URL('../../fixtures/evidence/', import.meta.url));
let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'conductor-evidence-'));
});

/** A real test run: a child process prints a runner summary and writes its coverage reports into cwd. */
function fakeRunner(summary: string): string[] {
  const script = `
    const fs = require('node:fs');
    fs.mkdirSync('coverage', { recursive: true });
    fs.copyFileSync(${JSON.stringify(join(fixtures, 'coverage-summary.json'))}, 'coverage/coverage-summary.json');
    fs.copyFileSync(${JSON.stringify(join(fixtures, 'coverage.xml'))}, 'coverage.xml');
    console.log(${JSON.stringify(summary)});`;
  return [process.execPath, '-e', script];
}

const rules: EvidenceRule[] = [
  { id: 'frontend-coverage', fact: 'coverage', from: 'json', min: 80 },
  { id: 'backend-coverage', fact: 'coverage', from: 'cobertura', min: 80 },
  { id: 'failed', fact: 'tests-failed', from: 'test-summary', max: 0 },
  { id: 'passed', fact: 'tests-passed', from: 'test-summary', min: 1 },
  { id: 'total', fact: 'coverage', from: 'regex', pattern: 'TOTAL.* (\\d+)%', min: 80 },
];

describe('collectEvidence', () => {
  it('reads coverage files written by a real process and the summary it printed', async () => {
    const result = await runCommand({
      argv: fakeRunner('TOTAL   2816   420   85%\n======= 2 failed, 845 passed in 3.20s ======='),
      shell: false,
      cwd,
      env: {},
      timeoutMs: 20_000,
      logFile: join(cwd, 'log.txt'),
    });
    const evidence = await collectEvidence(rules, result, cwd);
    expect(evidence.map((e) => [e.id, e.value, e.ok])).toEqual([
      ['frontend-coverage', 85, true],
      ['backend-coverage', 71.98, false],
      ['failed', 2, false],
      ['passed', 845, true],
      ['total', 85, true],
    ]);
    expect(evidence[1].detail).toBe('coverage 71.98% < 80% required');
  });

  it('says which file is missing', async () => {
    const result = await runCommand({
      argv: [process.execPath, '-e', 'console.log("847 passed in 1.0s")'],
      shell: false,
      cwd,
      env: {},
      timeoutMs: 20_000,
      logFile: join(cwd, 'log.txt'),
    });
    const [json, xml] = await collectEvidence(rules.slice(0, 2), result, cwd);
    expect(json).toMatchObject({ ok: false, value: null });
    expect(json.detail).toBe(
      `evidence frontend-coverage (coverage >= 80%) has no value: coverage/coverage-summary.json was not found in ${cwd} after the command ran`,
    );
    expect(xml.detail).toMatch(
      /^evidence backend-coverage \(coverage >= 80%\) has no value: coverage\.xml was not found/,
    );
  });

  it('says which file could not be read, and why', async () => {
    mkdirSync(join(cwd, 'coverage.json'));
    const result = await runCommand({
      argv: [process.execPath, '-e', 'console.log("ok")'],
      shell: false,
      cwd,
      env: {},
      timeoutMs: 20_000,
      logFile: join(cwd, 'log.txt'),
    });
    const [json] = await collectEvidence([{ ...rules[0], path: 'coverage.json' }], result, cwd);
    expect(json).toMatchObject({ ok: false, value: null });
    expect(json.detail).toBe(
      `evidence frontend-coverage (coverage >= 80%) has no value: coverage.json in ${cwd} could not be read (EISDIR)`,
    );
  });

  it('refuses a coverage report left over from an earlier run', async () => {
    copyFileSync(join(fixtures, 'coverage.xml'), join(cwd, 'coverage.xml'));
    const dayAgo = new Date(Date.now() - 86_400_000);
    utimesSync(join(cwd, 'coverage.xml'), dayAgo, dayAgo);
    const result = await runCommand({
      argv: [process.execPath, '-e', 'console.log("ok")'],
      shell: false,
      cwd,
      env: {},
      timeoutMs: 20_000,
      logFile: join(cwd, 'log.txt'),
    });
    const [xml] = await collectEvidence([rules[1]], result, cwd);
    expect(xml.ok).toBe(false);
    expect(xml.detail).toMatch(/not written by this run/);
  });

  it('reports a file with no number at the pointer and output with no summary', async () => {
    writeFileSync(join(cwd, 'summary.json'), '{"total":{}}');
    const result = await runCommand({
      argv: [process.execPath, '-e', 'console.log("done")'],
      shell: false,
      cwd,
      env: {},
      timeoutMs: 20_000,
      logFile: join(cwd, 'log.txt'),
    });
    const evidence = await collectEvidence(
      [{ ...rules[0], path: 'summary.json' }, rules[2], rules[4]],
      { ...result, startedAt: undefined },
      cwd,
    );
    expect(evidence.map((e) => e.detail)).toEqual([
      'evidence frontend-coverage (coverage >= 80%) has no value: summary.json holds no number at total.lines.pct',
      'evidence failed (tests-failed <= 0) has no value: the output has no test summary from a known runner (pytest, jest, vitest, mocha, go, node)',
      'evidence total (coverage >= 80%) has no value: the output has no match for /TOTAL.* (\\d+)%/',
    ]);
    expect(evidence.every((e) => !e.ok)).toBe(true);
  });
});
