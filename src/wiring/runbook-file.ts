import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { Runbook } from '../core/runbook/schema.js';
import { UserError } from '../errors.js';
import { packagedDoc } from '../services/package-files.js';
import { ownPrivateDir } from '../services/store/paths.js';

// Apart from session-runtime.ts, and with the parser imported only when it must run: a screen
// checks its runbook before its first frame, and parsing 40 kB of YAML and validating it costs more
// than starting node (docs/performance.md, startup). A runbook this build has validated before is
// read back from a cache instead.

/**
 * The fingerprint of the build (scripts/build.mjs puts it in the bundle): it changes with any
 * source or package, so a cached runbook is one this very parser accepted. Unset when running from
 * src/ (tests) or an unbundled build: then nothing is cached.
 */
declare const __CONDUCTOR_BUILD__: string | undefined;
const BUILD = typeof __CONDUCTOR_BUILD__ === 'string' ? __CONDUCTOR_BUILD__ : undefined;

/** Entries not written again for this long are removed when a new one is written. */
const CACHE_KEEP_MS = 7 * 24 * 60 * 60 * 1000;

export interface LoadedRunbook {
  file: string;
  text: string;
  runbook: Runbook;
}

/** $XDG_CACHE_HOME/conductor/runbooks (else ~/.cache/...): the user's own, 0700. */
export function runbookCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'conductor', 'runbooks');
}

export interface RunbookCache {
  /** What the cache is keyed by besides the text: the build's fingerprint. */
  build: string;
  dir: string;
}

function cacheFile(cache: RunbookCache, text: string): string {
  const key = createHash('sha256').update(cache.build).update('\0').update(text).digest('hex');
  return join(cache.dir, `${key}.v8`);
}

function cached(cache: RunbookCache, text: string): Runbook | undefined {
  try {
    return deserialize(readFileSync(cacheFile(cache, text))) as Runbook;
  } catch {
    return undefined; // not cached yet, or unreadable: parse
  }
}

function remember(cache: RunbookCache, text: string, runbook: Runbook): void {
  try {
    const dir = ownPrivateDir(cache.dir);
    const file = cacheFile(cache, text);
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, serialize(runbook), { mode: 0o600 });
    renameSync(temporary, file);
    const now = Date.now();
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (now - statSync(path).mtimeMs > CACHE_KEEP_MS) rmSync(path, { force: true });
    }
  } catch {
    // a cache that cannot be written only costs the next start the parse
  }
}

/** Read and validate a runbook; problems become one UserError (exit 2) listing file:line:col. */
export async function loadRunbook(
  file: string,
  cache: RunbookCache | undefined = BUILD === undefined
    ? undefined
    : { build: BUILD, dir: runbookCacheDir() },
): Promise<LoadedRunbook> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UserError(`${file}: no such runbook file.`);
  }
  const known = cache && cached(cache, text);
  if (known) return { file: path, text, runbook: known };
  const { formatProblem, parseRunbook } = await import('../core/runbook/parse.js');
  const parsed = parseRunbook(text, file, packagedDoc('runbook-format.md'));
  if (!parsed.ok) throw new UserError(parsed.problems.map(formatProblem).join('\n'));
  if (cache) remember(cache, text, parsed.runbook);
  return { file: path, text, runbook: parsed.runbook };
}
