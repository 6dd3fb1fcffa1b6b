import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { parseWindow, WINDOW_HINT } from '../../src/core/gates/window.js';
import type { SessionEvent } from '../../src/core/session/events.js';
import { Canary } from '../../src/screens/Canary.js';
import { Checklist } from '../../src/screens/Checklist.js';
import { Home } from '../../src/screens/Home.js';
import { frameOf, stripAnsi, tick } from '../components/render-helpers.js';
import { canaryEvents, created, fold, HOUR, MIN, promotion, runbook, T0 } from './fixtures.js';

const STAGE = T0 + 3 * HOUR;

/** The canary at 25% since STAGE, in a session whose window is [start, end). */
function onCanary(start: number, end: number): SessionEvent[] {
  const [first, ...rest] = canaryEvents(STAGE);
  return [{ ...first, window: { start, end } } as SessionEvent, ...rest];
}

describe('the maintenance window on the canary screen', () => {
  const base = { runbook, promotion, width: 120, height: 30 };

  it('warns when the window will close before the canary can end', async () => {
    const frame = stripAnsi(
      await frameOf(<Canary {...base} state={fold(onCanary(T0, STAGE + 65 * MIN))} now={STAGE + 5 * MIN} />),
    );
    expect(frame).toContain("! The maintenance window closes in 1h, 1h40m before the canary's planned end");
  });

  it('says when the window has closed', async () => {
    const frame = stripAnsi(
      await frameOf(<Canary {...base} state={fold(onCanary(T0, STAGE))} now={STAGE + 5 * MIN} />),
    );
    expect(frame).toContain('✗ The maintenance window closed 5m ago; the canary still needs 2h40m');
  });

  it('says nothing of a window that outlasts the canary', async () => {
    const frame = stripAnsi(
      await frameOf(<Canary {...base} state={fold(onCanary(T0, STAGE + 4 * HOUR))} now={STAGE + 5 * MIN} />),
    );
    expect(frame).not.toContain('maintenance window');
  });
});

describe('the maintenance window on the checklist screen', () => {
  it('warns before the canary starts that the window is too short for it', async () => {
    const frame = stripAnsi(
      await frameOf(
        <Checklist
          runbook={runbook}
          promotion={promotion}
          state={fold([created({ window: { start: T0 + HOUR, end: T0 + 3 * HOUR } })])}
          now={T0}
          selected={0}
          logOffset={0}
          liveOutput={[]}
          width={120}
          height={20}
        />,
      ),
    );
    expect(frame).toContain("! The maintenance window closes in 3h, 1h before the canary's planned end");
  });
});

describe('the start form: the window hint says what is accepted', () => {
  it('shows the hint, and 02:00-04:00 typed into it starts the promotion', async () => {
    const requests: string[] = [];
    const app = render(
      <Home
        sessions={[]}
        now={T0}
        edges={['sit-to-prod']}
        defaults={{ version: 'v43', ticket: 'CHG-2041', runbookFile: 'runbooks/bbws.yaml' }}
        onResume={() => undefined}
        onStart={(request) => {
          requests.push(request.window);
          const window = parseWindow(request.window, Date.UTC(2026, 10, 29, 1));
          return typeof window === 'string' ? window : undefined;
        }}
        onQuit={() => undefined}
        width={120}
        height={24}
      />,
    );
    await tick();
    app.stdin.write('s');
    await tick();
    const form = stripAnsi(app.lastFrame() ?? '');
    expect(form).toContain(`maintenance window ${WINDOW_HINT}`);
    expect(WINDOW_HINT).toBe('HH:MM-HH:MM UTC, today; 22:00-02:00 ends next day');
    for (let i = 0; i < 5; i++) {
      app.stdin.write('\t');
      await tick();
    }
    app.stdin.write('02:00-04:00');
    await tick();
    app.stdin.write('\r');
    await tick();
    expect(requests).toEqual(['02:00-04:00']);
    expect(stripAnsi(app.lastFrame() ?? '')).not.toContain('✗');
    app.unmount();
  });
});
