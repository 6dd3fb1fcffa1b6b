import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../src/core/runbook/parse.js';
import type { EvidenceRule, Runbook } from '../../../src/core/runbook/schema.js';
import { type StandinNames, standinNamesOf } from '../../../src/sandbox/standin-names.js';
import { awsStandinPath, findOnPath, standinEnv, standinPath } from '../../../src/sandbox/standins/index.js';
import { collectEvidence } from '../../../src/services/commands/collect-evidence.js';
import { runCommand } from '../../../src/services/commands/run-command.js';
import { loadRunbook } from '../../../src/wiring/session-runtime.js';

// node's own folder after the stand-ins, so `#!/usr/bin/env node` resolves; the stand-ins come first.
const nodeOnly = dirname(process.execPath);
let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'conductor-standin-'));
});

function rehearse(
  argv: string[],
  options: {
    scenario?: string;
    fail?: string[];
    path?: string;
    names?: StandinNames;
    env?: Record<string, string>;
  } = {},
) {
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
        names: options.names,
      }),
      ...(options.env ?? { AWS_PROFILE: 'bbws-sit', ENVIRONMENT: 'sit' }),
    },
    timeoutMs: 20_000,
    logFile: join(cwd, 'commands.log'),
  });
}

/** Another team's runbook: its own profiles, accounts and resource names. */
function shop(): Runbook {
  const parsed = parseRunbook(
    `
runbook: { id: shop, title: Shop release, version: '1' }
roles: [{ id: lead, title: Lead }]
environments:
  - { id: test, title: TEST, accountId: '123456789013', region: eu-west-1, profile: shop-test }
  - { id: prod, title: PROD, accountId: '210987654321', region: eu-west-1, profile: shop-prod }
promotions:
  - id: ship
    title: Ship
    from: test
    to: prod
    phases:
      - id: deploy
        title: Deploy
        steps:
          - { id: a, title: A, kind: command, run: [aws, lambda, update-function-code, --function-name, "shop-\${env}-cart", --s3-bucket, "\${env}-shop-artifacts", --s3-key, cart.zip] }
          - { id: b, title: B, kind: command, run: [aws, lambda, update-function-code, --function-name, "shop-\${env}-checkout", --s3-bucket, "\${env}-shop-artifacts", --s3-key, checkout.zip] }
          - { id: c, title: C, kind: command, run: [aws, dynamodb, describe-table, --table-name, "\${env}-carts"] }
          - { id: d, title: D, kind: command, run: [aws, s3, cp, x, "s3://\${env}-shop-assets/x"] }
    rollback:
      steps:
        - { id: r, title: R, kind: manual }
`,
    'shop.yaml',
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.runbook;
}

/** What a rehearsal of the shipped runbook's promotion passes the stand-ins. */
async function bbwsNames(promotionId: string): Promise<StandinNames> {
  const { runbook } = await loadRunbook('runbooks/bbws.yaml');
  return standinNamesOf(runbook, runbook.promotions.find((p) => p.id === promotionId)!);
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
    const names = await bbwsNames('dev-to-sit');
    const plan = await rehearse(['terraform', 'plan', '-var-file=sit.tfvars', '-out=sit.tfplan'], { names });
    expect(plan.output).toContain('Plan: 0 to add, 3 to change, 0 to destroy.');
    expect(plan.output).toContain('[id=bbws-sit-order-lambda]');
    expect(readFileSync(join(cwd, 'sit.tfplan'), 'utf8')).toContain('sit');
    const apply = await rehearse(['terraform', 'apply', 'sit.tfplan'], { names });
    expect(apply.exitCode).toBe(0);
    expect(apply.tail.at(-1)).toBe('Apply complete! Resources: 0 added, 3 changed, 0 destroyed.');
    const broken = await rehearse(['terraform', 'plan'], { fail: ['terraform-plan'], names });
    expect(broken.exitCode).toBe(1);
    expect(broken.output).toContain('Error: Invalid reference');
  });

  it("print another team's names from its runbook, none of the shipped runbook's", async () => {
    const names = standinNamesOf(shop(), shop().promotions[0]);
    const env = { AWS_PROFILE: 'shop-prod', ENVIRONMENT: 'prod' };
    const run = (argv: string[]) => rehearse(argv, { names, env });
    // One after the other: the runs share the working folder and its command log.
    const outputs = [];
    for (const argv of [
      ['aws', 'sts', 'get-caller-identity'],
      ['aws', 'lambda', 'list-functions'],
      ['aws', 'logs', 'describe-log-groups', '--log-group-name-prefix', '/aws/lambda/shop-prod-c'],
      ['aws', 'dynamodb', 'list-tables'],
      ['aws', 's3', 'ls'],
      ['terraform', 'plan'],
      ['npm', 'run', 'build'],
      ['jira', 'create-issue', '--type', 'Incident', '--summary', 'rollback'],
    ])
      outputs.push(await run(argv));
    const [identity, functions, logs, tables, buckets, plan, build, issue] = outputs.map((r) => r.output);
    expect(JSON.parse(identity)).toMatchObject({ Account: '210987654321' });
    expect(JSON.parse(functions).Functions.map((f: { FunctionName: string }) => f.FunctionName)).toEqual([
      'shop-prod-cart',
      'shop-prod-checkout',
    ]);
    expect(JSON.parse(logs).logGroups.map((g: { logGroupName: string }) => g.logGroupName)).toEqual([
      '/aws/lambda/shop-prod-cart',
      '/aws/lambda/shop-prod-checkout',
    ]);
    expect(JSON.parse(tables)).toEqual({ TableNames: ['prod-carts'] });
    expect(
      buckets
        .trim()
        .split('\n')
        .map((line) => line.split(' ').at(-1)),
    ).toEqual(['prod-shop-artifacts', 'prod-shop-assets']);
    expect(plan).toContain('aws_lambda_function.shop_prod_cart: Refreshing state... [id=shop-prod-cart]');
    expect(plan).toContain('Plan: 0 to add, 2 to change, 0 to destroy.');
    expect(build).toContain('> shop@1.0.0 build');
    expect(issue).toBe('Created issue SHOP-1042 (Incident): rollback\n');
    for (const output of outputs) expect(output.output).not.toMatch(/bbws/i);
  });

  it('the profile decides the environment, as it decides where an AWS call goes', async () => {
    const names = standinNamesOf(shop(), shop().promotions[0]);
    const identity = await rehearse(['aws', 'sts', 'get-caller-identity'], {
      names,
      env: { AWS_PROFILE: 'shop-test', ENVIRONMENT: 'prod' },
    });
    expect(JSON.parse(identity.output)).toMatchObject({ Account: '123456789013' });
  });

  it('print no names when the rehearsal passes none', async () => {
    const env = { ENVIRONMENT: 'prod' };
    const functions = await rehearse(['aws', 'lambda', 'list-functions'], { env });
    expect(JSON.parse(functions.output)).toEqual({ Functions: [] });
    const plan = await rehearse(['terraform', 'plan'], { env });
    expect(plan.exitCode).toBe(0);
    expect(plan.output).toContain('No changes. Your infrastructure matches the configuration.');
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
