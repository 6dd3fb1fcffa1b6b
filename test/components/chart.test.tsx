import { describe, expect, it, vi } from 'vitest';
import { layoutChart } from '../../src/components/chart/plot.js';
import { resampleSeries } from '../../src/components/chart/resample.js';
import { MetricChart } from '../../src/components/MetricChart.js';
import { PLAIN_THEME, ThemeProvider } from '../../src/terminal/theme.js';
import { colorOf, frameOf, stripAnsi } from './render-helpers.js';

vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

const thresholds = [
  { label: 'pass', value: 1, kind: 'pass' as const },
  { label: 'no-go', value: 2, kind: 'nogo' as const },
  { label: 'rollback', value: 5, kind: 'rollback' as const },
];
const canary = [0.2, 0.3, null, 0.5, 0.4, 1.2, 2.5, 2.6, 0.3, Number.NaN, 0.2];
const baseline = [0.2, 0.25, 0.3, 0.2, 0.3, 0.3, 0.25, 0.2, 0.3, 0.2, 0.2];

describe('resampleSeries', () => {
  it('keeps the worst sample of a column, so a spike survives a narrow terminal', () => {
    const samples = [0.1, 0.1, 0.1, 9, 0.1, 0.1, 0.1, 0.1];
    expect(resampleSeries(samples, 2)).toEqual([9, 0.1]);
  });

  it('fills only the elapsed part of the stage', () => {
    expect(resampleSeries([1, 2], 10, 10)).toEqual([1, 2]);
    expect(resampleSeries([1, 2], 4)).toEqual([1, 1, 2, 2]);
  });

  it('repeats the last known value over gaps and drops a series with no values', () => {
    expect(resampleSeries([null, 3, null, Number.NaN, 4], 5)).toEqual([3, 3, 3, 3, 4]);
    expect(resampleSeries([null, null], 5)).toEqual([]);
    expect(resampleSeries([], 5)).toEqual([]);
  });
});

describe('MetricChart', () => {
  const chart = (width: number, height: number) => (
    <MetricChart
      title="Error rate (%)"
      unit="%"
      width={width}
      height={height}
      canary={canary}
      baseline={baseline}
      thresholds={thresholds}
      slots={15}
      spanMs={15 * 60_000}
    />
  );

  it('labels the pass, no-go and rollback lines and keeps to its size', async () => {
    for (const [width, height] of [
      [48, 10],
      [96, 16],
    ]) {
      const frame = stripAnsi(await frameOf(chart(width, height)));
      const lines = frame.split('\n');
      expect(lines).toHaveLength(height);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
      expect(frame).toContain('pass 1.0%');
      expect(frame).toContain('no-go 2.0%');
      expect(frame).toContain('rollback 5.0%');
      expect(frame).toContain('15:00');
      expect(frame).toContain('canary 0.20%');
    }
  });

  it('draws the canary spike above the no-go line', () => {
    const { rows } = layoutChart({ unit: '%', width: 60, rows: 12, canary, baseline, thresholds, slots: 15 });
    const text = rows.map((row) => row.map((segment) => segment.text).join(''));
    const nogoRow = text.findIndex((line) => line.includes('no-go'));
    const canaryRows = rows
      .map((row, index) => (row.some((segment) => segment.layer === 'canary') ? index : -1))
      .filter((index) => index >= 0);
    expect(Math.min(...canaryRows)).toBeLessThan(nogoRow);
    // and never reaches the rollback line
    expect(Math.min(...canaryRows)).toBeGreaterThan(text.findIndex((line) => line.includes('rollback')));
  });

  it('draws the rollback line in red', async () => {
    const frame = await frameOf(chart(60, 12));
    expect(colorOf(frame, 'rollback 5.0%')).toBe('red');
    expect(colorOf(frame, 'pass 1.0%')).toBe('green');
  });

  it('without colour still tells the lines apart by their style and labels', async () => {
    const frame = await frameOf(<ThemeProvider theme={PLAIN_THEME}>{chart(60, 12)}</ThemeProvider>);
    expect(frame).not.toMatch(/\x1b\[(3\d|9\d)m/);
    expect(frame).toContain('┄');
    expect(frame).toContain('·');
    expect(frame).toContain('╭');
  });

  it('keeps its height for a flat series and for no data at all', async () => {
    const flat = await frameOf(
      <MetricChart
        title="p95"
        unit="ms"
        width={48}
        height={9}
        canary={[120, 120]}
        baseline={[]}
        thresholds={[]}
      />,
    );
    expect(stripAnsi(flat).split('\n')).toHaveLength(9);
    const empty = stripAnsi(
      await frameOf(
        <MetricChart
          title="p95"
          unit="ms"
          width={48}
          height={9}
          canary={[null]}
          baseline={[]}
          thresholds={[]}
        />,
      ),
    );
    expect(empty.split('\n')).toHaveLength(9);
    expect(empty).toContain('waiting for the first samples');
  });
});
