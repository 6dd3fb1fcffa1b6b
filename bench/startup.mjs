// Startup: `conductor --version`, `conductor` with no arguments (its help, exit 2), and the time
// until the home screen's first frame is on the terminal, each against `node -e 0` measured in the
// same run (a ratio survives a slower machine). The home screen is timed after one untimed start,
// as a person meets it: the runbook checked by this build once before (src/wiring/runbook-file.ts);
// the first start of a build or of an edited runbook is timed on its own row.
//
//   npm run build && node bench/startup.mjs [--runs 10] [--baseline OTHER/bin/conductor.js]
//
// --baseline also times another build's home screen in the same runs (before/after figures).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, makeHome, PtyApp, REPO, removeHome } from './lib/pty.mjs';
import { median } from './lib/stats.mjs';

const HOME_TEXT = 'Sessions to resume, newest first';

function timeProcess(args, expectedCode = 0) {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === expectedCode
        ? resolve(performance.now() - began)
        : reject(new Error(`${args.join(' ')} exited ${code}`)),
    );
  });
}

/** Spawn to the first parsed frame that shows the home screen, in a 120x40 pty. */
async function timeHomeScreen({ bin = BIN, env = {} } = {}) {
  const home = makeHome();
  const began = performance.now();
  const app = new PtyApp(['rehearse'], { home, bin, env });
  try {
    const shownAt = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no home screen after 30 s:\n${app.screenText()}`)),
        30_000,
      );
      app.onScreen = () => {
        if (app.screenText().includes(HOME_TEXT)) {
          clearTimeout(timer);
          resolve(performance.now());
        }
      };
      app.exited.then((status) => reject(new Error(`the app exited ${JSON.stringify(status)}`)));
    });
    return shownAt - began;
  } finally {
    await app.dispose();
    removeHome(home);
  }
}

export async function benchStartup({ runs = 10, baseline } = {}) {
  const node = [];
  const version = [];
  const noArgs = [];
  const homeScreen = [];
  const firstStart = [];
  const before = [];
  // A cache folder of this run's own: the first start of each run finds it empty.
  const cache = mkdtempSync(join(tmpdir(), 'conductor-bench-cache-'));
  try {
    // Interleaved, so a burst of load from elsewhere on the machine hits all of them alike.
    for (let i = 0; i < runs; i++) {
      const cacheHome = join(cache, String(i));
      node.push(await timeProcess(['-e', '0']));
      version.push(await timeProcess([BIN, '--version']));
      noArgs.push(await timeProcess([BIN], 2));
      firstStart.push(await timeHomeScreen({ env: { XDG_CACHE_HOME: cacheHome } }));
      homeScreen.push(await timeHomeScreen({ env: { XDG_CACHE_HOME: cacheHome } }));
      if (baseline) before.push(await timeHomeScreen({ bin: baseline, env: { XDG_CACHE_HOME: cacheHome } }));
    }
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
  const base = median(node);
  return {
    runs,
    nodeMs: base,
    versionMs: median(version),
    noArgsMs: median(noArgs),
    homeScreenMs: median(homeScreen),
    firstStartMs: median(firstStart),
    versionRatio: median(version) / base,
    noArgsRatio: median(noArgs) / base,
    homeScreenRatio: median(homeScreen) / base,
    firstStartRatio: median(firstStart) / base,
    ...(baseline && {
      baseline,
      baselineHomeScreenMs: median(before),
      baselineHomeScreenRatio: median(before) / base,
    }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const option = (name) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const result = await benchStartup({ runs: Number(option('runs') ?? 10), baseline: option('baseline') });
  console.log(`json ${JSON.stringify({ bench: 'startup', ...result })}`);
}
