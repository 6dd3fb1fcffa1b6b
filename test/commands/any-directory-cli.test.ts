import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';

// The built CLI (`npm run build` first; `npm test` does it), run the way a user runs an installed
// conductor: from a folder of their own, with no runbooks/ or docs/ in it.
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'conductor.js');
const seedFile = join(root, 'runbooks', 'bbws.yaml');

describe('conductor from a directory that is not its own', () => {
  let dir: string;
  const conductor = (...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CONDUCTOR_HOME: join(dir, 'home'), XDG_CACHE_HOME: join(dir, 'cache') },
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'conductor-elsewhere-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('validates the packaged runbook when no file is given', () => {
    const run = conductor('validate');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toMatch(
      new RegExp(
        `^${seedFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: valid: .*: 3 environments, 2 promotions`,
      ),
    );
    expect(readdirSync(dir)).not.toContain('runbooks');
  });

  it('lists sessions', () => {
    const run = conductor('sessions');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('No sessions yet');
  });

  it('says where --runbook and --promotion come from in the help', () => {
    for (const command of ['rehearse', 'start']) {
      const help = conductor(command, '--help').stdout.replace(/\s+/g, ' ');
      expect(help).toContain('--runbook <file> runbook file (default: the runbook shipped with conductor');
      expect(help).toContain("(default: the runbook's only promotion, else");
    }
  });

  it('start refuses a runbook with two canary promotions and no --promotion, naming both (exit 2)', () => {
    const doc = parseDocument(readFileSync(seedFile, 'utf8'));
    const promotions = doc.get('promotions') as YAMLSeq<YAMLMap>;
    const copy = (promotions.items.find((p) => p.get('id') === 'sit-to-prod') as YAMLMap).clone() as YAMLMap;
    copy.set('id', 'sit-to-dr');
    promotions.items.push(copy);
    writeFileSync(join(dir, 'two-canaries.yaml'), doc.toString());

    const run = conductor('start', '--runbook', 'two-canaries.yaml');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'conductor: two-canaries.yaml has 2 promotions with a canary step, so none is the default: name one with --promotion (sit-to-prod, sit-to-dr).\n',
    );
  });

  it('cites a runbook-format.md that exists from here', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a runbook placeholder, misspelt on purpose
    const text = readFileSync(seedFile, 'utf8').replace(/\$\{version\}/, '${verzion}');
    writeFileSync(join(dir, 'typo.yaml'), text);
    const run = conductor('validate', 'typo.yaml');
    expect(run.status).toBe(2);
    const cited = /see (\S+runbook-format\.md) for the variables/.exec(run.stderr)?.[1];
    expect(cited, run.stderr).toBeDefined();
    expect(cited).toBe(join(root, 'docs', 'runbook-format.md'));
    expect(existsSync(cited as string)).toBe(true);
  });
});
