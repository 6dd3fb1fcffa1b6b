import { plot } from 'asciichart';
import { resampleSeries } from './resample.js';
import { chartScale, placeLabels } from './scale.js';
import type { ChartThreshold, ThresholdKind } from './threshold.js';

export type { ChartThreshold, ThresholdKind } from './threshold.js';

export type ChartLayer = 'axis' | 'boundary' | 'canary' | 'baseline' | ThresholdKind | 'note';
export interface ChartSegment {
  text: string;
  layer: ChartLayer;
}
export type ChartRow = ChartSegment[];

/** A part of the time axis (a canary stage): where it starts, in slots, and its name. */
export interface ChartSection {
  from: number;
  label: string;
  /** The stage running now: its name is highlighted on the axis. */
  current: boolean;
}

export interface ChartInput {
  unit: '%' | 'ms';
  width: number;
  /** Rows of the plot itself. */
  rows: number;
  canary: ReadonlyArray<number | null>;
  baseline: ReadonlyArray<number | null>;
  thresholds: ReadonlyArray<ChartThreshold>;
  /** Samples the whole axis will hold; defaults to the longest series. */
  slots?: number;
  /** Stages along the axis: a mark at each boundary. */
  sections?: ReadonlyArray<ChartSection>;
}

export interface ChartLayout {
  rows: ChartRow[];
  /** Columns taken by the value labels and the axis: where the time axis starts. */
  labelColumns: number;
  /** Columns of plotted points. */
  plotColumns: number;
  /** Each section with the plot column it starts at. */
  sections: Array<ChartSection & { column: number }>;
}

/** Line styles tell the series apart without colour: canary solid, baseline double, limits dashed. */
const DEFAULT_SYMBOLS = ['┼', '┤', '╶', '╴', '─', '╰', '╭', '╮', '╯', '│'];
const BASELINE_SYMBOLS = ['┼', '┤', '╶', '╴', '═', '╚', '╔', '╗', '╝', '║'];
const THRESHOLD_SYMBOLS = ['┼', '┤', '╶', '╴', '┄', '┄', '┄', '┄', '┄', '┄'];
const BOUNDARY = '┊';
type Symbols = [string, string, string, string, string, string, string, string, string, string];

/** A value as the axis and the notes print it; `scaleMax` picks the precision a scale needs. */
export function formatValue(value: number, unit: '%' | 'ms', scaleMax: number): string {
  if (unit === 'ms') return `${Math.round(value)}ms`;
  const decimals = scaleMax < 1 ? 2 : scaleMax < 10 ? 1 : 0;
  return `${value.toFixed(decimals)}%`;
}

/**
 * A row's value on the axis. The floor row's value comes out of floating point a hair below zero at
 * times; it prints as 0, never "-0.00%".
 */
export function axisLabel(value: number, unit: '%' | 'ms', decimals: number): string {
  const shown = Math.abs(value) < 0.5 * 10 ** -decimals ? 0 : value;
  return unit === 'ms' ? `${Math.round(shown)}ms` : `${shown.toFixed(decimals)}%`;
}

/** A limit as the runbook wrote it: 0.5%, 5.0%, 0.25%, 400ms. */
function limitText(value: number, unit: '%' | 'ms'): string {
  if (unit === 'ms') return `${Math.round(value)}ms`;
  const decimals = (String(Number(value.toFixed(2))).split('.')[1] ?? '').length;
  return `${value.toFixed(Math.max(1, decimals))}%`;
}

const finite = (values: ReadonlyArray<number | null>) =>
  values.filter((value): value is number => value !== null && Number.isFinite(value));

/** The first plot column of a slot, as `resampleSeries` spreads `total` slots over `columns`. */
const columnOfSlot = (slot: number, columns: number, total: number) =>
  Math.min(columns - 1, Math.ceil((slot * columns) / Math.max(1, total)));

/**
 * Lays out the chart as rows of coloured-by-meaning segments. The series are plotted as separate
 * asciichart layers with the same scale and merged, so canary, baseline and thresholds keep their
 * own line style (readable without colour) and canary is drawn over the others.
 */
export function layoutChart(input: ChartInput): ChartLayout {
  const { unit, width } = input;
  const height = Math.max(1, input.rows - 1);
  const { min, max, onScale, offScale } = chartScale(
    unit,
    [...finite(input.canary), ...finite(input.baseline)],
    input.thresholds,
  );
  // Enough decimals that neighbouring rows never print the same value (0.17% twice).
  const step = (max - min) / height;
  const decimals = unit === 'ms' ? 0 : Math.min(3, Math.max(step >= 1 ? 0 : 1, Math.ceil(-Math.log10(step))));
  const axisText = (value: number) => axisLabel(value, unit, decimals);
  const labelWidth = Math.max(axisText(max).length, axisText(min).length);
  const format = (value: number) => axisText(value).padStart(labelWidth);
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
  const range = max - min;
  const ratio = height / range;
  const min2 = Math.round(min * ratio);
  const plotRows = Math.round(max * ratio) - min2;
  const rowOf = (value: number) => plotRows - (Math.round(value * ratio) - min2);
  const visibleRows = Math.min(plotRows, input.rows - 1) + 1;

  const notes = [
    ...onScale.map((t) => ({
      t,
      text: ` ${t.label} ${limitText(t.value, unit)}`,
      row: rowOf(t.value),
    })),
    ...[...offScale].reverse().map((t) => ({ t, text: ` ↑ ${t.label} ${limitText(t.value, unit)}`, row: 0 })),
  ];
  const noteWidth = Math.min(18, Math.max(0, ...notes.map((note) => note.text.length)));
  const plotColumns = Math.max(2, width - labelColumns - noteWidth);
  const slots = input.slots ?? Math.max(input.canary.length, input.baseline.length);
  const total = Math.max(slots, input.canary.length, input.baseline.length);
  const sections = (input.sections ?? []).map((section) => ({
    ...section,
    column: columnOfSlot(section.from, plotColumns, total),
  }));
  const boundaries = new Set(sections.filter((s) => s.from > 0).map((s) => s.column));

  const layer = (series: number[], symbols: string[]) =>
    series.length > 0 ? plot(series, config(symbols)).split('\n') : [];
  const canary = layer(resampleSeries(input.canary, plotColumns, slots), DEFAULT_SYMBOLS);
  const baseline = layer(resampleSeries(input.baseline, plotColumns, slots), BASELINE_SYMBOLS);
  const thresholdLayers = onScale.map((t) => layer(Array(plotColumns).fill(t.value), THRESHOLD_SYMBOLS));
  const kindAtRow = new Map<number, ThresholdKind>();
  for (const t of onScale) {
    const row = rowOf(t.value);
    kindAtRow.set(row, kindAtRow.get(row) === 'rollback' ? 'rollback' : t.kind);
  }
  const noteAtRow = placeLabels(notes, visibleRows);

  const rows: ChartRow[] = [];
  for (let r = 0; r < visibleRows; r++) {
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
      else if (boundaries.has(c - firstPoint)) cells.push({ text: BOUNDARY, layer: 'boundary' });
      else cells.push({ text: ' ', layer: 'axis' });
    }
    const note = noteAtRow.get(r);
    if (note) cells.push({ text: note.text.slice(0, noteWidth), layer: note.t.kind });
    rows.push(mergeSegments(cells));
  }
  while (rows.length < input.rows) rows.push([{ text: ' ', layer: 'axis' }]);
  return { rows, labelColumns, plotColumns, sections };
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
