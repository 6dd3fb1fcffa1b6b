#!/usr/bin/env node
// `npm run build`: dist/ from src/ with esbuild, in about a second, and not at all when nothing that
// goes into it has changed (a fingerprint of every input's content, kept in dist/.build-stamp.json).
//
//   dist/cli.js, dist/chunks/   the CLI bundled with its packages: what bin/conductor.js runs. One
//                               file to read and parse instead of some 1200 modules to resolve, so
//                               the first frame comes sooner (docs/performance.md, startup). Each
//                               command's code is a chunk loaded when the command runs.
//   dist/**                     every other module of src/ on its own, same layout as src/: the
//                               rehearsal's AWS process (dist/sandbox/aws-process.js), the benches
//                               and the tests that load built modules by path.
//
// Types are not checked here: `npm run typecheck` does that (CI runs it before `npm test`).
//
//   node scripts/build.mjs [--force] [--metafile FILE]   (FILE: esbuild's account of the bundle:
//                                                         which module went into which chunk)
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { inkOutputPlugin } from './ink-output-patch.mjs';
import { yogaWasmPlugin } from './yoga-wasm-patch.mjs';

const REPO = join(import.meta.dirname, '..');
const SRC = join(REPO, 'src');
const DIST = join(REPO, 'dist');
const STAMP = join(DIST, '.build-stamp.json');
const CHUNKS = 'chunks';
// A chunk of an earlier build stays this long: a conductor started before the rebuild may still
// load one of its commands' chunks by name.
const KEEP_OLD_CHUNKS_MS = 60 * 60 * 1000;

/** Every file under `dir`, as paths relative to the repository, sorted. */
function filesUnder(dir) {
  const found = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) found.push(relative(REPO, path));
    }
  };
  walk(dir);
  return found.sort();
}

/**
 * What the build is made from: every file of src/ (so an added, changed or removed file counts),
 * the package manifests and the installed packages' lock (packages are bundled in), the compiler
 * settings and this script.
 */
function fingerprint() {
  const inputs = [
    ...filesUnder(SRC),
    'package.json',
    'package-lock.json',
    join('node_modules', '.package-lock.json'),
    'tsconfig.json',
    relative(REPO, import.meta.filename),
    join('scripts', 'ink-output-patch.mjs'),
    join('scripts', 'yoga-wasm-patch.mjs'),
  ];
  const hash = createHash('sha256');
  for (const file of inputs) {
    hash.update(`${file}\0`);
    hash.update(existsSync(join(REPO, file)) ? readFileSync(join(REPO, file)) : '(none)');
    hash.update('\0');
  }
  return hash.digest('hex');
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The last build is this fingerprint's and every file it wrote is still there. */
function upToDate(stamp, print) {
  return (
    stamp?.fingerprint === print &&
    Array.isArray(stamp.outputs) &&
    stamp.outputs.every((file) => existsSync(join(REPO, file)))
  );
}

/** Written beside, then renamed: a conductor starting meanwhile reads the old file or the new, never half. */
function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

const depth = (path) => path.split(sep).length - 1;

/**
 * Modules that name files relative to their own URL (`new URL('../package.json', import.meta.url)`:
 * the package.json, the launcher, the AWS process) must land in the bundle at the depth below dist/
 * that they have below src/, so `../../bin/conductor.js` still means the same file. Refuses a bundle
 * that moved one.
 */
function checkRelativePaths(metafile) {
  const problems = [];
  for (const [output, { inputs }] of Object.entries(metafile.outputs)) {
    if (output.endsWith('.map')) continue;
    for (const input of Object.keys(inputs)) {
      if (!input.startsWith('src/')) continue;
      const source = readFileSync(join(REPO, input), 'utf8');
      if (!/new URL\(\s*['"`]\.\.?\//.test(source)) continue;
      const from = relative(SRC, join(REPO, input));
      const to = relative(DIST, join(REPO, output));
      if (depth(from) !== depth(to))
        problems.push(`${input} resolves paths from its own location but was bundled into ${output}`);
    }
  }
  return problems;
}

async function build(print) {
  const esbuild = await import('esbuild');
  const common = {
    platform: 'node',
    format: 'esm',
    target: 'node20',
    jsx: 'automatic',
    sourcemap: true,
    write: false,
    logLevel: 'silent',
    absWorkingDir: REPO,
  };
  const modules = filesUnder(SRC).filter(
    (f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts') && f !== join('src', 'cli.ts'),
  );
  const [tree, bundle] = await Promise.all([
    esbuild.build({ ...common, entryPoints: modules, outbase: 'src', outdir: 'dist' }),
    esbuild.build({
      ...common,
      entryPoints: { cli: 'src/cli.ts' },
      outdir: 'dist',
      bundle: true,
      splitting: true,
      chunkNames: `${CHUNKS}/[name]-[hash]`,
      metafile: true,
      // Ink's frame assembly remembers what did not change between frames (scripts/ink-output-patch.mjs);
      // yoga's wasm is compiled from its bytes, not fetched through undici (scripts/yoga-wasm-patch.mjs).
      plugins: [inkOutputPlugin(REPO), yogaWasmPlugin(REPO)],
      // Less to read and parse before the first frame; names kept for messages and stack traces.
      minify: true,
      keepNames: true,
      // Keys the runbook cache (src/wiring/runbook-file.ts): a new build never trusts an old parse.
      // React's production build only (bin/conductor.js sets production unless asked otherwise): the
      // development builds would double the largest chunk the first frame loads. React's checks
      // still run in the tests, which load src/.
      define: { __CONDUCTOR_BUILD__: JSON.stringify(print), 'process.env.NODE_ENV': '"production"' },
      // Loaded by path in a process or worker of their own (the emulators, the load test), or only
      // by Ink's developer tools: left to node_modules.
      external: ['dynalite', 's3rver', 's3rver/*', 'autocannon', 'react-devtools-core'],
      // Packages written as CommonJS call require(); an ES module has none of its own.
      banner: {
        js: "import { createRequire as __conductorCreateRequire } from 'node:module';\nconst require = __conductorCreateRequire(import.meta.url);",
      },
    }),
  ]);
  const metafileAt = process.argv.indexOf('--metafile');
  if (metafileAt > 0) writeFileSync(process.argv[metafileAt + 1], JSON.stringify(bundle.metafile));
  const problems = checkRelativePaths(bundle.metafile);
  if (problems.length) throw new Error(problems.join('\n'));

  // Chunks first and the entry last: a conductor starting meanwhile finds every chunk it names.
  const entry = (f) => relative(DIST, f.path).startsWith(`cli.js`);
  const ordered = [
    ...tree.outputFiles,
    ...bundle.outputFiles.filter((f) => !entry(f)),
    ...bundle.outputFiles.filter(entry),
  ];
  for (const file of ordered) writeAtomically(file.path, file.contents);
  const outputs = ordered.map((f) => relative(REPO, f.path));

  const current = new Set(outputs);
  const chunkDir = join(DIST, CHUNKS);
  for (const name of existsSync(chunkDir) ? readdirSync(chunkDir) : []) {
    const path = join(chunkDir, name);
    if (!current.has(relative(REPO, path)) && Date.now() - statSync(path).mtimeMs > KEEP_OLD_CHUNKS_MS)
      rmSync(path, { force: true });
  }
  return outputs;
}

const force = process.argv.includes('--force') || process.argv.includes('--metafile');
const print = fingerprint();
const stamp = readStamp();
if (!force && upToDate(stamp, print)) {
  // Rewritten so dist/ is newer than src/ again for anyone comparing times (test/e2e/terminal.ts).
  writeAtomically(STAMP, JSON.stringify(stamp));
} else {
  try {
    const outputs = await build(print);
    writeAtomically(STAMP, JSON.stringify({ fingerprint: print, outputs }));
  } catch (error) {
    const errors = error?.errors?.length
      ? error.errors.map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`)
      : [error instanceof Error ? error.message : String(error)];
    process.stderr.write(`build failed:\n${errors.join('\n')}\n`);
    process.exit(1);
  }
}
