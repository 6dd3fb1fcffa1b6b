import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EvidenceRule } from '../../../src/core/runbook/schema.js';
import { awsStandinPath, findOnPath, standinEnv, standinPath } from '../../../src/sandbox/standins/index.js';
import { collectEvidence } from '../../../src/services/commands/collect-evidence.js';
import { runCommand } from '../../../src/services/commands/run-command.js';

// node's own folder after the stand-ins, so `#!/usr/bin/env node` resolves; the stand-ins come first.
const nodeOnly = dirname(process.execPath);
let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'conductor-standin-'));
});

function rehearse(argv: string[], options: { scenario?: string; fail?: string[]; path?: string } = {}) {
  return runCommand({
    argv,
    shell: false,
    cwd,
    env: {
      ...standinEnv({
        scenario: options.scenario ?? 'healthy',
        clockSpeed: 1000,
        path: options.path ?? nodeOnly,
        fail: options.fail,
      }),
      AWS_PROFILE: 'bbws-sit',
      ENVIRONMENT: 'sit',
    },
    timeoutMs: 20_000,
    logFile: join(cwd, 'commands.log'),
  });
}

// The evidence rules of the shipped runbook's backend and frontend test steps.
const backendRules: EvidenceRule[] = [
  {
    id: 'backend-coverage',
    fact: 'coverage',
    from: 'json',
    path: 'coverage.json',
    pointer: 'totals.percent_covered',
    min: 80,
  },
  { id: 'backend-tests-passed', fact: 'tests-passed', from: 'regex', pattern: '(\\d+) passed' },
  { id: 'backend-tests-failed', fact: 'tests-failed', from: 'test-summary', max: 0 },
];
const frontendRule: EvidenceRule = {
  id: 'frontend-coverage',
  fact: 'coverage',
  from: 'json',
  path: 'coverage/coverage-summary.json',
  pointer: 'total.lines.pct',
  min: 80,
};

describe('rehearsal stand-ins', () => {
  it('are executable files in the folder standinPath() names', () => {
    for (const tool of ['terraform', 'pytest', 'npm', 'python', 'jira']) {
      expect(findOnPath(tool, standinPath())).toBe(join(standinPath(), tool));
    }
    expect(findOnPath('aws', awsStandinPath())).toBe(join(awsStandinPath(), 'aws'));
  });

  it('pytest prints its summary and writes the coverage report the runbook reads', async () => {
    const result = await rehearse([
      'pytest',
      'tests/',
      '-v',
      '--cov=src',
      '--cov-report=html',
      '--cov-report=json:coverage.json',
    ]);
    expect(result.failure).toBeUndefined();
    expect(result.exitCode).toBe(0);
    expect(result.output).toMatch(/=+ 847 passed in 12\.31s =+/);
    expect(existsSync(join(cwd, 'htmlcov', 'index.html'))).toBe(true);
    const evidence = await collectEvidence(backendRules, result, cwd);
    expect(evidence.map((e) => [e.id, e.value, e.ok])).toEqual([
      ['backend-coverage', 87, true],
      ['backend-tests-passed', 847, true],
      ['backend-tests-failed', 0, true],
    ]);
  });

  it('reports 72% coverage in the coverage-drop scenario, which fails the 80% bar', async () => {
    const result = await rehearse(['npm', 'test', '--', '--coverage', '--coverageReporters=json-summary'], {
      scenario: 'coverage-drop',
    });
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('Tests:       312 passed, 312 total');
    const [coverage] = await collectEvidence([frontendRule], result, cwd);
    expect(coverage).toMatchObject({ value: 72, ok: false, detail: 'coverage 72% < 80% required' });
  });

  it('fails a test run when told to, with a runner summary the evidence reads', async () => {
    const result = await rehearse(['pytest', 'tests/', '--cov=src', '--cov-report=xml'], {
      fail: ['pytest'],
    });
    expect(result.exitCode).toBe(1);
    expect(result.failure).toBe('`pytest tests/ --cov=src --cov-report=xml` failed with exit code 1.');
    const evidence = await collectEvidence(
      [backendRules[2], { id: 'xml', fact: 'coverage', from: 'cobertura', min: 80 }],
      result,
      cwd,
    );
    expect(evidence.map((e) => [e.value, e.ok])).toEqual([
      [2, false],
      [87, true],
    ]);
  });

  it('runs `python -m pytest` as the pytest stand-in', async () => {
    const result = await rehearse(['python', '-m', 'pytest', 'tests/integration/', '-v']);
    expect(result.exitCode).toBe(0);
    expect(result.output).toMatch(/64 passed in/);
  });

  it('terraform validates, plans to the -out file and applies', async () => {
    const validate = await rehearse(['terraform', 'validate']);
    expect(validate.tail).toEqual(['Success! The configuration is valid.']);
    const plan = await rehearse(['terraform', 'plan', '-var-file=sit.tfvars', '-out=sit.tfplan']);
    expect(plan.output).toContain('Plan: 0 to add, 3 to change, 0 to destroy.');
    expect(plan.output).toContain('[id=bbws-sit-order-lambda]');
    expect(readFileSync(join(cwd, 'sit.tfplan'), 'utf8')).toContain('sit');
    const apply = await rehearse(['terraform', 'apply', 'sit.tfplan']);
    expect(apply.exitCode).toBe(0);
    expect(apply.tail.at(-1)).toBe('Apply complete! Resources: 0 added, 3 changed, 0 destroyed.');
    const broken = await rehearse(['terraform', 'plan'], { fail: ['terraform-plan'] });
    expect(broken.exitCode).toBe(1);
    expect(broken.output).toContain('Error: Invalid reference');
  });

  it('puts the AWS CLI stand-in on PATH only when no AWS CLI is installed', async () => {
    const without = standinEnv({ scenario: 'healthy', clockSpeed: 1000, path: nodeOnly });
    expect(without.PATH.split(delimiter)).toEqual([standinPath(), awsStandinPath(), nodeOnly]);
    const identity = await rehearse(['aws', 'sts', 'get-caller-identity']);
    expect(JSON.parse(identity.output)).toMatchObject({ Account: '123456789012' });

    const realCli = join(cwd, 'real-cli');
    mkdirSync(realCli);
    writeFileSync(join(realCli, 'aws'), '#!/bin/sh\necho real aws "$@"\n');
    chmodSync(join(realCli, 'aws'), 0o755);
    const withCli = standinEnv({
      scenario: 'healthy',
      clockSpeed: 1000,
      path: `${realCli}${delimiter}${nodeOnly}`,
    });
    expect(withCli.PATH.split(delimiter)).toEqual([standinPath(), realCli, nodeOnly]);
    const real = await rehearse(['aws', 'sts', 'get-caller-identity'], {
      path: `${realCli}${delimiter}${nodeOnly}`,
    });
    expect(real.tail).toEqual(['real aws sts get-caller-identity']);
  });

  it('passes the scenario, clock speed and coverage to the tools', () => {
    expect(standinEnv({ scenario: 'coverage-drop', clockSpeed: 60, path: nodeOnly })).toMatchObject({
      CONDUCTOR_SCENARIO: 'coverage-drop',
      CONDUCTOR_CLOCK_SPEED: '60',
      CONDUCTOR_STANDIN_COVERAGE: '72',
    });
    expect(
      standinEnv({ scenario: 'healthy', clockSpeed: 1, path: nodeOnly, fail: ['pytest', 'npm-test'] }),
    ).toMatchObject({
      CONDUCTOR_STANDIN_FAIL: 'pytest,npm-test',
    });
  });
});
