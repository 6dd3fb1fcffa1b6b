import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The crash and SIGHUP tests drive a session in a child process that a test can SIGKILL, so the
 * child runs built JavaScript, not the TypeScript sources. Each test file builds into a folder of
 * its own (under node_modules/.cache, so node still finds the packages and the sandbox still finds
 * its stand-in tools in src/): no test races another build or `npm run build` writing dist/.
 */
export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const DRIVER = join(ROOT, 'test', 'fixtures', 'crash', 'drive.mjs');
export const RUNBOOK = join(ROOT, 'runbooks', 'bbws.yaml');

export async function buildPrivateDist(name: string): Promise<string> {
  const outDir = join(ROOT, 'node_modules', '.cache', `conductor-${name}-dist`);
  rmSync(outDir, { recursive: true, force: true });
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  // Type errors elsewhere in a tree that others are editing do not stop the emit; a missing
  // entry point does.
  const output = await new Promise<string>((resolve) =>
    execFile(
      process.execPath,
      [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (_error, stdout, stderr) => resolve(`${stdout}${stderr}`),
    ),
  );
  if (!existsSync(join(outDir, 'wiring', 'rehearsal.js')))
    throw new Error(`the build into ${outDir} produced no wiring/rehearsal.js:\n${output.slice(0, 4000)}`);
  return outDir;
}
