import { describe, expect, it } from 'vitest';
import { rollbackStreak } from '../../src/core/canary/stage.js';
import type { SessionEvent, Verdict } from '../../src/core/session/events.js';
import { foldEvents, MAX_SAMPLES_PER_STAGE } from '../../src/core/session/state.js';
import { loadRunbook, promotionOf } from '../../src/wiring/session-runtime.js';

const T0 = Date.UTC(2026, 10, 29, 22, 0);
const MINUTE = 60_000;

function sample(step: string, i: number, verdict: Verdict): SessionEvent {
  return {
    type: 'canary.sample',
    at: T0 + i * MINUTE,
    step,
    stage: -1,
    windowStart: T0 + (i - 5) * MINUTE,
    windowEnd: T0 + i * MINUTE,
    verdict,
    reasons: [`sample ${i}`],
    targets: [],
  };
}

describe('metric samples are bounded in memory', () => {
  it('a six-hour monitoring keeps the newest MAX_SAMPLES_PER_STAGE samples, and the rollback band still counts from them', async () => {
    const { runbook } = await loadRunbook('runbooks/bbws.yaml');
    const promotion = promotionOf(runbook, 'sit-to-prod', 'runbooks/bbws.yaml');
    const split = { lambdas: [], readAt: T0 };
    const total = 6 * 60;
    const events: SessionEvent[] = [
      { type: 'canary.stage.started', at: T0, step: 'prod-canary', stage: 0, weight: 100, holdMs: 0 },
      { type: 'canary.promoted', at: T0, step: 'prod-canary', split },
      { type: 'monitor.started', at: T0, step: 'prod-monitor', durationMs: total * MINUTE },
    ];
    for (let i = 1; i <= total; i++)
      events.push(sample('prod-monitor', i, i > total - 3 ? 'ROLLBACK' : 'PASS'));
    const state = foldEvents(runbook, promotion, events);
    const kept = state.canary!.monitor!.samples;
    expect(total).toBeGreaterThan(MAX_SAMPLES_PER_STAGE);
    expect(kept).toHaveLength(MAX_SAMPLES_PER_STAGE);
    expect(kept.at(-1)?.reasons).toEqual([`sample ${total}`]);
    expect(kept[0].reasons).toEqual([`sample ${total - MAX_SAMPLES_PER_STAGE + 1}`]);
    expect(rollbackStreak(kept.map((s) => s.verdict))).toBe(3);
    // The journal (the events) keeps every one; only memory is bounded.
    expect(events.filter((e) => e.type === 'canary.sample')).toHaveLength(total);
  });
});
