import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { formatDuration } from '../../src/core/runbook/duration.js';
import type { SessionEvent } from '../../src/core/session/events.js';
import { Home, type StartRequest } from '../../src/screens/Home.js';
import { Rollback } from '../../src/screens/Rollback.js';
import { Summary } from '../../src/screens/Summary.js';
import { frameOf, stripAnsi, tick } from '../components/render-helpers.js';
import { canaryEvents, fold, HOUR, MIN, promotion, runbook, split, T0 } from './fixtures.js';

const base = { runbook, promotion, width: 100, height: 20 };
const STAGE = T0 + 3 * HOUR;
const ABORT = STAGE + 4 * MIN;

function rollbackEvents(): SessionEvent[] {
  return [
    ...canaryEvents(STAGE),
    {
      type: 'rollback.started',
      at: ABORT,
      trigger: 'conductor',
      reason: 'conductor pressed abort',
      by: '@alex',
    },
    {
      type: 'rollback.traffic-reverted',
      at: ABORT + 1_000,
      split: split(0, ABORT + 1_000),
      verified: true,
      durationMs: 840,
    },
    {
      type: 'rollback.step',
      at: ABORT + 3_000,
      step: 'prod-rollback-health',
      outcome: 'passed',
      detail: '200 in 120 ms',
    },
  ];
}

describe('Rollback', () => {
  it('shows each rollback step with status and timing, the revert duration and the read-back', async () => {
    const frame = stripAnsi(
      await frameOf(<Rollback {...base} state={fold(rollbackEvents())} now={ABORT + 5_000} />),
    );
    expect(frame).toContain('ROLLING BACK v42');
    expect(frame).toContain('why: conductor pressed abort · by hand');
    expect(frame).toContain('Read back from AWS after the revert (verified)');
    expect(frame).toContain('stable v41 100%');
    expect(frame).toMatch(/✓ reverted\s+Send all traffic back/);
    expect(frame).toContain('in 840 ms');
    expect(frame).toMatch(/✓ passed\s+PROD API health after rollback\s+\+3s\s+200 in 120 ms/);
    expect(frame).toMatch(/▶ running\s+PROD products after rollback/);
  });

  it('says when the rollback is complete and where the report is', async () => {
    const events = rollbackEvents();
    events.push(
      {
        type: 'rollback.completed',
        at: ABORT + 9_000,
        verified: true,
        summary: 'Rolled back v42 on PROD; traffic reverted in 840 ms.',
      },
      {
        type: 'session.completed',
        at: ABORT + 9_000,
        outcome: 'rolled-back',
        summary: 'Rolled back v42 on PROD.',
      },
    );
    const frame = stripAnsi(
      await frameOf(
        <Rollback
          {...base}
          state={fold(events)}
          now={ABORT + 10_000}
          files={['journal.jsonl', 'report.md']}
        />,
      ),
    );
    expect(frame).toContain('ROLLED BACK v42');
    expect(frame).toContain('Rolled back v42 on PROD; traffic reverted in 840 ms.');
    expect(frame).toContain('report files: journal.jsonl, report.md');
    expect(frame).toContain('took 9s');
    expect(frame).not.toContain('so far');
  });

  it('lists the tasks the runbook leaves to the person in full, never cut, once it is done', async () => {
    const events = rollbackEvents();
    const cleanup = promotion.rollback.steps.find((s) => s.id === 'cleanup-later');
    events.push(
      {
        type: 'rollback.step',
        at: ABORT + 8_000,
        step: 'cleanup-later',
        outcome: 'skipped',
        detail: `left to the conductor: ${cleanup?.title}`,
      },
      { type: 'rollback.completed', at: ABORT + 9_000, verified: true, summary: 'Rolled back v42 on PROD.' },
      { type: 'session.completed', at: ABORT + 9_000, outcome: 'rolled-back', summary: 'Rolled back.' },
    );
    const frame = stripAnsi(
      await frameOf(<Rollback {...base} width={80} height={24} state={fold(events)} now={ABORT + 10_000} />),
    );
    expect(frame).toContain('Left to you');
    // The task's words are all there, wrapped if need be, though the table's detail column cuts them.
    const flat = frame.replace(/\s+/g, ' ');
    expect(flat).toContain(`☐ ${cleanup?.title}`.replace(/\s+/g, ' '));
  });
});

describe('Summary', () => {
  it('shows the outcome, how long each phase took and the report files', async () => {
    const events = canaryEvents(STAGE);
    events.push({
      type: 'session.completed',
      at: STAGE + 2 * HOUR,
      outcome: 'promoted',
      summary: 'v42 promoted to PROD; every step passed.',
    });
    const state = fold(events);
    const took = formatDuration(state.phases[0].endedAt! - state.phases[0].startedAt!);
    const frame = stripAnsi(
      await frameOf(
        <Summary
          {...base}
          state={state}
          now={STAGE + 2 * HOUR}
          files={['report.md', 'report.json']}
          dir="/tmp/s"
        />,
      ),
    );
    expect(frame).toMatch(/^ PROMOTED/m);
    expect(frame).toContain('v42 promoted to PROD; every step passed.');
    expect(frame).toMatch(new RegExp(`✓ done\\s+Pre-promotion validation.*\\s${took}`));
    expect(frame).toContain('report files in /tmp/s: report.md, report.json');
  });
});

describe('Home', () => {
  const sessions = [
    {
      id: 'old',
      title: 'BBWS: v40 SIT -> PROD',
      status: 'promoted',
      currentStep: '',
      updatedAt: T0 - 48 * HOUR,
      rehearsal: false,
    },
    {
      id: 'new',
      title: 'BBWS: v42 SIT -> PROD',
      status: 'active',
      currentStep: 'Staged canary',
      updatedAt: T0 - 3 * MIN,
      rehearsal: true,
    },
  ];

  it('lists sessions newest first with state and age, and the rehearsal scenario and speed', async () => {
    const frame = stripAnsi(
      await frameOf(
        <Home
          sessions={sessions}
          now={T0}
          edges={['dev-to-sit', 'sit-to-prod']}
          onResume={() => undefined}
          onStart={() => undefined}
          onQuit={() => undefined}
          rehearsal={{ scenario: 'healthy', speed: 60 }}
          width={100}
          height={24}
        />,
      ),
    );
    expect(frame).toContain('REHEARSAL scenario healthy · clock ×60');
    expect(frame.indexOf('v42')).toBeLessThan(frame.indexOf('v40'));
    expect(frame).toMatch(/\[rehearsal\] BBWS: v42 SIT -> PROD\s+active\s+Staged canary\s+3m ago/);
    expect(frame).toContain('48h ago');
  });

  it('acts on the row a key just moved to, when the move and enter arrive in one chunk', async () => {
    const onResume = vi.fn();
    const app = render(
      <Home
        sessions={sessions}
        now={T0}
        edges={['sit-to-prod']}
        onResume={onResume}
        onStart={() => undefined}
        onQuit={() => undefined}
        width={100}
        height={24}
      />,
    );
    await tick();
    const second = [...sessions].sort((a, b) => b.updatedAt - a.updatedAt)[1];
    app.stdin.write('j\r');
    await tick();
    expect(onResume).toHaveBeenCalledTimes(1);
    expect(onResume).toHaveBeenCalledWith(second.id);
  });

  it('resumes the selected session with enter, and starts a promotion from the form', async () => {
    const onResume = vi.fn();
    const onStart = vi.fn((_: StartRequest) => undefined);
    const app = render(
      <Home
        sessions={sessions}
        now={T0}
        edges={['dev-to-sit', 'sit-to-prod']}
        defaults={{ runbookFile: 'runbooks/shop.yaml' }}
        onResume={onResume}
        onStart={onStart}
        onQuit={() => undefined}
        width={100}
        height={24}
      />,
    );
    await tick();
    app.stdin.write('\r');
    await tick();
    expect(onResume).toHaveBeenCalledWith('new');
    app.stdin.write('s');
    await tick();
    expect(stripAnsi(app.lastFrame() ?? '')).toContain('Start a promotion');
    app.stdin.write('\t'); // edge
    await tick();
    app.stdin.write('\t'); // version
    await tick();
    app.stdin.write('v43');
    await tick();
    app.stdin.write('\t'); // ticket
    await tick();
    app.stdin.write('CHG-7');
    await tick();
    app.stdin.write('\t'); // risk
    await tick();
    app.stdin.write('\x1b[B'); // down: medium
    await tick();
    app.stdin.write('\r');
    await tick();
    expect(onStart).toHaveBeenCalledWith({
      runbookFile: 'runbooks/shop.yaml',
      edge: 'sit-to-prod',
      version: 'v43',
      ticket: 'CHG-7',
      risk: 'medium',
      window: '',
    });
    app.unmount();
  });

  it('assumes no runbook file when the command gave none: the form asks for one', async () => {
    const onStart = vi.fn((_: StartRequest) => undefined);
    const app = render(
      <Home
        sessions={[]}
        now={T0}
        edges={['sit-to-prod']}
        onResume={() => undefined}
        onStart={onStart}
        onQuit={() => undefined}
        width={100}
        height={24}
      />,
    );
    await tick();
    app.stdin.write('s');
    await tick();
    app.stdin.write('\t'); // edge
    await tick();
    app.stdin.write('\t'); // version
    await tick();
    app.stdin.write('v43');
    await tick();
    app.stdin.write('\r');
    await tick();
    const frame = stripAnsi(app.lastFrame() ?? '');
    expect(frame).not.toMatch(/bbws/i);
    expect(frame).toContain('runbook file is required.');
    expect(onStart).not.toHaveBeenCalled();
    app.unmount();
  });
});
