import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/core/session/events.js';
import { Checklist } from '../../src/screens/Checklist.js';
import { frameOf, stripAnsi } from '../components/render-helpers.js';
import { created, fold, MIN, promotion, runbook, T0 } from './fixtures.js';

/** Issue 17, point 7: the previous engine's command still running is said on the step it holds. */

const base = { runbook, promotion, width: 120, height: 24, logOffset: 0, liveOutput: [] as string[] };

describe('Checklist: a command the previous engine left running', () => {
  it('says on the step that it still runs and is waited for, and stops saying it once it ended', async () => {
    const step = promotion.phases[0].steps.find((s) => s.kind === 'command');
    if (!step) throw new Error('the fixture promotion has no command step');
    const index = promotion.phases[0].steps.indexOf(step);
    const events: SessionEvent[] = [
      created(),
      { type: 'phase.started', at: T0, phase: promotion.phases[0].id },
    ];
    for (const before of promotion.phases[0].steps.slice(0, index))
      events.push(
        { type: 'step.started', at: T0, step: before.id, attempt: 1 },
        { type: 'step.completed', at: T0, step: before.id, outcome: 'passed', detail: 'ok' },
      );
    const detail =
      "`terraform apply` from the previous engine is still running (pid 4242, 3m12s): waiting for it to end, up to the step's 30m timeout, before the step runs again.";
    events.push(
      { type: 'step.started', at: T0 + MIN, step: step.id, attempt: 1 },
      {
        type: 'command.started',
        at: T0 + MIN,
        step: step.id,
        attempt: 1,
        command: 'terraform apply',
        pid: 4242,
        pgid: 4242,
        processStartedAt: T0 + MIN,
        host: hostname(),
      },
      {
        type: 'command.orphan-found',
        at: T0 + 4 * MIN,
        step: step.id,
        attempt: 1,
        pid: 4242,
        host: hostname(),
        command: 'terraform apply',
        state: 'running',
        runningForMs: 192_000,
        detail,
      },
    );
    const frame = (at: number) =>
      frameOf(<Checklist {...base} state={fold(events)} now={at} selected={index} />).then(stripAnsi);
    const waiting = (await frame(T0 + 4 * MIN)).replace(/\s*\n\s*/g, ' ');
    expect(waiting).toContain(
      '`terraform apply` from the previous engine is still running (pid 4242, 3m12s)',
    );

    events.push({
      type: 'command.orphan-exited',
      at: T0 + 5 * MIN,
      step: step.id,
      attempt: 1,
      pid: 4242,
      detail: '`terraform apply` from the previous engine (pid 4242) has ended.',
    });
    expect(await frame(T0 + 5 * MIN)).not.toContain('still running (pid 4242');
  });
});
