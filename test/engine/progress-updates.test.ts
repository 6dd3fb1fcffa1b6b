import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/core/session/events.js';
import { journalOf, runningRehearsal, until } from './helpers.js';

type Rendered = Extract<SessionEvent, { type: 'notification.rendered' }>;
type Sample = Extract<SessionEvent, { type: 'canary.sample' }>;

const MIN = 60_000;
const EVERY = 15 * MIN; // runbooks/bbws.yaml: progressEvery: 15m
const JUDGED = new Set(['PASS', 'WATCH', 'NO-GO', 'ROLLBACK']);

function highest(values: Array<number | null>): number {
  return Math.max(...values.filter((v): v is number => v !== null));
}

/** The figures a stakeholder should read for a sample, worked out here from the journaled sample. */
function expectedLines(sample: Sample): string[] {
  const t = sample.targets;
  const pct = (v: number) => `${v.toFixed(2)}%`;
  const ms = (v: number) => `${Math.round(v)}ms`;
  return [
    `Verdict: ${sample.verdict} (`,
    `Error Rate: ${pct(highest(t.map((x) => x.canary.errorRatePct)))} (baseline ${pct(highest(t.map((x) => x.baseline.errorRatePct)))})`,
    `p95: ${ms(highest(t.map((x) => x.canary.p95Ms)))} (baseline ${ms(highest(t.map((x) => x.baseline.p95Ms)))})`,
  ];
}

describe("stakeholder progress updates in a rehearsal's notifications", () => {
  it('posts the progress message with live figures every 15 minutes of session time and at once on a verdict change', async () => {
    // latency-blip: from 4 minutes into the 25% stage the p95 runs 15% high for 5 minutes (WATCH),
    // then recovers; the autopilot extends the stage and advances once the samples pass again.
    // At x120 a poll has half a real second before it counts as STALE: on a busy machine the x600
    // of the other engine tests leaves too few samples judged for a verdict to change.
    const r = await runningRehearsal({ scenario: 'latency-blip', speed: 120 });
    const told = (what: string) =>
      r.conductor.state.notifications.filter(
        (n) => n.template === 'prod-canary-progress' && n.text.includes(what),
      );
    await until(
      r,
      () => told('(every 15m)').length >= 2 && told('(verdict ').length >= 1,
      'two interval updates and a verdict change',
      240_000,
    );

    const journal = journalOf(r);
    const firstShift = journal.find((e) => e.type === 'canary.stage.started')!.at;
    const isProgress = (e: SessionEvent): e is Rendered =>
      e.type === 'notification.rendered' && e.template === 'prod-canary-progress';
    const updates = journal.filter(isProgress);
    expect(updates.length).toBeGreaterThan(0);

    // Every update is in the session's notifications, addressed to the operations channel.
    const shown = r.conductor.state.notifications.filter((n) => n.template === 'prod-canary-progress');
    expect(shown.map((n) => n.text)).toEqual(updates.map((u) => u.text));
    for (const u of updates) expect(u.channel).toBe('#devops-alerts');

    // The figures are those of the latest judged sample journaled before the update: no n/a.
    let latestJudged: Sample | undefined;
    let judgedBeforeUpdates = 0;
    for (const event of journal) {
      if (event.type === 'canary.sample' && JUDGED.has(event.verdict)) latestJudged = event;
      if (!isProgress(event) || !latestJudged) continue;
      judgedBeforeUpdates++;
      expect(event.text).toContain(`PROD canary ${r.conductor.state.meta.version}: stage `);
      for (const line of expectedLines(latestJudged)) expect(event.text).toContain(line);
      expect(event.text).not.toContain('n/a');
    }
    expect(judgedBeforeUpdates).toBe(updates.length);

    // Every 15 minutes of session time from the first shift: never early, never twice in one period.
    const intervals = updates.filter((u) => u.progress?.reason === 'interval');
    expect(intervals.length).toBeGreaterThanOrEqual(2);
    intervals.forEach((u, i) => {
      expect(u.at).toBeGreaterThanOrEqual(firstShift + (i + 1) * EVERY);
      expect(u.text).toContain('(every 15m)');
    });
    const periods = intervals.map((u) => Math.floor((u.at - firstShift) / EVERY));
    expect(new Set(periods).size).toBe(periods.length);

    // A verdict change in a stage is told with the very sample that shows it, before the next poll.
    let changes = 0;
    const previous = new Map<number, string>();
    // Between promotion and the monitoring the guard's samples are told nothing (no stage runs).
    const promoted = journal.findIndex((e) => e.type === 'canary.promoted');
    journal.forEach((event, i) => {
      if (promoted >= 0 && i > promoted) return;
      if (event.type !== 'canary.sample' || !JUDGED.has(event.verdict)) return;
      const before = previous.get(event.stage);
      previous.set(event.stage, event.verdict);
      if (before === undefined || before === event.verdict) return;
      changes++;
      const nextSample = journal.findIndex((e, j) => j > i && e.type === 'canary.sample');
      const told = journal
        .slice(i + 1, nextSample < 0 ? undefined : nextSample)
        .find((e): e is Rendered => isProgress(e) && e.progress?.reason === 'verdict');
      expect(told?.text).toContain(`Verdict: ${event.verdict} (verdict ${before} -> ${event.verdict})`);
    });
    expect(changes).toBeGreaterThanOrEqual(1);
  }, 300_000);
});
