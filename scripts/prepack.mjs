#!/usr/bin/env node
// `npm pack` / `npm publish` run this first (package.json "prepack"): build dist/, then keep out of the
// package whatever in dist/ this build did not write. scripts/build.mjs leaves an earlier build's
// chunks in place for an hour (a conductor started before the rebuild may still load one by name),
// and a shared checkout collects many: they are listed in dist/.npmignore, never deleted here, so a
// conductor running from this checkout keeps working while the package is packed.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const REPO = join(import.meta.dirname, '..');
const DIST = join(REPO, 'dist');

const build = spawnSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const stamp = JSON.parse(readFileSync(join(DIST, '.build-stamp.json'), 'utf8'));
const written = new Set(stamp.outputs.map((file) => relative('dist', file).split(sep).join('/')));

const leftOver = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.name !== '.npmignore') {
      const name = relative(DIST, path).split(sep).join('/');
      if (!written.has(name)) leftOver.push(`/${name}`);
    }
  }
};
walk(DIST);
writeFileSync(
  join(DIST, '.npmignore'),
  `# Written by scripts/prepack.mjs: files of dist/ the last build did not write.\n/.npmignore\n${leftOver.sort().join('\n')}\n`,
);
process.stdout.write(`prepack: dist/ built; ${leftOver.length} files of earlier builds left out of the package\n`);
