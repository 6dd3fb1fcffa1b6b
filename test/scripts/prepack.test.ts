// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook placeholders are written ${name} on purpose
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killEngines, sessionDir, startConductor } from '../e2e/terminal.js';

const REPO = join(import.meta.dirname, '..', '..');

/**
 * `npm pack` as a release does it (prepack builds), then the package run from a folder of its own:
 * every file a command needs must be in the tarball, since nothing of the checkout is near.
 */
describe('the packed package, run from another directory', { timeout: 300_000 }, () => {
  let work: string;
  let tarball: string;
  let elsewhere: string;
  let unpacked: string;
  const run = (bin: string, ...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], {
      cwd: elsewhere,
      encoding: 'utf8',
      env: { ...process.env, CONDUCTOR_HOME: join(work, 'home'), XDG_CACHE_HOME: join(work, 'cache') },
    });

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'conductor-pack-'));
    elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere);
    const pack = spawnSync('npm', ['pack', '--pack-destination', work, '--json'], {
      cwd: REPO,
      encoding: 'utf8',
    });
    if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
    const [{ filename }] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as [{ filename: string }];
    tarball = join(work, filename);
    unpacked = join(work, 'unpacked', 'node_modules', 'release-conductor');
    mkdirSync(unpacked, { recursive: true });
    const untar = spawnSync('tar', ['xzf', tarball, '-C', unpacked, '--strip-components=1'], {
      encoding: 'utf8',
    });
    if (untar.status !== 0) throw new Error(`tar failed:\n${untar.stderr}`);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('holds the build, the runbook, the docs and the stand-ins, and no earlier build', () => {
    const list = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' }).stdout.split('\n');
    for (const file of [
      'package/bin/conductor.js',
      'package/dist/cli.js',
      'package/dist/sandbox/aws-process.js',
      'package/runbooks/bbws.yaml',
      'package/docs/runbook-format.md',
      'package/docs/aws.md',
      'package/src/sandbox/standins/bin/terraform',
    ])
      expect(list).toContain(file);
    // Exactly the chunks the packed entry can load: an earlier build's stay in dist/ for an hour.
    const reachable = new Set<string>();
    const follow = (file: string) => {
      if (reachable.has(file)) return;
      reachable.add(file);
      const text = readFileSync(join(unpacked, 'dist', file), 'utf8');
      for (const [, name] of text.matchAll(/["']\.\/(?:chunks\/)?([\w-]+-[A-Z0-9]{8}\.js)["']/g))
        follow(`chunks/${name}`);
    };
    for (const [, name] of readFileSync(join(unpacked, 'dist', 'cli.js'), 'utf8').matchAll(
      /["']\.\/chunks\/([\w-]+-[A-Z0-9]{8}\.js)["']/g,
    ))
      follow(`chunks/${name}`);
    const packedChunks = list.filter((f) => /^package\/dist\/chunks\/.*\.js$/.test(f));
    expect(reachable.size).toBeGreaterThan(0);
    expect(packedChunks.map((f) => f.replace('package/dist/', '')).sort()).toEqual([...reachable].sort());
  });

  it('unpacked, validates its own runbook, lists sessions and cites docs that exist in it', () => {
    const root = unpacked;
    const bin = join(root, 'bin', 'conductor.js');

    const validate = run(bin, 'validate');
    expect(validate.stderr).toBe('');
    expect(validate.status).toBe(0);
    expect(validate.stdout).toContain(`${join(root, 'runbooks', 'bbws.yaml')}: valid: `);

    const sessions = run(bin, 'sessions');
    expect(sessions.stderr).toBe('');
    expect(sessions.status).toBe(0);

    // A runbook placeholder, misspelt on purpose.
    const typo = readFileSync(join(root, 'runbooks', 'bbws.yaml'), 'utf8').replace(
      '${version}',
      '${verzion}',
    );
    writeFileSync(join(elsewhere, 'typo.yaml'), typo);
    const invalid = run(bin, 'validate', 'typo.yaml');
    expect(invalid.status).toBe(2);
    const cited = /see (\S+) for the variables/.exec(invalid.stderr)?.[1];
    expect(cited).toBe(join(root, 'docs', 'runbook-format.md'));
    expect(existsSync(cited as string)).toBe(true);
    expect(readdirSync(elsewhere)).toEqual(['typo.yaml']);
  });

  it('installed from the registry into a prefix, validates, rehearses to PROMOTED in a terminal and lists the session, from another directory', {
    timeout: 900_000,
  }, async (context) => {
    // The dependencies come from the registry: without it there is nothing to install, and the
    // unpacked test above has checked the package's own files.
    const ping = spawnSync('npm', ['ping'], { encoding: 'utf8', timeout: 20_000 });
    if (ping.status !== 0)
      context.skip(
        `the npm registry does not answer (npm ping: ${ping.error?.message ?? ping.stderr.trim().split('\n').at(-1)})`,
      );
    const prefix = join(work, 'prefix');
    // --omit=optional: the lean install (no DynamoDB and S3 emulators), which must rehearse too.
    const install = spawnSync(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        tarball,
        '--omit=dev',
        '--omit=optional',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
      ],
      { encoding: 'utf8', timeout: 600_000 },
    );
    expect(install.status, install.stderr).toBe(0);
    const packageDir = join(prefix, 'node_modules', 'release-conductor');
    expect(existsSync(join(prefix, 'node_modules', 'dynalite'))).toBe(false);
    const bin = join(prefix, 'node_modules', '.bin', 'conductor');

    const validate = run(bin, 'validate');
    expect(validate.stderr).toBe('');
    expect(validate.status).toBe(0);
    expect(validate.stdout).toContain(`${join(packageDir, 'runbooks', 'bbws.yaml')}: valid: `);

    const home = join(work, 'home');
    const rehearsal = startConductor(['rehearse', '--autopilot', '--speed', '600'], {
      home,
      bin,
      cwd: elsewhere,
    });
    try {
      // Without the emulators the runbook's aws commands get the stand-in's answers: the header says so.
      await rehearsal.waitForText(['REHEARSAL healthy ×600 AUTOPILOT aws stand-in'], 60_000);
      await rehearsal.waitForText([/ PROMOTED$/m, 'promoted to PROD; every step passed.'], 600_000);
      await rehearsal.press('enter');
      expect((await rehearsal.waitForExit(30_000)).exitCode).toBe(0);
    } finally {
      rehearsal.dispose();
      killEngines(home);
    }

    // The installed stand-ins printed the runbook's names, which the rehearsal passed them.
    const session = sessionDir(home) as string;
    expect(readFileSync(join(session, 'terraform-plan-prod.1.log'), 'utf8')).toContain(
      'Refreshing state... [id=bbws-prod-auth-lambda]',
    );

    const sessions = run(bin, 'sessions');
    expect(sessions.stderr).toBe('');
    expect(sessions.status).toBe(0);
    expect(sessions.stdout).toMatch(/sit-to-prod.*promoted/);
    // The session's files are under CONDUCTOR_HOME, none in the directory it was run from.
    expect(readdirSync(elsewhere).filter((name) => name !== 'typo.yaml')).toEqual([]);
  });
});
