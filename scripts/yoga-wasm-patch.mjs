// yoga-layout's WebAssembly (Ink's layout), instantiated from its own bytes instead of fetched.
//
// Emscripten's loader in yoga-layout carries the wasm as a base64 `data:` URL and, whenever `fetch`
// is a function, fetches that URL and compiles it with WebAssembly.instantiateStreaming. On Node 20
// `fetch` is global, so the first frame paid for loading undici and node:http2 (and their internal
// modules' compilation) only to decode a string it already held: about 25 ms of the home screen's
// ~280 ms on a quiet machine (bench/startup, docs/performance.md). With the two `fetch` checks made
// false, the loader takes its own path for environments without fetch: it decodes the base64 and
// calls WebAssembly.instantiate on the bytes. The bundle (scripts/build.mjs) loads this in place of
// yoga's file; the tests and anything run from src/ use yoga's own. yoga-layout is pinned by Ink's
// range and the lock file: when its text changes, the build stops here rather than ship half a patch.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const FETCH_CHECK = '"function"!=typeof fetch';
const CHECKS = 2;

export function yogaWasmFile(repo) {
  return join(repo, 'node_modules', 'yoga-layout', 'dist', 'binaries', 'yoga-wasm-base64-esm.js');
}

/** yoga's loader with both `fetch` checks answered "no fetch here". */
export function patchYogaWasm(source) {
  const found = source.split(FETCH_CHECK).length - 1;
  if (found !== CHECKS)
    throw new Error(
      `yoga-layout's wasm loader changed: expected ${CHECKS} \`${FETCH_CHECK}\` checks, found ${found}; update scripts/yoga-wasm-patch.mjs.`,
    );
  return source.replaceAll(FETCH_CHECK, 'true');
}

export function yogaWasmPlugin(repo) {
  const file = yogaWasmFile(repo);
  return {
    name: 'yoga-wasm-patch',
    setup(build) {
      build.onLoad({ filter: /[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => {
        if (args.path !== file) return undefined;
        return { contents: patchYogaWasm(readFileSync(file, 'utf8')), loader: 'js', resolveDir: dirname(file) };
      });
    },
  };
}
