import { describe, expect, it } from 'vitest';
import { useConductorHome, waitForCanaryStage } from './flows.js';

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

describe('resizing the terminal during a rehearsal canary', () => {
  const e2e = useConductorHome();

  it('follows 120x40 -> 80x24, says it is too small at 70x20, and comes back', async () => {
    const app = e2e.startRehearsal({ autopilot: true, speed: 60 }, { cols: 120, rows: 40 });
    await app.waitForText('ABORT & ROLL BACK', 60_000);
    await waitForCanaryStage(app, 10, { timeoutMs: 30_000 });
    const wide = app.screenLines();
    expectFrameFits(wide);
    // 120 columns have room for the phase rail.
    expect(wide.join('\n')).toContain('Pre-promotion');
    expect(app.onAltScreen).toBe(true);
    expect(wide.join('\n')).toContain('error rate (%)');

    app.resize(80, 24);
    const narrow = await app.waitFor(
      () => {
        const lines = app.screenLines();
        const text = lines.join('\n');
        return lines.length === 24 && text.includes('ABORT & ROLL BACK') && text.includes('BBWS')
          ? lines
          : undefined;
      },
      20_000,
      'the canary to be redrawn at 80x24',
    );
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
    const back = await app.waitForText('error rate (%)', 20_000);
    app.show('canary back at 120x40');
    expectFrameFits(app.screenLines());
    expect(back).not.toContain('conductor needs at least');
    expect(back).toContain('Pre-promotion');
    expect(back).toContain('ABORT & ROLL BACK');
    expect(back).toMatch(/\d+%/);
  }, 120_000);
});
