#!/usr/bin/env node
// Thin launcher: the CLI lives in the build output so startup does not pay for a compiler.
// React's development build keeps debugging data for every render: a full-screen app that redraws
// for hours must run the production build unless a developer asks otherwise.
process.env.NODE_ENV ??= 'production';
import('../dist/cli.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write('conductor is not built yet: run `npm run build` first.\n');
    process.exit(1);
  }
  throw error;
});
