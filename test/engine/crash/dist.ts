import { execFile } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The crash and SIGHUP tests drive a session in a child process that a test can SIGKILL, so the
 * child runs built JavaScript, not the TypeScript sources. Each test run builds into a folder of
 * its own (named for the test and this process, under node_modules/.cache so node still finds the
 * packages and the sandbox still finds its stand-in tools in src/): no run races another run, or
 * `npm run build` writing dist/. `remove()` deletes it when the tests are done.
 */
export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const DRIVER = join(ROOT, 'test', 'fixtures', 'crash', 'drive.mjs');
export const RUNBOOK = join(ROOT, 'runbooks', 'bbws.yaml');

const CACHE = join(ROOT, 'node_modules', '.cache');
const ENTRY_POINTS = ['wiring/rehearsal.js', 'core/session/selectors.js', 'services/store/session-store.js'];

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Builds left behind by runs that are gone (a test run killed before its afterAll). */
function removeAbandonedBuilds(): void {
  if (!existsSync(CACHE)) return;
  for (const name of readdirSync(CACHE)) {
    const match = /^conductor-test-dist-.+-(\d+)$/.exec(name);
    if (match && !running(Number(match[1]))) rmSync(join(CACHE, name), { recursive: true, force: true });
  }
}

export interface PrivateDist {
  dir: string;
  remove(): void;
}

export async function buildPrivateDist(name: string): Promise<PrivateDist> {
  removeAbandonedBuilds();
  const dir = join(CACHE, `conductor-test-dist-${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  // Type errors elsewhere in a tree that others are editing do not stop the emit; a missing
  // entry point does.
  const output = await new Promise<string>((resolve) =>
    execFile(
      process.execPath,
      [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dir],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve(`${stdout}${stderr}${error?.signal ? ` (tsc ended by ${error.signal})` : ''}`),
    ),
  );
  const missing = ENTRY_POINTS.filter((file) => !existsSync(join(dir, file)));
  if (missing.length > 0)
    throw new Error(`the build into ${dir} lacks ${missing.join(', ')}:\n${output.slice(0, 4000)}`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
