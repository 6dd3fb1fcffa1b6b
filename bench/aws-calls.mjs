// AWS calls per poll and per stage: a healthy rehearsal against a sandbox served by this process,
// every request it receives counted, set against the journal's samples (one per poll).
//
//   npm run build && node bench/aws-calls.mjs [--speed 600]
import { journalEvents } from './lib/journal.mjs';
import { makeHome, PtyApp, removeHome } from './lib/pty.mjs';
import { benchRunbook, canaryPercentOf, startBenchSandbox } from './lib/sandbox.mjs';
import { pause } from './lib/stats.mjs';

/**
 * The spans of the session, bounded by the sandbox's own traffic-changing requests (so no clock
 * skew between the two processes moves a call across a boundary): each canary stage from the
 * UpdateStage that set its weight, then promotion with the final checks and the monitoring
 * window until the session completed, then the summary screen left open.
 */
function spansOf(requests, completedAt) {
  const marks = [];
  for (const r of requests) {
    if (r.op !== 'apigateway:UpdateStage') continue;
    const ops = r.input?.patchOperations ?? [];
    if (ops.some((o) => o.path === '/deploymentId'))
      marks.push({ at: r.at, label: 'promotion + monitoring' });
    else {
      const weight = canaryPercentOf(r);
      if (weight > 0) marks.push({ at: r.at, label: `canary ${weight}%`, weight });
    }
  }
  if (completedAt !== undefined) marks.push({ at: completedAt, label: 'summary screen, after the end' });
  return marks.map((mark, i) => ({ ...mark, until: marks[i + 1]?.at ?? Number.POSITIVE_INFINITY }));
}

export async function benchAwsCalls({ speed = 600, log = () => {} } = {}) {
  const home = makeHome();
  const runbookFile = benchRunbook(home);
  const bench = await startBenchSandbox({ runbookFile, speed });
  const requests = [];
  bench.sandbox.onRequest((r) => {
    if (r.service !== 'app')
      requests.push({ at: r.at, realAt: r.realAt, op: `${r.service}:${r.operation}`, input: r.input });
  });
  const app = new PtyApp(bench.appArgs, { home, screen: false });
  try {
    const deadline = Date.now() + 240_000;
    while (!journalEvents(home).some((e) => e.type === 'session.completed')) {
      if (app.exitStatus) throw new Error(`the app exited early: ${app.raw.slice(-1500)}`);
      if (Date.now() > deadline) throw new Error('the healthy rehearsal did not complete within 4 minutes');
      await pause(250);
    }
    log('aws: healthy rehearsal completed');
  } finally {
    await app.dispose();
    await bench.sandbox.close();
  }
  const events = journalEvents(home);
  removeHome(home);
  const completedAt = events.find((e) => e.type === 'session.completed')?.at;
  // One sample per poll: canary stages in order, then the monitoring window's.
  const stageSamples = new Map();
  for (const e of events.filter((e) => e.type === 'canary.sample')) {
    const key = `${e.step}#${e.stage}`;
    stageSamples.set(key, (stageSamples.get(key) ?? 0) + 1);
  }
  const canaryStages = events
    .filter((e) => e.type === 'canary.stage.started')
    .map((e) => `${e.step}#${e.stage}`);
  const monitorSteps = new Set(events.filter((e) => e.type === 'monitor.started').map((e) => e.step));
  const monitorPolls = events.filter((e) => e.type === 'canary.sample' && monitorSteps.has(e.step)).length;
  let canaryIndex = 0;
  const stages = spansOf(requests, completedAt).map((span) => {
    const inside = requests.filter((r) => r.at >= span.at && r.at < span.until);
    const calls = {};
    for (const r of inside) calls[r.op] = (calls[r.op] ?? 0) + 1;
    let polls;
    if (span.weight !== undefined) polls = stageSamples.get(canaryStages[canaryIndex++]) ?? 0;
    else if (span.label.startsWith('promotion')) polls = monitorPolls;
    const metricCalls = calls['cloudwatch:GetMetricData'] ?? 0;
    const realSeconds = inside.length ? (inside.at(-1).realAt - inside[0].realAt) / 1000 : 0;
    return {
      span: span.label,
      polls,
      getMetricData: metricCalls,
      perPoll: polls ? metricCalls / polls : undefined,
      awsCalls: inside.length,
      realSeconds,
      calls,
    };
  });
  const polled = stages.filter((s) => s.polls !== undefined);
  const totalPolls = polled.reduce((n, s) => n + s.polls, 0);
  const totalMetricCalls = polled.reduce((n, s) => n + s.getMetricData, 0);
  const series = events.find((e) => e.type === 'canary.sample')?.targets?.length ?? 0;
  return {
    speed,
    targetsPerSample: series,
    polls: totalPolls,
    getMetricData: totalMetricCalls,
    maxPerPoll: Math.max(...polled.map((s) => s.perPoll)),
    meanPerPoll: totalMetricCalls / totalPolls,
    retries: events.filter((e) => e.type === 'aws.retry').length,
    stages,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--speed');
  const result = await benchAwsCalls({
    speed: i > 0 ? Number(process.argv[i + 1]) : 600,
    log: (l) => console.error(l),
  });
  console.log(`json ${JSON.stringify({ bench: 'aws-calls', ...result })}`);
}
