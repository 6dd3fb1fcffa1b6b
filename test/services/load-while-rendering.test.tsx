import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadStep } from '../../src/core/runbook/schema.js';
import type { SessionEvent } from '../../src/core/session/events.js';
import { runLoad } from '../../src/services/load.js';
import { BUILD_TIMEOUT_MS, ensureBuilt, REPO } from '../e2e/terminal.js';
import { canaryEvents, fold, MIN, sample, split, T0 } from '../screens/fixtures.js';

/**
 * The load step measures the application, not the conductor. A person watches a canary screen
 * while a load test runs (a second promotion on the same jump host, or this one's screen open): the
 * screen is a process of its own, and the engine, in a session of its own, times the requests on a
 * worker thread (services/load-worker.ts). Here the built canary screen is drawn frame after frame
 * in such a process, and the load test's p95 is compared with the same test while the drawing is
 * stopped. The server answers every request after a fixed 100 ms, in a process of its own.
 * (A blocked main thread in the engine itself: load-busy.test.ts.)
 */
const SERVER_DELAY_MS = 100;
const ROUNDS = 5;
const REQUESTS = 40;
const STAGE = T0 + 3 * 60 * MIN;

/**
 * Draws the built Canary screen at 120x40 as the app redraws it in a busy rehearsal (the clock each
 * second, a sample and a traffic read each poll: about 4 frames a second), printing the frame count.
 */
const SCREEN_PROCESS = `
import { readFileSync } from 'node:fs';
const [repo, stateFile] = process.argv.slice(1);
const { render } = await import(repo + '/node_modules/ink-testing-library/build/index.js');
const React = (await import(repo + '/node_modules/react/index.js')).default;
const { Canary } = await import(repo + '/dist/screens/Canary.js');
const { parseRunbook } = await import(repo + '/dist/core/runbook/parse.js');
const { runbook } = parseRunbook(readFileSync(repo + '/runbooks/bbws.yaml', 'utf8'), 'runbooks/bbws.yaml');
const promotion = runbook.promotions.find((p) => p.id === 'sit-to-prod');
const { state, now } = JSON.parse(readFileSync(stateFile, 'utf8'));
const screen = (at) => React.createElement(Canary, { runbook, promotion, width: 120, height: 40, state, now: at });
const app = render(screen(now));
let frames = 0;
if (!app.lastFrame().includes('ABORT & ROLL BACK')) throw new Error('not the canary screen');
setInterval(() => process.stdout.write(frames + '\\n'), 100);
for (;;) {
  const started = performance.now();
  app.rerender(screen(now + frames * 1000));
  frames++;
  await new Promise((done) => setTimeout(done, Math.max(0, 250 - (performance.now() - started))));
}
`;

/** A canary stage with an hour of samples: two charts and a table full of figures to draw. */
function busyStage(): SessionEvent[] {
  const events: SessionEvent[] = [...canaryEvents(STAGE)];
  for (let minute = 1; minute <= 60; minute++) {
    events.push(
      sample(STAGE + minute * MIN, 1, {
        verdict: minute % 7 === 0 ? 'WATCH' : 'PASS',
        errPct: 0.1 + (minute % 5) * 0.1,
        p95: 190 + (minute % 9) * 4,
      }),
    );
  }
  events.push({ type: 'traffic.read', at: STAGE + 60 * MIN, split: split(25, STAGE + 60 * MIN) });
  return events;
}

let server: ChildProcess;
let screen: ChildProcess;
let base = '';
let frames = 0;
const dir = mkdtempSync(join(tmpdir(), 'conductor-load-render-'));

beforeAll(async () => {
  ensureBuilt();
  server = spawn(process.execPath, [
    '-e',
    `require('http').createServer((q, s) => setTimeout(() => s.end('ok'), ${SERVER_DELAY_MS})).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`,
  ]);
  const port = await new Promise<string>((resolve) =>
    server.stdout?.once('data', (d) => resolve(String(d).trim())),
  );
  base = `http://127.0.0.1:${port}`;

  const stateFile = join(dir, 'state.json');
  writeFileSync(stateFile, JSON.stringify({ state: fold(busyStage()), now: STAGE + 60 * MIN }));
  // Detached, as the app's screen and engine are: each its own session.
  screen = spawn(process.execPath, ['--input-type=module', '-e', SCREEN_PROCESS, REPO, stateFile], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  screen.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  screen.stdout?.on('data', (d) => {
    frames = Number(String(d).trim().split('\n').at(-1));
  });
  const deadline = Date.now() + 60_000;
  while (frames < 2) {
    if (screen.exitCode !== null || Date.now() > deadline)
      throw new Error(`the screen process did not draw: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, BUILD_TIMEOUT_MS);

afterAll(() => {
  server?.kill();
  screen?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('the load step while a screen draws the canary', () => {
  it('reports a p95 within 10% of its value while nothing draws', async () => {
    // Two connections: the p95 is the server's 100 ms and the measuring side's delays, not a queue
    // of answers waiting their turn on a starved machine.
    const step: LoadStep = {
      id: 'load',
      title: 'Load test',
      kind: 'load',
      url: `${base}/`,
      method: 'GET',
      requests: REQUESTS,
      concurrency: 2,
      maxErrorRatePct: 1,
      maxP95: 5_000,
    };
    const idle: number[] = [];
    const busy: number[] = [];
    const drawn: number[] = [];
    // Quiet and drawing in turn: each pair shares the machine's load of the moment.
    for (let round = 0; round < ROUNDS; round++) {
      screen.kill('SIGSTOP');
      const quiet = await runLoad(step);
      expect(quiet.requests).toBe(REQUESTS);
      idle.push(quiet.p95Ms);

      screen.kill('SIGCONT');
      const from = frames;
      const loaded = await runLoad(step);
      expect(loaded.requests).toBe(REQUESTS);
      busy.push(loaded.p95Ms);
      drawn.push(frames - from);
    }
    const figures = `idle p95s ${idle.join(', ')} ms; drawing ${busy.join(', ')} ms; frames ${drawn.join(', ')}`;
    // The screen really drew during every drawing run.
    for (const count of drawn) expect(count, figures).toBeGreaterThanOrEqual(2);
    expect(median(idle), figures).toBeGreaterThanOrEqual(SERVER_DELAY_MS);
    // Round by round, the drawing run against the quiet one next to it.
    const ratios = busy.map((p95, i) => p95 / idle[i]);
    expect(median(ratios), figures).toBeLessThanOrEqual(1.1);
  }, 120_000);
});
