import { describe, expect, it } from 'vitest';
import { useConductorHome, waitForCanaryStage } from './flows.js';
import type { TerminalSession } from './terminal.js';

/**
 * The frame fits the terminal when its bottom (the key bar with the red abort key, then the status
 * line) sits on the last rows instead of being pushed off the screen or left mid-way.
 */
function expectFrameFits(lines: string[]): void {
  const status = lines.map((line) => line.startsWith('traffic')).lastIndexOf(true);
  expect(status).toBeGreaterThanOrEqual(lines.length - 2);
  expect(lines[status - 1]).toMatch(/^x ABORT & ROLL BACK/);
  expect(lines[0]).toContain('BBWS');
}

/** The same, as a question: a frame drawn before the canary panel and its key bar does not fit yet. */
function frameFits(lines: string[]): boolean {
  const status = lines.map((line) => line.startsWith('traffic')).lastIndexOf(true);
  return (
    status >= lines.length - 2 &&
    /^x ABORT & ROLL BACK/.test(lines[status - 1] ?? '') &&
    lines[0].includes('BBWS')
  );
}

/** Waits for a frame of `rows` rows that fits and satisfies `also`; returns its lines. */
function waitForFittingFrame(
  app: TerminalSession,
  rows: number,
  also: (text: string) => boolean,
  what: string,
): Promise<string[]> {
  return app.waitFor(
    () => {
      const lines = app.screenLines();
      return lines.length === rows && frameFits(lines) && also(lines.join('\n')) ? lines : undefined;
    },
    20_000,
    what,
  );
}

describe('resizing the terminal during a rehearsal canary', () => {
  const e2e = useConductorHome();

  it('follows 120x40 -> 80x24, says it is too small at 70x20, and comes back', async () => {
    const app = e2e.startRehearsal({ autopilot: true, speed: 60 }, { cols: 120, rows: 40 });
    // The autopilot goes through the checklist, approvals and go/no-go first: as long as the other
    // canary tests give it (a minute was not always enough on two busy cores).
    await waitForCanaryStage(app, 10, { also: ['ABORT & ROLL BACK'] });
    // The charts, the key bar and the status line may come a frame after the stage strip.
    const wide = await waitForFittingFrame(
      app,
      40,
      (text) => text.includes('error rate (%)'),
      'the canary at 120x40 with its charts, key bar and status line',
    );
    expectFrameFits(wide);
    // 120 columns have room for the phase rail.
    expect(wide.join('\n')).toContain('Pre-promotion');
    expect(app.onAltScreen).toBe(true);
    expect(wide.join('\n')).toContain('error rate (%)');

    app.resize(80, 24);
    const narrow = await waitForFittingFrame(app, 24, () => true, 'the canary to be redrawn at 80x24');
    app.show('canary at 80x24');
    expect(narrow).toHaveLength(24);
    // The whole frame fits: header on top, key bar and status line at the bottom.
    expectFrameFits(narrow);
    expect(narrow[1]).toContain('PROD');
    // 80 columns leave the rail out rather than squeezing the charts.
    expect(narrow.join('\n')).not.toContain('Pre-promotion');
    expect(narrow.join('\n')).toMatch(/10%/);

    app.resize(70, 20);
    const small = await app.waitForText('conductor needs at least 80x24', 20_000);
    expect(small).toContain('This terminal is 70x20');
    expect(small).toContain('x still aborts');
    // Nothing stopped: the process is alive and the session keeps its screen.
    expect(app.exit).toBeUndefined();

    app.resize(120, 40);
    const backLines = await waitForFittingFrame(
      app,
      40,
      (text) => text.includes('error rate (%)'),
      'the canary to be redrawn at 120x40',
    );
    app.show('canary back at 120x40');
    expectFrameFits(backLines);
    const back = backLines.join('\n');
    expect(back).not.toContain('conductor needs at least');
    expect(back).toContain('Pre-promotion');
    expect(back).toContain('ABORT & ROLL BACK');
    expect(back).toMatch(/\d+%/);
  }, 240_000);
});
