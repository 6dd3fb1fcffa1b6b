// Cost of watching: CPU and memory of `conductor rehearse --autopilot --speed 60` (as a person
// runs it: the sandbox and the DynamoDB/S3 emulators in a child process of their own, measured
// apart as the rehearsal's stand-in for AWS) sampled every second from the moment the canary shifts
// traffic, for 5 minutes: the four 15-minute stages (60 s), final validation, the 2-hour
// monitoring window (120 s) and the summary that follows, charts redrawing throughout.
//
//   npm run build && node bench/watch.mjs [--minutes 5] [--speed 60] [--sandbox-outside] [--node-options '--max-old-space-size=128']
import { readdirSync, readFileSync } from 'node:fs';
import { journalEvents } from './lib/journal.mjs';
import { enginePids, makeHome, PtyApp, removeHome } from './lib/pty.mjs';
import { benchRunbook, startBenchSandbox } from './lib/sandbox.mjs';
import { max, mean, median, pause, quantile } from './lib/stats.mjs';

// USER_HZ: the unit of utime and stime in /proc/PID/stat; 100 on every Linux this runs on.
const TICKS_PER_SECOND = 100;

function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** The app's child process: the rehearsal's stand-in for AWS (src/sandbox/aws-process.ts). */
function awsChildOf(pid) {
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/);
    for (const child of children.filter(Boolean)) {
      const cmdline = readFileSync(`/proc/${child}/cmdline`, 'utf8');
      if (cmdline.includes('aws-process')) return Number(child);
    }
  }
  return undefined;
}

function rssMb(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** `sandboxOutside`: the sandbox served by this process, so the figures are the app's alone. */
export async function benchWatch({
  minutes = 5,
  speed = 60,
  sandboxOutside = false,
  nodeOptions,
  log = () => {},
} = {}) {
  const home = makeHome();
  const runbookFile = benchRunbook(home);
  const outside = sandboxOutside ? await startBenchSandbox({ runbookFile, speed }) : undefined;
  const app = new PtyApp(
    outside?.appArgs ?? ['rehearse', '--autopilot', '--speed', String(speed), '--runbook', runbookFile],
    { home, screen: false, env: nodeOptions ? { NODE_OPTIONS: nodeOptions } : {} },
  );
  try {
    const deadline = Date.now() + 180_000;
    while (!journalEvents(home).some((e) => e.type === 'canary.stage.started')) {
      if (app.exitStatus) throw new Error(`the app exited before the canary: ${app.raw.slice(-1500)}`);
      if (Date.now() > deadline) throw new Error('the canary did not start within 3 minutes');
      await pause(250);
    }
    // The app is two processes: the screen (in the pty) and the session's engine (detached).
    const enginePid = enginePids(home)[0];
    if (!enginePid) throw new Error('no session engine found');
    log(
      `watch: canary started, sampling screen pid ${app.pid} and engine pid ${enginePid} every second for ${minutes} min`,
    );
    const samples = [];
    const parts = { screen: { cpu: [], rss: [] }, engine: { cpu: [], rss: [] } };
    const awsPid = sandboxOutside ? undefined : awsChildOf(enginePid);
    const awsCpuStart = awsPid ? cpuSeconds(awsPid) : 0;
    const awsRss = [];
    let last = { at: performance.now(), screen: cpuSeconds(app.pid), engine: cpuSeconds(enginePid) };
    const end = performance.now() + minutes * 60_000;
    while (performance.now() < end) {
      await pause(1000);
      if (app.exitStatus) throw new Error(`the app exited while watched: ${app.raw.slice(-1500)}`);
      const now = { at: performance.now(), screen: cpuSeconds(app.pid), engine: cpuSeconds(enginePid) };
      const seconds = (now.at - last.at) / 1000;
      for (const part of ['screen', 'engine']) {
        parts[part].cpu.push(((now[part] - last[part]) / seconds) * 100);
        parts[part].rss.push(rssMb(part === 'screen' ? app.pid : enginePid));
      }
      samples.push({
        t: (now.at - (end - minutes * 60_000)) / 1000,
        cpuPct: parts.screen.cpu.at(-1) + parts.engine.cpu.at(-1),
        rssMb: parts.screen.rss.at(-1) + parts.engine.rss.at(-1),
      });
      if (awsPid) awsRss.push(rssMb(awsPid));
      last = now;
      if (samples.length % 60 === 0)
        log(`watch: ${samples.length} s, RSS ${samples.at(-1).rssMb.toFixed(1)} MB`);
    }
    const events = journalEvents(home);
    const awsCpuPct = awsPid ? ((cpuSeconds(awsPid) - awsCpuStart) / (minutes * 60)) * 100 : undefined;
    const cpu = samples.map((s) => s.cpuPct);
    const rss = samples.map((s) => s.rssMb);
    const fifth = Math.max(1, Math.floor(rss.length / 5));
    const firstMinute = rss.slice(0, fifth);
    const lastMinute = rss.slice(-fifth);
    return {
      minutes,
      speed,
      sandbox: sandboxOutside ? 'in the bench process' : 'in its own process (as the CLI runs it)',
      awsProcess: awsPid
        ? { cpuMeanPct: awsCpuPct, rssMaxMb: max(awsRss), rssEndMb: awsRss.at(-1) }
        : undefined,
      nodeOptions,
      screen: { cpuMeanPct: mean(parts.screen.cpu), rssMaxMb: max(parts.screen.rss) },
      engine: { cpuMeanPct: mean(parts.engine.cpu), rssMaxMb: max(parts.engine.rss) },
      samples: samples.length,
      cpuMeanPct: mean(cpu),
      cpuP95Pct: quantile(cpu, 0.95),
      cpuMaxPct: max(cpu),
      rssStartMb: rss[0],
      rssEndMb: rss.at(-1),
      rssMaxMb: max(rss),
      // Medians of the first and last fifth (a minute of five): one garbage collection is not growth.
      rssGrowthMb: median(lastMinute) - median(firstMinute),
      reached: {
        stages: events.filter((e) => e.type === 'canary.stage.started').map((e) => e.weight),
        promoted: events.some((e) => e.type === 'canary.promoted'),
        monitored: events.some((e) => e.type === 'monitor.started'),
        completed: events.find((e) => e.type === 'session.completed')?.outcome,
      },
      perSecond: samples.map((s) => [
        Math.round(s.t),
        Math.round(s.cpuPct * 10) / 10,
        Math.round(s.rssMb * 10) / 10,
      ]),
    };
  } finally {
    await app.dispose();
    await outside?.sandbox.close();
    removeHome(home);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const result = await benchWatch({
    minutes: arg('minutes', 5),
    speed: arg('speed', 60),
    sandboxOutside: process.argv.includes('--sandbox-outside'),
    nodeOptions: process.argv.includes('--node-options')
      ? process.argv[process.argv.indexOf('--node-options') + 1]
      : undefined,
    log: (l) => console.error(l),
  });
  console.log(`json ${JSON.stringify({ bench: 'watch', ...result })}`);
}
