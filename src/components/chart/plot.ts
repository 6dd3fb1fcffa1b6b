import { plot } from 'asciichart';
import { resampleSeries } from './resample.js';

export type ThresholdKind = 'pass' | 'nogo' | 'rollback';
export interface ChartThreshold {
  label: string;
  value: number;
  kind: ThresholdKind;
}

export type ChartLayer = 'axis' | 'canary' | 'baseline' | ThresholdKind | 'note';
export interface ChartSegment {
  text: string;
  layer: ChartLayer;
}
export type ChartRow = ChartSegment[];

export interface ChartInput {
  unit: '%' | 'ms';
  width: number;
  /** Rows of the plot itself. */
  rows: number;
  canary: ReadonlyArray<number | null>;
  baseline: ReadonlyArray<number | null>;
  thresholds: ReadonlyArray<ChartThreshold>;
  /** Samples the whole stage will hold; defaults to the longest series. */
  slots?: number;
}

export interface ChartLayout {
  rows: ChartRow[];
  /** Columns taken by the value labels and the axis: where the time axis starts. */
  labelColumns: number;
  /** Columns of plotted points. */
  plotColumns: number;
}

const DEFAULT_SYMBOLS = ['┼', '┤', '╶', '╴', '─', '╰', '╭', '╮', '╯', '│'];
const BASELINE_SYMBOLS = ['┼', '┤', '╶', '╴', '·', '·', '·', '·', '·', '·'];
const THRESHOLD_SYMBOLS = ['┼', '┤', '╶', '╴', '┄', '┄', '┄', '┄', '┄', '┄'];
type Symbols = [string, string, string, string, string, string, string, string, string, string];

/** A value as the axis and the notes print it; `scaleMax` picks the precision a scale needs. */
export function formatValue(value: number, unit: '%' | 'ms', scaleMax: number): string {
  if (unit === 'ms') return `${Math.round(value)}ms`;
  const decimals = scaleMax < 1 ? 2 : scaleMax < 10 ? 1 : 0;
  return `${value.toFixed(decimals)}%`;
}

const finite = (values: ReadonlyArray<number | null>) =>
  values.filter((value): value is number => value !== null && Number.isFinite(value));

/**
 * Lays out the chart as rows of coloured-by-meaning segments. The series are plotted as separate
 * asciichart layers with the same scale and merged, so canary, baseline and thresholds keep their
 * own line style (readable without colour) and canary is drawn over the others.
 */
export function layoutChart(input: ChartInput): ChartLayout {
  const { unit, width, thresholds } = input;
  const height = Math.max(1, input.rows - 1);
  const values = [...finite(input.canary), ...finite(input.baseline), ...thresholds.map((t) => t.value)];
  const min = Math.min(0, ...values);
  const top = Math.max(min, ...values);
  // Headroom above the highest line; explicit min/max so a flat series does not collapse.
  const max = top > min ? top + (top - min) * 0.1 : min + (unit === 'ms' ? 100 : 1);
  const labelWidth = Math.max(formatValue(max, unit, max).length, formatValue(min, unit, max).length);
  const format = (value: number) => formatValue(value, unit, max).padStart(labelWidth);
  const config = (symbols: string[]) => ({
    min,
    max,
    height,
    offset: labelWidth + 1,
    format,
    symbols: symbols as Symbols,
  });

  // asciichart's label column is about twice as wide as its labels; its cells are read from where
  // the points start and a compact label column of our own is put in front.
  const firstPoint = plot([0, 0], config(DEFAULT_SYMBOLS)).split('\n')[0].length - 2;
  const labelColumns = labelWidth + 2;
  const notes = thresholds.map((t) => ` ${t.label} ${formatValue(t.value, unit, max)}`);
  const noteWidth = Math.min(18, Math.max(0, ...notes.map((note) => note.length)));
  const plotColumns = Math.max(2, width - labelColumns - noteWidth);
  const slots = input.slots ?? Math.max(input.canary.length, input.baseline.length);

  const range = max - min;
  const ratio = height / range;
  const min2 = Math.round(min * ratio);
  const plotRows = Math.round(max * ratio) - min2;
  const rowOf = (value: number) => plotRows - (Math.round(value * ratio) - min2);

  const layer = (series: number[], symbols: string[]) =>
    series.length > 0 ? plot(series, config(symbols)).split('\n') : [];
  const canary = layer(resampleSeries(input.canary, plotColumns, slots), DEFAULT_SYMBOLS);
  const baseline = layer(resampleSeries(input.baseline, plotColumns, slots), BASELINE_SYMBOLS);
  const thresholdLayers = thresholds.map((t) => layer(Array(plotColumns).fill(t.value), THRESHOLD_SYMBOLS));
  const kindAtRow = new Map<number, ThresholdKind>();
  const noteAtRow = new Map<number, string>();
  thresholds.forEach((t, i) => {
    const row = rowOf(t.value);
    kindAtRow.set(row, kindAtRow.get(row) === 'rollback' ? 'rollback' : t.kind);
    noteAtRow.set(row, (noteAtRow.get(row) ?? '') + notes[i]);
  });

  const rows: ChartRow[] = [];
  for (let r = 0; r <= Math.min(plotRows, input.rows - 1); r++) {
    const rowValue = plotRows > 0 ? max - (r * range) / plotRows : max;
    const axis = r === plotRows ? '┼' : '┤';
    const cells: ChartSegment[] = [{ text: `${format(rowValue)} ${axis}`, layer: 'axis' }];
    for (let c = firstPoint; c < firstPoint + plotColumns; c++) {
      const pick = (lines: string[]) => {
        const ch = lines[r]?.[c];
        return ch !== undefined && ch !== ' ' ? ch : undefined;
      };
      const fromCanary = pick(canary);
      const fromBaseline = pick(baseline);
      const fromThreshold = thresholdLayers.map(pick).find((ch) => ch !== undefined);
      if (fromCanary) cells.push({ text: fromCanary, layer: 'canary' });
      else if (fromBaseline) cells.push({ text: fromBaseline, layer: 'baseline' });
      else if (fromThreshold) cells.push({ text: fromThreshold, layer: kindAtRow.get(r) ?? 'nogo' });
      else cells.push({ text: ' ', layer: 'axis' });
    }
    const note = noteAtRow.get(r);
    if (note) cells.push({ text: note.slice(0, noteWidth), layer: kindAtRow.get(r) ?? 'note' });
    rows.push(mergeSegments(cells));
  }
  while (rows.length < input.rows) rows.push([{ text: ' ', layer: 'axis' }]);
  return { rows, labelColumns, plotColumns };
}

function mergeSegments(cells: ChartSegment[]): ChartRow {
  const merged: ChartRow = [];
  for (const cell of cells) {
    const previous = merged[merged.length - 1];
    if (previous && previous.layer === cell.layer) previous.text += cell.text;
    else merged.push({ ...cell });
  }
  return merged;
}
