import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { frameLog } from '../../src/terminal/frame-log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // the screen's thread, busy drawing
  }
}

describe('frameLog', () => {
  it('measures nothing without CONDUCTOR_FRAME_LOG', () => {
    expect(frameLog({})).toEqual({});
  });

  it('writes each output pass and, per flush, how long the thread was busy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frame-log-'));
    dirs.push(dir);
    const file = join(dir, 'frames.log');
    const log = frameLog({ CONDUCTOR_FRAME_LOG: file });
    const before = performance.timeOrigin + performance.now();
    log.onRender?.({ renderTime: 12.5 });
    spin(80);
    log.onRender?.({ renderTime: 3 });
    log.onKeyThreadAbort?.(before + 1);
    await new Promise((done) => setTimeout(done, 700));

    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const parsed = lines.map((line) => line.split(' '));
    const outputs = parsed.filter(([what]) => what === 'output');
    expect(outputs.map(([, ms]) => Number(ms))).toEqual([12.5, 3]);
    // Stamped in wall time to 0.1 ms.
    for (const [, , at] of outputs) expect(Number(at)).toBeGreaterThanOrEqual(before - 0.1);
    expect(parsed.filter(([what]) => what === 'keythread-abort')).toHaveLength(1);
    const busy = parsed.filter(([what]) => what === 'busy').map(([, ms]) => Number(ms));
    expect(busy.length).toBeGreaterThanOrEqual(1);
    // The spin is busy time; the 700 ms wait after it mostly is not.
    expect(busy.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(75);
    expect(busy[0]).toBeLessThan(650);
  });
});
