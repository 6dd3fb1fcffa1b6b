import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// Files that ship with conductor (package.json "files"): the seed runbook and the docs its messages
// cite. They are found from this module's own place, never from the current directory, so an
// installed conductor works from any folder. The module may run from src/ (tests), dist/ or a chunk
// of the bundle (dist/chunks/): the package's folder is the nearest one above with a package.json.

/** The runbook used when no --runbook is given. */
export const PACKAGED_RUNBOOK = join('runbooks', 'bbws.yaml');

function findPackageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return here;
}

let root: string | undefined;

/** The folder conductor is installed in (the checkout, when run from one). */
export function packageRoot(): string {
  root ??= findPackageRoot();
  return root;
}

/**
 * A path as a person reads it in a message: relative to the current directory when it lies below
 * it (`runbooks/bbws.yaml` in the checkout), else absolute (an installed package's file).
 */
export function shownPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** The packaged runbook, as shown (see shownPath). */
export function packagedRunbook(cwd = process.cwd()): string {
  return shownPath(join(packageRoot(), PACKAGED_RUNBOOK), cwd);
}

/** One of the packaged docs (e.g. `runbook-format.md`), as shown: a file that exists wherever conductor runs. */
export function packagedDoc(name: string, cwd = process.cwd()): string {
  return shownPath(join(packageRoot(), 'docs', name), cwd);
}
