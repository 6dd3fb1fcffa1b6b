// Abort latency: from the byte `x` written to the terminal to the first rollback request the
// sandbox receives, while a GetMetricData call hangs and the canary screen keeps redrawing.
// The sandbox runs in this process, so the key's write time and the request's arrival time
// are read on one clock (performance.now()). One abort ends a session: each trial is one app run.
//
//   npm run build && node bench/abort.mjs [--trials 50] [--speed 600]
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { spawn } from '@lydell/node-pty';
import { appEnv, makeHome, PtyApp, REPO, removeHome } from './lib/pty.mjs';
import { benchRunbook, canaryPercentOf, startBenchSandbox } from './lib/sandbox.mjs';
import { max, median, pause, quantile } from './lib/stats.mjs';

const GET_METRIC_DATA = 'cloudwatch:GetMetricData';

/** Polls `probe` every few ms until it returns a value (or throws on timeout / exit). */
async function until(probe, timeoutMs, what, app) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (app.exitStatus) throw new Error(`the app exited before ${what}: ${app.raw.slice(-1500)}`);
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(5);
  }
}

/** One app run: reach the canary, hang a metrics call, press x, time the first rollback request. */
async function trial({ speed, runbookFile, home }) {
  const bench = await startBenchSandbox({ runbookFile, speed });
  const { sandbox } = bench;
  let stableVersion;
  let canaryShiftedAt;
  let pressedAt;
  let rollbackAt;
  let rollbackRequest;
  let answeredMetricCalls = 0;
  sandbox.onRequest((request) => {
    if (request.operation === 'UpdateStage' && (canaryPercentOf(request) ?? 0) > 0)
      canaryShiftedAt ??= request.realAt;
    if (request.operation === 'UpdateAlias' && stableVersion === undefined)
      stableVersion = request.input?.FunctionVersion;
    if (request.operation === 'GetMetricData' && request.status === 200 && canaryShiftedAt)
      answeredMetricCalls++;
    if (pressedAt !== undefined && rollbackAt === undefined && isRollback(request, stableVersion)) {
      rollbackAt = request.realAt;
      rollbackRequest = `${request.service}:${request.operation}`;
    }
  });
  // The screen is drained, not parsed: this process stays idle so it stamps arrivals promptly.
  const frameFile = join(home, 'frames.log');
  const app = new PtyApp(bench.appArgs, { home, screen: false, env: { CONDUCTOR_FRAME_LOG: frameFile } });
  try {
    await until(() => canaryShiftedAt, 120_000, 'the canary to shift traffic', app);
    // Charts with data on screen first, then one poll left hanging.
    await until(() => answeredMetricCalls >= 2, 30_000, 'two answered metric polls', app);
    // A second of the canary screen drawn, for its frames' figures (the 10% stage lasts 1.5 s at x600).
    await until(() => performance.now() - canaryShiftedAt >= 1000, 30_000, 'a second of canary', app);
    const before = sandbox.world.requestCounts.get(GET_METRIC_DATA) ?? 0;
    sandbox.faults.set({ operation: GET_METRIC_DATA, hang: true });
    await until(
      () => (sandbox.world.requestCounts.get(GET_METRIC_DATA) ?? 0) > before,
      30_000,
      'a GetMetricData call to hang',
      app,
    );
    // A random moment in the render cycle, like a person's finger.
    await pause(10 + Math.random() * 90);
    pressedAt = performance.now();
    app.pty.write('x');
    await until(() => rollbackAt, 10_000, 'the first rollback request', app);
    const frames = await canaryFrames(frameFile, canaryShiftedAt, pressedAt);
    // Where the time went when the key thread sent it: key -> its abort line, then -> the request.
    const keyThreadAt = frames.keythread[0];
    const split =
      keyThreadAt === undefined
        ? undefined
        : {
            toThreadMs: keyThreadAt - (performance.timeOrigin + pressedAt),
            toRequestMs: performance.timeOrigin + rollbackAt - keyThreadAt,
          };
    return { latencyMs: rollbackAt - pressedAt, first: rollbackRequest, frames, split };
  } finally {
    await app.dispose();
    await sandbox.close();
  }
}

/**
 * The screen's frames while the canary ran, before the key (src/terminal/frame-log.ts): the
 * milliseconds of each Ink output pass, read once the log's last batch is written (it flushes
 * every 500 ms).
 */
async function canaryFrames(file, fromReal, toReal) {
  await pause(700);
  const from = performance.timeOrigin + fromReal;
  const to = performance.timeOrigin + toReal;
  const frames = { output: [], keythread: [], seconds: (to - from) / 1000, busy: { ms: 0, frames: 0 } };
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return frames;
  }
  const outputsAt = [];
  const busy = [];
  for (const line of text.split('\n')) {
    const [what, ms, at] = line.split(' ');
    if (what === 'keythread-abort' && Number(at) >= to) frames.keythread.push(Number(at));
    if (what === 'busy') busy.push({ ms: Number(ms), at: Number(at) });
    if (what !== 'output') continue;
    outputsAt.push(Number(at));
    if (Number(at) < from || Number(at) > to) continue;
    frames.output.push(Number(ms));
  }
  // The screen's busy time over the whole sampling intervals inside the canary stretch, and the frames
  // drawn in those intervals: what a frame costs in all (render, layout, output), on average.
  for (let i = 1; i < busy.length; i++) {
    const start = busy[i - 1].at;
    const end = busy[i].at;
    if (start < from || end > to) continue;
    frames.busy.ms += busy[i].ms;
    frames.busy.frames += outputsAt.filter((at) => at > start && at <= end).length;
  }
  return frames;
}

/** Traffic sent back to the stable version: alias on the stable version with no extra weight, or the stage's canary at 0%. */
function isRollback(request, stableVersion) {
  if (request.operation === 'UpdateAlias') {
    const weights = request.input?.RoutingConfig?.AdditionalVersionWeights ?? {};
    return (
      request.input?.FunctionVersion === stableVersion && Object.values(weights).every((w) => Number(w) === 0)
    );
  }
  if (request.operation === 'UpdateStage') {
    const ops = request.input?.patchOperations ?? [];
    const promotes = ops.some((o) => o.path === '/deploymentId');
    return !promotes && (canaryPercentOf(request) === 0 || ops.some((o) => o.op === 'remove'));
  }
  return false;
}

export async function benchAbort({ trials = 50, speed = 600, maxMinutes = 20, log = () => {} } = {}) {
  const latencies = [];
  const outputs = [];
  const busy = { ms: 0, frames: 0 };
  let canarySeconds = 0;
  const firsts = {};
  let byKeyThread = 0;
  const splits = [];
  const failures = [];
  const began = Date.now();
  for (let i = 0; i < trials; i++) {
    if (Date.now() - began > maxMinutes * 60_000) break;
    const home = makeHome();
    try {
      const { latencyMs, first, frames, split } = await trial({
        speed,
        runbookFile: benchRunbook(home),
        home,
      });
      if (split) splits.push(split);
      latencies.push(latencyMs);
      outputs.push(...frames.output);
      busy.ms += frames.busy.ms;
      busy.frames += frames.busy.frames;
      canarySeconds += frames.seconds;
      if (frames.keythread.length > 0) byKeyThread++;
      firsts[first] = (firsts[first] ?? 0) + 1;
      log(`abort trial ${i + 1}/${trials}: ${latencyMs.toFixed(1)} ms (${first})`);
    } catch (error) {
      failures.push(String(error.message ?? error).split('\n')[0]);
      log(`abort trial ${i + 1}/${trials} failed: ${failures.at(-1)}`);
    } finally {
      removeHome(home);
    }
  }
  return {
    trialsAsked: trials,
    trials: latencies.length,
    failures,
    speed,
    medianMs: median(latencies),
    p99Ms: quantile(latencies, 0.99),
    maxMs: max(latencies),
    firstRequest: firsts,
    // Trials whose abort line the key thread sent before the screen's thread saw the key.
    byKeyThread,
    keyToThreadMedianMs: median(splits.map((s) => s.toThreadMs)),
    threadToRequestMedianMs: median(splits.map((s) => s.toRequestMs)),
    // What the screen spent per frame on the canary screen before the key (120x40).
    frames: {
      outputs: outputs.length,
      outputP50Ms: median(outputs),
      outputP99Ms: quantile(outputs, 0.99),
      perSecond: canarySeconds > 0 ? Math.round((outputs.length / canarySeconds) * 10) / 10 : undefined,
      // The screen's thread busy, per frame drawn (everything a frame costs, averaged).
      busyPerFrameMs: busy.frames > 0 ? busy.ms / busy.frames : undefined,
    },
    latenciesMs: latencies.map((v) => Math.round(v * 10) / 10),
  };
}

/**
 * The floor under the abort path on this machine at this moment: a bare Node process in a pty
 * that sends one HTTP request per key byte. What the app adds is the abort figure minus this.
 */
export async function benchKeyFloor({ trials = 30 } = {}) {
  let arrived;
  const server = createServer((_req, res) => {
    arrived?.(performance.now());
    res.end('ok');
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const child = `process.stdin.setRawMode(true); const agent = new (require('http').Agent)({ keepAlive: true });
    process.stdin.on('data', () => require('http').request(${JSON.stringify(url)}, { method: 'POST', agent }, (r) => r.resume()).end());
    console.log('ready');`;
  const home = makeHome();
  const pty = spawn(process.execPath, ['-e', child], { cols: 120, rows: 40, cwd: REPO, env: appEnv(home) });
  let output = '';
  pty.onData((data) => {
    output += data;
  });
  const latencies = [];
  try {
    for (let i = 0; i < 200 && !output.includes('ready'); i++) await pause(20);
    for (let i = 0; i < trials; i++) {
      const at = new Promise((done) => {
        arrived = done;
      });
      await pause(20 + Math.random() * 80);
      const pressedAt = performance.now();
      pty.write('x');
      latencies.push((await at) - pressedAt);
    }
  } finally {
    pty.kill('SIGKILL');
    server.close();
    server.closeAllConnections();
    removeHome(home);
  }
  return { trials, medianMs: median(latencies), p99Ms: quantile(latencies, 0.99) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const result = await benchAbort({
    trials: arg('trials', 50),
    speed: arg('speed', 600),
    log: (line) => console.error(line),
  });
  const floor = await benchKeyFloor();
  console.log(`json ${JSON.stringify({ bench: 'abort', ...result, floor })}`);
}
