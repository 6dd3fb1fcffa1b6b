import { describe, expect, it } from 'vitest';
import { StatusBar } from '../../src/components/StatusBar.js';
import type { Promotion } from '../../src/core/runbook/schema.js';
import type { SessionEvent } from '../../src/core/session/events.js';
import { foldEvents } from '../../src/core/session/state.js';
import { pollPeriodOf, statusBarProps } from '../../src/screens/chrome.js';
import { frameOf, stripAnsi } from '../components/render-helpers.js';
import { created, MIN, passPhasesBefore, promotion, runbook, split, T0 } from './fixtures.js';

/** The seed promotion with the monitoring step polling every `periodMs`. */
function monitorPolling(periodMs: number): Promotion {
  return {
    ...promotion,
    phases: promotion.phases.map((phase) => ({
      ...phase,
      steps: phase.steps.map((step) => (step.kind === 'monitor' ? { ...step, period: periodMs } : step)),
    })),
  };
}

const AT = T0 + 3 * 60 * MIN;

/** Promoted, and the monitoring step started. */
function monitoring(): SessionEvent[] {
  return [
    created(),
    ...passPhasesBefore('canary'),
    { type: 'phase.started', at: AT, phase: 'canary' },
    { type: 'step.started', at: AT, step: 'prod-canary', attempt: 1 },
    { type: 'traffic.shifted', at: AT, weight: 10, split: split(10, AT) },
    { type: 'canary.stage.started', at: AT, step: 'prod-canary', stage: 0, weight: 10, holdMs: 15 * MIN },
    { type: 'canary.promoted', at: AT, step: 'prod-canary', split: split(100, AT) },
    { type: 'monitor.started', at: AT, step: 'prod-monitor', durationMs: 120 * MIN },
  ];
}

async function statusLine(periodMs: number, lastPollAgoMs: number): Promise<string> {
  const shaped = monitorPolling(periodMs);
  const state = foldEvents(runbook, shaped, monitoring());
  const now = AT + 10 * MIN;
  const props = statusBarProps(state, now, {
    lastPollAt: now - lastPollAgoMs,
    pollPeriodMs: pollPeriodOf(state, shaped),
  });
  return stripAnsi(await frameOf(<StatusBar {...props} />));
}

describe('the status bar marks metrics STALE after two poll periods, the canary rule', () => {
  it('a 5-minute period: a poll 3 minutes old is the next one not yet due, not stale', async () => {
    const line = await statusLine(5 * MIN, 3 * MIN);
    expect(line).toContain('metrics 3m ago');
    expect(line).not.toContain('STALE');
    expect(await statusLine(5 * MIN, 11 * MIN)).toContain('metrics 11m ago (STALE)');
  });

  it('a 20-second period: a poll 90 seconds old has missed several polls', async () => {
    expect(await statusLine(20_000, 90_000)).toContain('(STALE)');
    expect(await statusLine(20_000, 30_000)).not.toContain('STALE');
  });
});
