// What durability costs: the time of one fsync'd journal append, per event, as the engine pays it
// before a subscriber sees the event (DESIGN.md, "durable first").
//
//   npm run build && node bench/journal-append.mjs [--events 2000] [--dir /path/on/the/real/disk]
//   CONDUCTOR_DIST=/other/dist node bench/journal-append.mjs
//
// It appends a realistic mix (mostly canary samples of three targets, with traffic reads, step
// events and approvals) through the real JournalWriter: JSON, sha256 chain, write, fsync. It prints
// a table and one JSON line (prefixed "json ") for scripts.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const count = Number(option('events', 2000));
const dist = resolve(process.env.CONDUCTOR_DIST ?? join(import.meta.dirname, '..', 'dist'));
const { SessionStore } = await import(pathToFileURL(join(dist, 'services/store/session-store.js')).href);
const { readJournal } = await import(pathToFileURL(join(dist, 'services/store/journal.js')).href);

const T0 = Date.UTC(2026, 10, 29, 20, 0);
const series = (requests, errors, p95) => ({
  requests,
  errors,
  errorRatePct: (errors / requests) * 100,
  p95Ms: p95,
  throttles: 0,
});
const target = (id, label) => ({
  targetId: id,
  label,
  verdict: 'PASS',
  reasons: ['error rate 0.21% <= 0.5%', 'p95 231 ms <= baseline 240 ms + 10%'],
  canary: series(412, 1, 231),
  baseline: series(3710, 9, 240),
});
const split = (percent, at) => ({
  apiGateway: {
    restApiId: 'a1b2c3d4e5',
    stage: 'prod',
    deploymentId: 'd-41',
    canaryDeploymentId: 'd-42',
    canaryPercent: percent,
  },
  lambdas: ['auth', 'product', 'order'].map((name) => ({
    functionName: `bbws-prod-${name}-lambda`,
    alias: 'prod',
    primaryVersion: '17',
    additionalVersion: '18',
    additionalWeight: percent / 100,
  })),
  readAt: at,
});

/** The i-th event of a canary-heavy session: what the journal mostly holds in a real promotion. */
function eventAt(i) {
  const at = T0 + i * 1000;
  switch (i % 10) {
    case 0:
    case 2:
    case 4:
    case 6:
      return {
        kind: 'canary.sample',
        event: {
          type: 'canary.sample',
          at,
          step: 'prod-canary',
          stage: 1,
          windowStart: at - 300_000,
          windowEnd: at,
          verdict: 'PASS',
          reasons: ['every target inside the pass band'],
          targets: [
            target('api', 'API Gateway bbws-prod-api'),
            target('auth', 'bbws-prod-auth-lambda'),
            target('order', 'bbws-prod-order-lambda'),
          ],
          extra: [{ id: 'replication-latency', value: 212 }],
        },
      };
    case 1:
    case 3:
    case 5:
    case 7:
      return { kind: 'traffic.read', event: { type: 'traffic.read', at, split: split(25, at) } };
    case 8:
      return {
        kind: 'step.completed',
        event: {
          type: 'step.completed',
          at,
          step: 'backend-tests',
          outcome: 'passed',
          detail: 'exit 0 in 41 s',
          evidence: [
            {
              id: 'backend-coverage',
              fact: 'coverage',
              value: 84.2,
              limit: '>= 80',
              ok: true,
              detail: 'coverage.json totals.percent_covered',
            },
          ],
          exitCode: 0,
          durationMs: 41_000,
          logFile: '/home/carol/.local/state/conductor/sessions/x/backend-tests.1.log',
        },
      };
    default:
      return {
        kind: 'approval.recorded',
        event: {
          type: 'approval.recorded',
          at,
          step: 'prod-approval',
          role: 'tech-lead',
          approver: '@jane.doe',
          comment: 'Performance baseline met, ready for PROD',
          reference: 'https://bbws.slack.com/archives/C0123/p1764440000',
        },
      };
  }
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round = (ms) => Math.round(ms * 1000) / 1000;

const home = option('dir', undefined) ?? mkdtempSync(join(tmpdir(), 'conductor-bench-'));
const store = new SessionStore(home);
const journal = store.create(T0);
const byKind = new Map();
const all = [];
// A few appends first, so the file exists on disk and the first timings are not its creation.
for (let i = 0; i < 20; i++) journal.writer.append({ type: 'warning', at: T0, message: 'warm-up' });
for (let i = 0; i < count; i++) {
  const { kind, event } = eventAt(i);
  const started = process.hrtime.bigint();
  journal.writer.append(event);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  all.push(ms);
  const bucket = byKind.get(kind) ?? { times: [], bytes: JSON.stringify(event).length + 170 };
  bucket.times.push(ms);
  byKind.set(kind, bucket);
}
// Conductor.dispatch also rewrites the conf session index after every append; measured apart.
const indexTimes = [];
for (let i = 0; i < Math.min(count, 1000); i++) {
  const started = process.hrtime.bigint();
  store.updateIndex({
    id: journal.id,
    title: 'BBWS: v2026.11.29.1 sit -> prod',
    runbookFile: 'runbooks/bbws.yaml',
    promotionId: 'sit-to-prod',
    version: 'v2026.11.29.1',
    status: 'active',
    currentStep: 'Shift traffic in stages, judging each against the bands',
    createdAt: T0,
    updatedAt: T0 + i,
    rehearsal: false,
  });
  indexTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
}
journal.writer.close();
const file = store.journalFile(journal.id);
const verified = readJournal(file);
if (verified.broken || verified.events.length !== count + 20)
  throw new Error('the journal did not read back whole');
const fileBytes = statSync(file).size;

const summarize = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1)),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
};
const rows = [...byKind.entries()].map(([kind, b]) => ({ kind, bytes: b.bytes, ...summarize(b.times) }));
const total = { kind: 'all events', bytes: Math.round(fileBytes / (count + 20)), ...summarize(all) };

const index = { kind: 'conf index update', bytes: 0, ...summarize(indexTimes) };
const pad = (v, n) => String(v).padStart(n);
console.log(`fsync'd journal append, ${count} events, ${home}`);
console.log(
  `${'event'.padEnd(18)} ${pad('bytes', 6)} ${pad('n', 5)} ${pad('p50 ms', 8)} ${pad('p99 ms', 8)} ${pad('max ms', 8)} ${pad('mean ms', 8)}`,
);
for (const r of [...rows, total, index])
  console.log(
    `${r.kind.padEnd(18)} ${pad(r.bytes, 6)} ${pad(r.n, 5)} ${pad(r.p50, 8)} ${pad(r.p99, 8)} ${pad(r.max, 8)} ${pad(r.mean, 8)}`,
  );
console.log(
  `json ${JSON.stringify({ bench: 'journal-append', events: count, fileBytes, node: process.version, platform: process.platform, all: total, byKind: rows, confIndexUpdate: index })}`,
);
if (!option('dir', undefined)) rmSync(home, { recursive: true, force: true });
