// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook placeholders are written ${name} on purpose
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { initCommand } from '../../src/commands/init.js';
import {
  readAccountId,
  readLambdaPatterns,
  readRegion,
  readRestApiId,
  readStages,
  readTicketPattern,
} from '../../src/commands/init-answers.js';
import { validateCommand } from '../../src/commands/validate.js';
import { parseRunbook } from '../../src/core/runbook/parse.js';
import type { CanaryStep, Runbook } from '../../src/core/runbook/schema.js';
import { BIN, BUILD_TIMEOUT_MS, ensureBuilt, REPO } from '../e2e/terminal.js';

let dir: string;
let out: string;
let err: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'conductor-init-'));
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** The runbook in `file`, read by the same parser `conductor validate` uses. */
function runbookIn(file: string): Runbook {
  const parsed = parseRunbook(readFileSync(file, 'utf8'), file, 'docs/runbook-format.md');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.runbook;
}

function canaryOf(runbook: Runbook, promotionId: string): CanaryStep {
  const promotion = runbook.promotions.find((p) => p.id === promotionId);
  const step = promotion?.phases.flatMap((phase) => phase.steps).find((s) => s.kind === 'canary');
  if (step?.kind !== 'canary') throw new Error(`no canary in ${promotionId}`);
  return step;
}

/** `conductor init FILE` answering from `typed` (lines, as piped or typed); what the prompt showed. */
async function answer(
  file: string,
  typed: string,
  { terminal = false, end = true } = {},
): Promise<{ code: number; shown: string }> {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk) => {
    shown += String(chunk);
  });
  const running = initCommand(file, {}, { input, output, terminal });
  if (end) input.end(typed);
  else input.write(typed);
  const code = await running;
  return { code, shown };
}

describe('conductor init --yes', () => {
  it('writes the defaults: a runbook the real validate accepts, shaped as the questions say', async () => {
    const file = join(dir, 'runbook.yaml');
    expect(await initCommand(file, { yes: true })).toBe(0);
    expect(out).toContain(`Wrote ${file}: valid: My app promotion: 3 environments, 2 promotions`);

    out = '';
    expect(await validateCommand(file, {})).toBe(0);
    expect(err).toBe('');
    expect(out).toMatch(/valid: My app promotion: 3 environments, 2 promotions, \d+ steps/);

    const runbook = runbookIn(file);
    expect(runbook.environments.map((e) => [e.id, e.accountId, e.region, e.production])).toEqual([
      ['dev', '111111111111', 'eu-west-1', false],
      ['sit', '222222222222', 'eu-west-1', false],
      ['prod', '333333333333', 'eu-west-1', true],
    ]);
    const prod = runbook.environments[2];
    expect(prod.approvalRoles).toEqual(['tech-lead']);
    expect(prod.changeTicket).toEqual({
      policy: 'required',
      pattern: '^[A-Z][A-Z0-9]+-\\d+$',
      ticketExample: 'CHG-2041',
    });
    expect(runbook.roles.map((r) => [r.id, r.title])).toEqual([['tech-lead', 'Tech Lead']]);
    expect(runbook.promotions.map((p) => [p.id, p.from, p.to, p.requiresWindow])).toEqual([
      ['dev-to-sit', 'dev', 'sit', false],
      ['sit-to-prod', 'sit', 'prod', true],
    ]);
    // Only the promotion into production moves traffic; the one into SIT is a checklist.
    expect(runbook.promotions[0].phases.flatMap((p) => p.steps).map((s) => s.kind)).not.toContain('canary');
    const canary = canaryOf(runbook, 'sit-to-prod');
    expect(canary.stages).toEqual([10, 25, 50, 100].map((weight) => ({ weight, hold: 15 * 60_000 })));
    expect(canary.targets).toEqual({ lambdas: [{ functionName: 'prod-myapp-api', alias: 'live' }] });
    const approval = runbook.promotions[1].phases.flatMap((p) => p.steps).find((s) => s.kind === 'approval');
    expect(approval).toMatchObject({ roles: ['tech-lead'], expiry: 48 * 3_600_000 });
    // Each part points to the section of the format that explains it.
    const text = readFileSync(file, 'utf8');
    for (const section of ['#top-level', '#roles-environments-channels-templates', '#canary', '#step-kinds'])
      expect(text).toContain(`docs/runbook-format.md${section}`);
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=.*docs\/runbook\.schema\.json$/);
  });
});

describe('each answer is read as it is typed', () => {
  it('refuses what the runbook would refuse, in one sentence', () => {
    expect(readAccountId(' 093646564004 ')).toEqual({ ok: true, value: '093646564004' });
    expect(readAccountId('0936465640')).toMatchObject({ ok: false });
    expect(readRegion('eu-west-1')).toMatchObject({ ok: true });
    expect(readRegion('Europe')).toEqual({
      ok: false,
      problem: '"Europe" is not an AWS region: write it as AWS does, e.g. eu-west-1 or af-south-1.',
    });
    expect(readStages('10%, 50%, 100%')).toEqual({ ok: true, value: [10, 50, 100] });
    expect(readStages('10, 50')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('must be 100'),
    });
    expect(readStages('0, 100')).toMatchObject({ ok: false, problem: expect.stringContaining('"0"') });
    expect(readLambdaPatterns('${env}-api ${env}-worker')).toEqual({
      ok: true,
      value: ['${env}-api', '${env}-worker'],
    });
    expect(readLambdaPatterns('${stage}-api')).toEqual({
      ok: false,
      problem: 'Lambda function name may use ${env} only, not ${stage}.',
    });
    expect(readLambdaPatterns('my api')).toMatchObject({ ok: true, value: ['my', 'api'] });
    expect(readLambdaPatterns('app:1')).toMatchObject({ ok: false });
    expect(readRestApiId('none')).toEqual({ ok: true, value: undefined });
    expect(readRestApiId('abc')).toMatchObject({ ok: false });
    // The check validate makes: a brace left open is refused here, not in the written runbook.
    expect(readTicketPattern('^CHG-\\d{6}$')).toEqual({ ok: true, value: '^CHG-\\d{6}$' });
    expect(readTicketPattern('^CHG-\\d{6$')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('is not a valid regular expression'),
    });
  });
});

describe('conductor init, answered', () => {
  it('builds the environments and canary targets from the answers, asking again after a wrong one', async () => {
    const file = join(dir, 'shop.yaml');
    const typed = [
      'Shop release',
      'staging, live',
      '12345', // not an account id: asked again
      '123456789012',
      'af-south-1',
      'y', // the first environment cannot be production: asked again
      'n',
      '098765432109',
      '', // region: the one before
      '', // production: yes, the last one
      'shop-${env}-api, shop-${env}-worker',
      'prod',
      'abc123def4',
      '', // API name: like the first function, shop-${env}-api
      'v1',
      '10, 50, 40', // not increasing: asked again
      '20, 100',
      '5m',
      'lead, ops-manager',
      '^SHOP-(', // not a regular expression: asked again
      '^SHOP-\\d+$',
      'CHG-1', // does not match: asked again
      'SHOP-101',
    ].join('\n');
    const { code, shown } = await answer(file, `${typed}\n`);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(shown).toContain('STAGING: AWS account id [111111111111]: 12345\n');
    expect(shown).toContain('"12345" is not an AWS account id: it has exactly 12 digits');
    expect(shown).toContain('The first environment cannot be production');
    expect(shown).toContain('LIVE: AWS region [af-south-1]:');
    expect(shown).toContain('The stages must grow from one to the next');
    expect(shown).toContain('"^SHOP-(" is not a valid regular expression: a "(" is not closed');
    expect(shown).toContain('"CHG-1" does not match the ticket pattern ^SHOP-\\d+$.');

    const runbook = runbookIn(file);
    expect(runbook.runbook).toMatchObject({ id: 'shop-release', title: 'Shop release' });
    expect(runbook.environments.map((e) => [e.id, e.title, e.accountId, e.region, e.production])).toEqual([
      ['staging', 'STAGING', '123456789012', 'af-south-1', false],
      ['live', 'LIVE', '098765432109', 'af-south-1', true],
    ]);
    expect(runbook.environments[1].approvalRoles).toEqual(['lead', 'ops-manager']);
    expect(runbook.environments[1].changeTicket).toEqual({
      policy: 'required',
      pattern: '^SHOP-\\d+$',
      ticketExample: 'SHOP-101',
    });
    expect(runbook.promotions.map((p) => p.id)).toEqual(['staging-to-live']);
    const canary = canaryOf(runbook, 'staging-to-live');
    expect(canary.targets).toEqual({
      apiGateway: {
        restApiId: 'abc123def4',
        apiName: 'shop-live-api',
        stage: 'v1',
        canaryStage: 'v1/Canary',
      },
      lambdas: [
        { functionName: 'shop-live-api', alias: 'prod' },
        { functionName: 'shop-live-worker', alias: 'prod' },
      ],
    });
    expect(canary.stages).toEqual([
      { weight: 20, hold: 300_000 },
      { weight: 100, hold: 300_000 },
    ]);
  });

  it('puts a canary in every promotion into production and none elsewhere', async () => {
    const file = join(dir, 'two-prods.yaml');
    // dev, eu (production), us (production): accounts and regions by default.
    const typed = ['', 'dev, eu, us', '', '', '', '', '', 'y', '', '', 'y', '', '', 'none', 'none'];
    const { code } = await answer(file, `${typed.join('\n')}\n${'\n'.repeat(5)}`);
    expect(code).toBe(0);
    const runbook = runbookIn(file);
    expect(runbook.environments.map((e) => e.production)).toEqual([false, true, true]);
    expect(canaryOf(runbook, 'dev-to-eu').targets.lambdas[0].functionName).toBe('eu-myapp-api');
    expect(canaryOf(runbook, 'eu-to-us').targets.lambdas[0].functionName).toBe('us-myapp-api');
  });

  it('writes nothing when ctrl+c is pressed', async () => {
    const file = join(dir, 'runbook.yaml');
    const { code } = await answer(file, 'My title\rdev, prod\r\x03', { terminal: true, end: false });
    expect(code).toBe(2);
    expect(existsSync(file)).toBe(false);
    expect(err).toContain(`stopped before the last question; nothing was written to ${file}.`);
  });

  it('writes nothing when the input ends before the last answer', async () => {
    const file = join(dir, 'runbook.yaml');
    const { code } = await answer(file, 'My title\ndev, prod\n');
    expect(code).toBe(2);
    expect(existsSync(file)).toBe(false);
    expect(err).toContain('the input ended before the last question; nothing was written');
  });
});

describe('conductor init on the command line', () => {
  beforeAll(() => ensureBuilt(), BUILD_TIMEOUT_MS);

  const conductor = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], {
      cwd: REPO,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  it('refuses to overwrite a file with exit 2 and one sentence, and overwrites it with --force', () => {
    const file = join(dir, 'runbook.yaml');
    writeFileSync(file, 'mine\n');
    const refused = conductor('init', file, '--yes');
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      `conductor: ${file} already exists; conductor init does not overwrite it unless given --force.\n`,
    );
    expect(readFileSync(file, 'utf8')).toBe('mine\n');

    const forced = conductor('init', file, '--yes', '--force');
    expect(forced.status).toBe(0);
    expect(conductor('validate', file).status).toBe(0);
  });

  it('writes runbook.yaml in the current directory when no file is named', () => {
    const run = spawnSync(process.execPath, [BIN, 'init', '--yes'], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Wrote runbook.yaml: valid: My app promotion');
    expect(runbookIn(join(dir, 'runbook.yaml')).promotions).toHaveLength(2);
  });

  it('says so when the folder does not exist', () => {
    const run = conductor('init', join(dir, 'nope', 'runbook.yaml'), '--yes');
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('does not exist');
  });
});
