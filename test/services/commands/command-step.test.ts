import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CommandStep } from '../../../src/core/runbook/schema.js';
import { standinEnv } from '../../../src/sandbox/standins/index.js';
import { runCommandStep } from '../../../src/services/commands/command-step.js';

let base: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'conductor-step-'));
});

const frontendTests: CommandStep = {
  id: 'frontend-tests',
  title: 'Frontend tests with coverage',
  kind: 'command',
  run: ['npm', 'test', '--', '--coverage', '--coverageReporters=json-summary'],
  shell: false,
  cwd: 'frontend',
  env: { CI: 'true' },
  timeout: 60_000,
  dangerous: false,
  evidence: [
    {
      id: 'frontend-coverage',
      fact: 'coverage',
      from: 'json',
      path: 'coverage/coverage-summary.json',
      pointer: 'total.lines.pct',
      min: 80,
    },
  ],
};

function rehearsalEnv(scenario: string): Record<string, string> {
  return {
    ...standinEnv({ scenario, clockSpeed: 1000, path: dirname(process.execPath) }),
    ENVIRONMENT: 'dev',
    AWS_REGION: 'af-south-1',
  };
}

describe('runCommandStep', () => {
  it('runs the step in its cwd under the base folder and reads its evidence', async () => {
    mkdirSync(join(base, 'frontend'));
    const lines: string[] = [];
    const outcome = await runCommandStep(frontendTests, {
      env: rehearsalEnv('healthy'),
      logFile: join(base, 'session', 'frontend-tests.1.log'),
      baseDir: base,
      onLine: (line) => lines.push(line),
    });
    expect(outcome.ok).toBe(true);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.evidence).toEqual([
      expect.objectContaining({
        id: 'frontend-coverage',
        value: 87,
        ok: true,
        detail: 'coverage 87% >= 80%',
      }),
    ]);
    expect(outcome.detail).toMatch(/^exit 0 in .*; coverage 87% >= 80%$/);
    expect(lines).toContain('Tests:       312 passed, 312 total');
    expect(readFileSync(outcome.logFile!, 'utf8')).toContain('Ran all test suites.');
  });

  it('keeps a low coverage as failed evidence without failing the step, for the go/no-go to judge', async () => {
    mkdirSync(join(base, 'frontend'));
    const outcome = await runCommandStep(frontendTests, {
      env: rehearsalEnv('coverage-drop'),
      logFile: join(base, 'log'),
      baseDir: base,
    });
    expect(outcome.ok).toBe(true);
    expect(outcome.evidence[0]).toMatchObject({ value: 72, ok: false });
    expect(outcome.detail).toMatch(/; coverage 72% < 80% required$/);
  });

  it("fails the step when a rule's file was never written, saying which rule and which file", async () => {
    const outcome = await runCommandStep(
      {
        ...frontendTests,
        cwd: undefined,
        run: [process.execPath, '-e', 'console.log("Tests: 312 passed, 312 total")'],
        evidence: [
          { id: 'backend-coverage', fact: 'coverage', from: 'json', path: 'coverage.json', min: 85 },
          { id: 'backend-passed', fact: 'tests-passed', from: 'regex', pattern: '(\\d+) passed' },
        ],
      },
      { env: {}, logFile: join(base, 'log'), baseDir: base },
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.evidence.map((e) => [e.id, e.value, e.ok])).toEqual([
      ['backend-coverage', null, false],
      ['backend-passed', 312, true],
    ]);
    expect(outcome.detail).toMatch(
      new RegExp(
        `^evidence backend-coverage \\(coverage >= 85%\\) has no value: coverage\\.json was not found in ${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} after the command ran; exit 0 in .*; tests-passed 312$`,
      ),
    );
  });

  it('fails the step when the output holds no value for a rule', async () => {
    const outcome = await runCommandStep(
      {
        ...frontendTests,
        cwd: undefined,
        run: [process.execPath, '-e', 'console.log("done")'],
        evidence: [{ id: 'suite-failed', fact: 'tests-failed', from: 'test-summary', max: 0 }],
      },
      { env: {}, logFile: join(base, 'log'), baseDir: base },
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toMatch(
      /^evidence suite-failed \(tests-failed <= 0\) has no value: the output has no test summary from a known runner/,
    );
  });

  it('gives the step environment precedence and fails with the sentence of a failed command', async () => {
    const outcome = await runCommandStep(
      {
        ...frontendTests,
        cwd: undefined,
        run: [
          process.execPath,
          '-e',
          'console.log(process.env.ENVIRONMENT); process.exit(process.env.CI === "true" ? 4 : 0)',
        ],
        env: { ENVIRONMENT: 'sit', CI: 'true' },
        evidence: [],
      },
      { env: rehearsalEnv('healthy'), logFile: join(base, 'log'), baseDir: base },
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.exitCode).toBe(4);
    expect(outcome.detail).toMatch(/failed with exit code 4\.$/);
    expect(readFileSync(join(base, 'log'), 'utf8')).toContain('  sit\n');
  });

  it('does not look for evidence when the tool could not start', async () => {
    const outcome = await runCommandStep(
      { ...frontendTests, cwd: undefined, run: ['conductor-missing-tool', 'test'] },
      { env: {}, logFile: join(base, 'log'), baseDir: base },
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.evidence).toEqual([]);
    expect(outcome.detail).toBe(
      'conductor-missing-tool is not installed or not on PATH (the runbook runs `conductor-missing-tool test`).',
    );
  });
});
