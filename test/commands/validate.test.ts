import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { schemaCommand } from '../../src/commands/schema.js';
import { validateCommand } from '../../src/commands/validate.js';
import { badFixtures } from '../core/runbook/bad-fixtures.js';

// These run the built CLI (`npm run build` first; `npm test` does it) the way a user does.
const root = new URL('../../', import.meta.url).pathname;
const bin = `${root}bin/conductor.js`;

function conductor(...args: string[]) {
  return spawnSync('node', [bin, ...args], { cwd: root, encoding: 'utf8' });
}

const PROBLEM_LINE = /^(.+):(\d+):(\d+): (\S+): (.+)$/;

/** The command in this process, its output captured: for the many fixtures a spawn each would cost. */
async function capture(run: () => Promise<number>) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  try {
    return { code: await run(), stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('conductor validate', () => {
  it('accepts runbooks/bbws.yaml with a one-line summary', () => {
    const run = conductor('validate', 'runbooks/bbws.yaml');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toMatch(
      /^runbooks\/bbws\.yaml: valid: BBWS environment promotion .*: 3 environments, 2 promotions, \d+ steps$/,
    );
  });

  it('prints the phases of every promotion with --plan', () => {
    const run = conductor('validate', '--plan', 'runbooks/bbws.yaml');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Promote SIT to PROD (sit-to-prod: sit -> prod)');
    expect(run.stdout).toMatch(/\d+\. Staged canary/);
    expect(run.stdout).toContain('10% 15m -> 25% 15m -> 50% 15m -> 100% 15m');
    expect(run.stdout).toContain(
      'tech-lead + infrastructure-lead (+ business-owner when high/critical), expires 48h',
    );
    expect(run.stdout).toContain('[dangerous] terraform apply prod.tfplan');
    // Values the runbook knows are filled in; values of the session stay visible as placeholders.
    expect(run.stdout).toContain('GET https://api.bbws.co.za/health');
    expect(run.stdout).toContain('GET https://sit-api.bbws.co.za/products/list');
  });

  it('says so in one sentence when the file does not exist', () => {
    const run = conductor('validate', 'runbooks/nope.yaml');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('runbooks/nope.yaml: no such runbook file.\n');
  });

  it('says so when given a directory', () => {
    const run = conductor('validate', 'runbooks');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('is a directory');
  });

  const fixtures = badFixtures();
  it('has at least 25 malformed runbooks', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(25);
  });

  // The first through the built CLI, as a user runs it; the rest in this process (the same command).
  for (const [index, fixture] of fixtures.entries()) {
    it(`rejects ${fixture.name} with exit 2 at line ${fixture.line}`, async () => {
      const rel = fixture.file.slice(root.length);
      const run =
        index === 0
          ? conductor('validate', rel)
          : await capture(() => validateCommand(rel, {})).then((r) => ({ ...r, status: r.code }));
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trimEnd().split('\n');
      for (const line of lines) {
        expect(line).toMatch(PROBLEM_LINE);
        expect(line).not.toMatch(/^\s+at /);
      }
      const [, file, line, , , message] = PROBLEM_LINE.exec(lines[0]) ?? [];
      expect(file).toBe(rel);
      expect(Number(line)).toBe(fixture.line);
      expect(message).toContain(fixture.fragment);
    });
  }
});

describe('conductor schema', () => {
  const run = conductor('schema');

  it('prints a JSON Schema of the runbook format', () => {
    expect(run.status).toBe(0);
    const schema = JSON.parse(run.stdout) as {
      $schema: string;
      type: string;
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(
      expect.arrayContaining(['runbook', 'roles', 'environments', 'promotions']),
    );
    expect(run.stdout).toContain('"traffic-revert"');
  });

  it('matches the checked-in docs/runbook.schema.json that bbws.yaml points editors at', () => {
    const checkedIn = readFileSync(`${root}docs/runbook.schema.json`, 'utf8');
    expect(checkedIn).toBe(run.stdout);
  });
});

describe('validate and schema commands, in process', () => {
  it('validates the BBWS runbook and prints the plan', async () => {
    const result = await capture(() => validateCommand(`${root}runbooks/bbws.yaml`, { plan: true }));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('valid: BBWS environment promotion');
    expect(result.stdout).toContain('Promote DEV to SIT (dev-to-sit: dev -> sit)');
  });

  it('reports each problem of a malformed runbook on its own line and returns 2', async () => {
    const [fixture] = badFixtures();
    const result = await capture(() => validateCommand(fixture.file, {}));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^${fixture.file}:${fixture.line}:\\d+: `));
  });

  it('returns 2 for a file that cannot be read', async () => {
    const missing = await capture(() => validateCommand(`${root}runbooks/missing.yaml`, {}));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such runbook file');
    const directory = await capture(() => validateCommand(`${root}runbooks`, {}));
    expect(directory.stderr).toContain('is a directory');
  });

  it('prints the JSON Schema', async () => {
    const result = await capture(() => schemaCommand());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).title).toBe('conductor runbook');
  });
});
