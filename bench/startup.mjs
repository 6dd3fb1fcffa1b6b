// Startup: `conductor --version`, and the time until the home screen's first frame is on the
// terminal, each against `node -e 0` measured in the same run (a ratio survives a slower machine).
//
//   npm run build && node bench/startup.mjs [--runs 10]
import { spawn } from 'node:child_process';
import { BIN, makeHome, PtyApp, REPO, removeHome } from './lib/pty.mjs';
import { median } from './lib/stats.mjs';

const HOME_TEXT = 'Sessions to resume, newest first';

function timeProcess(args) {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(performance.now() - began) : reject(new Error(`${args.join(' ')} exited ${code}`)),
    );
  });
}

/** Spawn to the first parsed frame that shows the home screen, in a 120x40 pty. */
async function timeHomeScreen() {
  const home = makeHome();
  const began = performance.now();
  const app = new PtyApp(['rehearse'], { home });
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

export async function benchStartup({ runs = 10 } = {}) {
  const node = [];
  const version = [];
  const homeScreen = [];
  // Interleaved, so a burst of load from elsewhere on the machine hits all three alike.
  for (let i = 0; i < runs; i++) {
    node.push(await timeProcess(['-e', '0']));
    version.push(await timeProcess([BIN, '--version']));
    homeScreen.push(await timeHomeScreen());
  }
  const base = median(node);
  return {
    runs,
    nodeMs: base,
    versionMs: median(version),
    homeScreenMs: median(homeScreen),
    versionRatio: median(version) / base,
    homeScreenRatio: median(homeScreen) / base,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--runs');
  const result = await benchStartup({ runs: i > 0 ? Number(process.argv[i + 1]) : 10 });
  console.log(`json ${JSON.stringify({ bench: 'startup', ...result })}`);
}
