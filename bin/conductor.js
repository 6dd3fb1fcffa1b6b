#!/usr/bin/env node
// Thin launcher: the CLI lives in the build output so startup does not pay for a compiler.
import { setFlagsFromString } from 'node:v8';

// A full-screen app that redraws for hours on a shared jump host should hold what it uses, not
// what V8 would let it grow to: no doubling of the young generation (its default grows to 32 MB)
// and an old generation that grows by a quarter, not by half or more, before the next major
// collection. Both flags are read by the collector as it runs, so setting them here, before
// anything is loaded, applies to the whole process. Measured by bench/watch.mjs (docs/performance.md):
// RSS about 120 MB instead of 160-250 MB, for 2 points of CPU.
setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--heap-growing-percent=25');

// React's development build keeps debugging data for every render: a full-screen app that redraws
// for hours must run the production build unless a developer asks otherwise.
process.env.NODE_ENV ??= 'production';
// The build is bundled and minified (scripts/build.mjs): a stack trace asked for names src/ lines.
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
import('../dist/cli.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write('conductor is not built yet: run `npm run build` first.\n');
    process.exit(1);
  }
  throw error;
});
