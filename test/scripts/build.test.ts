import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');

/**
 * scripts/build.mjs in a small checkout of its own (a src/ of a few modules, the real node_modules),
 * so rebuilding and editing sources never touches the shared dist/.
 */
describe('npm run build (scripts/build.mjs): rebuilds exactly when an input changed', {
  timeout: 240_000,
}, () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const build = () => {
    const run = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { encoding: 'utf8' });
    return { code: run.status, stderr: run.stderr };
  };
  const runCli = () =>
    execFileSync(process.execPath, [join(root, 'dist', 'cli.js')], { encoding: 'utf8' }).trim();
  /** The entry's inode: a skipped build leaves the file as it was; a build writes a new one. */
  const entryInode = () => statSync(join(root, 'dist', 'cli.js')).ino;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'conductor-build-'));
    mkdirSync(join(root, 'scripts'));
    for (const script of ['build.mjs', 'ink-output-patch.mjs', 'yoga-wasm-patch.mjs'])
      copyFileSync(join(REPO, 'scripts', script), join(root, 'scripts', script));
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
    write('package.json', '{ "type": "module" }\n');
    write('src/cli.ts', "import { word } from './word.js';\nconsole.log(word);\n");
    write('src/word.ts', "export const word: string = 'first';\n");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('builds, skips when nothing changed, and rebuilds on a changed, added or missing file', () => {
    expect(build().code).toBe(0);
    expect(runCli()).toBe('first');
    // Every module also on its own, beside the bundle (the benches and tests load them by path).
    expect(readFileSync(join(root, 'dist', 'word.js'), 'utf8')).toContain('first');

    const built = entryInode();
    expect(build().code).toBe(0);
    expect(entryInode()).toBe(built);

    // A source saved again unchanged (newer mtime, same content): nothing to do.
    write('src/word.ts', "export const word: string = 'first';\n");
    expect(build().code).toBe(0);
    expect(entryInode()).toBe(built);

    // A changed source rebuilds even when its time says it is older than the build.
    write('src/word.ts', "export const word: string = 'second';\n");
    utimesSync(join(root, 'src', 'word.ts'), new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect(build().code).toBe(0);
    expect(runCli()).toBe('second');

    // A new module, and the entry importing it.
    write('src/other.ts', "export const other = 'third';\n");
    write('src/cli.ts', "import { other } from './other.js';\nconsole.log(other);\n");
    expect(build().code).toBe(0);
    expect(runCli()).toBe('third');

    // An output removed by hand is written again.
    rmSync(join(root, 'dist', 'other.js'));
    expect(build().code).toBe(0);
    expect(readFileSync(join(root, 'dist', 'other.js'), 'utf8')).toContain('third');
  });

  it('fails, saying where, on a syntax error, and builds again once it is fixed', () => {
    write('src/word.ts', "export const word: string = 'first;\n");
    const failed = build();
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/src\/word\.ts:1: /);
    write('src/word.ts', "export const word: string = 'fixed';\n");
    expect(build().code).toBe(0);
    expect(runCli()).toBe('fixed');
  });

  it('refuses a bundle that moves a module naming files relative to itself to another depth', () => {
    write('src/cli.ts', "const { where } = await import('./deep/down/where.js');\nconsole.log(where);\n");
    write('src/deep/down/where.ts', "export const where = new URL('../../x.json', import.meta.url).href;\n");
    const failed = build();
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('src/deep/down/where.ts resolves paths from its own location');
  });
});
