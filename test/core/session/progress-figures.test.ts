import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../src/core/session/events.js';
import { progressVariables } from '../../../src/core/session/progress-figures.js';
import type { SessionState } from '../../../src/core/session/state.js';
import { sessionVariables } from '../../../src/core/session/variables.js';
import { channelFor, renderNotification } from '../../../src/core/templates/notifications.js';
import { canaryEvents, fold, MIN, promotion, runbook, sample, split, T0 } from '../../screens/fixtures.js';

const STAGE = T0 + 3 * 60 * MIN;
const canary = promotion.phases.flatMap((p) => p.steps).find((s) => s.kind === 'canary');

/** The shipped runbook's progress message, filled the way the engine fills it. */
function progressMessage(state: SessionState, now: number, updateReason = 'every 15m'): string {
  const template = runbook.templates.find((t) => t.id === 'prod-canary-progress')!;
  const rendered = renderNotification(template, channelFor(runbook.channels, template.channel), {
    ...sessionVariables(runbook, state, now),
    updateReason,
  });
  expect(rendered.missing).toEqual([]);
  expect(rendered.channel).toBe('#devops-alerts');
  return rendered.text;
}

describe('the progress message filled with live figures', () => {
  it("reports the latest judged sample, canary against baseline, with the stage's clock", () => {
    const state = fold([
      ...canaryEvents(STAGE),
      sample(STAGE + 3 * MIN, 1, {
        verdict: 'PASS',
        errPct: 0.123,
        p95: 183.6,
        baseErrPct: 0.1,
        baseP95: 176.2,
      }),
      // A poll that could not judge neither changes the figures nor hides them.
      sample(STAGE + 4 * MIN, 1, { verdict: 'STALE', errPct: 0, p95: 0 }),
    ]);
    expect(progressMessage(state, STAGE + 5 * MIN)).toBe(
      [
        'PROD canary v42: stage 2 of 4, 25% of traffic',
        'Verdict: PASS (every 15m)',
        'Error Rate: 0.12% (baseline 0.10%)  p95: 184ms (baseline 176ms)',
        'Time in stage: 5m, left: 10m',
      ].join('\n'),
    );
  });

  it('reports a WATCH with its own figures, the highest of the targets', () => {
    const watch = sample(STAGE + 6 * MIN, 1, { verdict: 'WATCH', errPct: 0.3, p95: 205, baseP95: 180 });
    if (watch.type !== 'canary.sample') throw new Error('not a sample');
    const lambda = {
      ...watch.targets[0],
      targetId: 'lambda:auth',
      label: 'bbws-prod-auth-lambda',
      canary: { ...watch.targets[0].canary, errorRatePct: 0.7, p95Ms: 150 },
      baseline: { ...watch.targets[0].baseline, errorRatePct: 0.2, p95Ms: 140 },
    };
    const state = fold([...canaryEvents(STAGE), { ...watch, targets: [watch.targets[0], lambda] }]);
    const text = progressMessage(state, STAGE + 6 * MIN, 'verdict PASS -> WATCH');
    expect(text).toContain('Verdict: WATCH (verdict PASS -> WATCH)');
    expect(text).toContain('Error Rate: 0.70% (baseline 0.20%)  p95: 205ms (baseline 180ms)');
  });

  it('leaves no n/a once a sample exists, and says n/a only before any', () => {
    const before = fold(canaryEvents(STAGE).filter((e) => e.type !== 'canary.sample'));
    expect(progressVariables(before, canary?.kind === 'canary' ? canary : undefined, STAGE)).toMatchObject({
      errorRate: 'n/a',
      p95: 'n/a',
      verdict: 'no sample yet',
    });
    // The fixture's first stage has one PASS sample; the running stage has none yet.
    const after = fold(canaryEvents(STAGE));
    expect(progressMessage(after, STAGE + MIN)).not.toContain('n/a');
    expect(progressMessage(after, STAGE + MIN)).toContain('Error Rate: 0.10% (baseline 0.10%)  p95: 190ms');
  });

  it('says the hold is over rather than "0ms" left', () => {
    const state = fold([
      ...canaryEvents(STAGE),
      sample(STAGE + 15 * MIN, 1, { verdict: 'PASS', errPct: 0.1, p95: 180 }),
    ]);
    expect(progressMessage(state, STAGE + 15 * MIN + 41_000)).toContain(
      'Time in stage: 15m41s, left: hold over',
    );
  });

  it('says when the hold is over and the stage waits for a decision', () => {
    const state = fold([
      ...canaryEvents(STAGE),
      sample(STAGE + 14 * MIN, 1, { verdict: 'WATCH', errPct: 0.6, p95: 200 }),
      {
        type: 'canary.stage.decision-needed',
        at: STAGE + 15 * MIN,
        step: 'prod-canary',
        stage: 1,
        action: 'ask',
        reason: 'A sample was outside the pass band.',
      },
    ]);
    expect(progressMessage(state, STAGE + 17 * MIN)).toContain(
      'Time in stage: 17m, left: hold over, waiting for a decision',
    );
  });

  it('during the monitoring says so, with the time monitored and left', () => {
    const promoted = STAGE + 60 * MIN;
    const events: SessionEvent[] = [
      ...canaryEvents(STAGE),
      { type: 'canary.promoted', at: promoted, step: 'prod-canary', split: split(100, promoted) },
      { type: 'step.started', at: promoted + MIN, step: 'prod-monitor', attempt: 1 },
      { type: 'monitor.started', at: promoted + MIN, step: 'prod-monitor', durationMs: 120 * MIN },
      sample(promoted + 31 * MIN, -1, { verdict: 'PASS', errPct: 0.08, p95: 171 }, 'prod-monitor'),
    ];
    const text = progressMessage(fold(events), promoted + 31 * MIN);
    expect(text).toBe(
      [
        'PROD canary v42: monitoring after promotion, 100% of traffic',
        'Verdict: PASS (every 15m)',
        'Error Rate: 0.08% (baseline 0.10%)  p95: 171ms (baseline 200ms)',
        'Time in stage: 30m, left: 1h30m',
      ].join('\n'),
    );
  });
});
