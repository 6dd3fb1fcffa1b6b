import { describe, expect, it, vi } from 'vitest';
import { axisLabel, layoutChart } from '../../src/components/chart/plot.js';
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
    expect(frame).toContain('═');
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

describe('the y range fits the data and the limits near it', () => {
  const rowsOf = (layout: ReturnType<typeof layoutChart>) =>
    layout.rows.map((row) => row.map((segment) => segment.text).join(''));
  const canaryRows = (layout: ReturnType<typeof layoutChart>) =>
    layout.rows.flatMap((row, index) => (row.some((segment) => segment.layer === 'canary') ? [index] : []));

  it('draws a 0.1% canary above the floor and a 5% rollback limit as a marker at the top edge', () => {
    const low = [0.05, 0.08, 0.1, 0.12, 0.1, 0.09];
    const layout = layoutChart({ unit: '%', width: 60, rows: 10, canary: low, baseline: low, thresholds });
    const text = rowsOf(layout);
    // The canary's line spans rows well above the floor (the last row is the 0 line).
    expect(Math.min(...canaryRows(layout))).toBeLessThan(5);
    // The limits are named at the top edge, the highest first, none cut.
    expect(text[0]).toContain('↑ rollback 5.0%');
    expect(text[1]).toContain('↑ no-go 2.0%');
    expect(text[2]).toContain('↑ pass 1.0%');
    // No dashed limit line crosses the plot: the limits are not the scale.
    expect(
      layout.rows.flat().some((segment) => segment.layer === 'rollback' && segment.text.includes('┄')),
    ).toBe(false);
    // The scale tops out near the data, not at the rollback limit.
    expect(text[0]).toMatch(/^0\.1\d%/);
  });

  it('keeps a limit the data is approaching on the scale, as a line', () => {
    const rising = [0.3, 0.5, 0.7, 0.8];
    const text = rowsOf(
      layoutChart({ unit: '%', width: 60, rows: 10, canary: rising, baseline: [], thresholds }),
    );
    const pass = text.findIndex((line) => line.includes('pass 1.0%'));
    expect(pass).toBeGreaterThan(0);
    expect(text[pass]).toContain('┄');
    expect(text.join('\n')).toContain('↑ rollback 5.0%');
  });

  it('with no errors at all shows the lowest limit so the floor reads as zero', () => {
    const zero = [0, 0, 0];
    const text = rowsOf(
      layoutChart({ unit: '%', width: 60, rows: 8, canary: zero, baseline: zero, thresholds }),
    );
    expect(text.join('\n')).toMatch(/pass 1\.0%/);
    expect(text.at(-1)).toMatch(/^0\.0%/);
  });

  it('never lets two labels share a row: close limits on a short chart both stay whole', () => {
    const close = [
      { label: 'pass', value: 203, kind: 'pass' as const },
      { label: 'no-go', value: 210, kind: 'nogo' as const },
      { label: 'rollback', value: 230, kind: 'rollback' as const },
    ];
    for (const width of [38, 60]) {
      const text = rowsOf(
        layoutChart({ unit: 'ms', width, rows: 5, canary: [180, 190], baseline: [185], thresholds: close }),
      ).join('\n');
      expect(text).toContain('pass 203ms');
      expect(text).toContain('no-go 210ms');
      expect(text).toContain('rollback 230ms');
    }
  });
});

describe('the whole canary on one time axis', () => {
  it('marks the stage boundaries and names the stages, the running one marked', async () => {
    const history = [0.2, 0.3, 0.2, 0.4, 0.3, 0.2, 0.5];
    const sections = [
      { from: 0, label: '10%', current: false },
      { from: 3, label: '25%', current: false },
      { from: 6, label: '50%', current: true },
      { from: 9, label: '100%', current: false },
    ];
    const layout = layoutChart({
      unit: '%',
      width: 70,
      rows: 8,
      canary: history,
      baseline: history,
      thresholds,
      slots: 12,
      sections,
    });
    expect(layout.sections.map((s) => s.column)).toEqual(
      [...layout.sections.map((s) => s.column)].sort((a, b) => a - b),
    );
    const boundaries = layout.rows.flat().filter((segment) => segment.layer === 'boundary');
    expect(boundaries.length).toBeGreaterThan(0);
    const frame = stripAnsi(
      await frameOf(
        <MetricChart
          title="error rate (%)"
          unit="%"
          width={70}
          height={11}
          canary={history}
          baseline={history}
          thresholds={thresholds}
          slots={12}
          sections={sections}
        />,
      ),
    );
    const axis = frame.split('\n').at(-1) ?? '';
    expect(axis).toMatch(/10%\s+25%\s+▸50%\s+100%/);
  });
});

describe('axis labels', () => {
  it('print the floor as 0, never -0.00% (a value a hair below zero from floating point)', () => {
    expect(axisLabel(-0.0001, '%', 2)).toBe('0.00%');
    expect(axisLabel(-1e-12, '%', 3)).toBe('0.000%');
    expect(axisLabel(-0.4, 'ms', 0)).toBe('0ms');
    // A real negative value (none in these charts, but never hidden) keeps its sign.
    expect(axisLabel(-0.02, '%', 2)).toBe('-0.02%');
    expect(axisLabel(0.055, '%', 3)).toBe('0.055%');
  });
});
