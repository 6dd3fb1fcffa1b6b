import { plot } from 'asciichart';

/**
 * A plain-text chart of one metric over a canary stage: canary drawn with lines, baseline with
 * dots, so it reads without colour in a Markdown code block or a ticket.
 */

type Symbols = [string, string, string, string, string, string, string, string, string, string];
const CANARY_SYMBOLS: Symbols = ['┼', '┤', '╶', '╴', '─', '╰', '╭', '╮', '╯', '│'];
const BASELINE_SYMBOLS: Symbols = ['┼', '┤', '╶', '╴', '·', '·', '·', '·', '·', '·'];

/** Gaps (a window with no data) take the value before them, so the line stays continuous. */
function filled(values: ReadonlyArray<number | null>): number[] | undefined {
  const first = values.find((v): v is number => v !== null && Number.isFinite(v));
  if (first === undefined) return undefined;
  let last = first;
  return values.map((v) => {
    if (v !== null && Number.isFinite(v)) last = v;
    return last;
  });
}

/** At most `width` points: each column keeps the worst (highest) value of the samples it covers. */
function fitted(values: number[], width: number): number[] {
  if (values.length <= width) return values;
  const out: number[] = [];
  for (let column = 0; column < width; column++) {
    const from = Math.floor((column * values.length) / width);
    const to = Math.max(from + 1, Math.floor(((column + 1) * values.length) / width));
    out.push(Math.max(...values.slice(from, to)));
  }
  return out;
}

export interface ReportChartInput {
  title: string;
  unit: '%' | 'ms';
  canary: ReadonlyArray<number | null>;
  baseline: ReadonlyArray<number | null>;
  /** Plot rows. */
  height?: number;
  /** Most columns of points. */
  width?: number;
}

export function reportChart(input: ReportChartInput): string {
  const width = input.width ?? 60;
  const canary = filled(input.canary);
  const baseline = filled(input.baseline);
  if (!canary && !baseline) return `${input.title}: no data`;
  const series = [canary, baseline]
    .filter((s): s is number[] => s !== undefined)
    .map((s) => fitted(s, width));
  const all = series.flat();
  const low = Math.min(...all);
  const high = Math.max(...all);
  // An error rate is read against zero; a latency against its own range, or a 180 ms line sits
  // flat at the top of a chart that starts at 0 ms.
  const spread = input.unit === 'ms' ? Math.max(high - low, 20) : high - low || 0.5;
  const min = input.unit === '%' ? Math.min(0, low) : Math.max(0, low - spread * 0.5);
  const max = high + spread * 0.1;
  const decimals = input.unit === 'ms' ? 0 : max < 1 ? 2 : max < 10 ? 1 : 0;
  const label = (v: number) => `${v.toFixed(decimals)}${input.unit === 'ms' ? 'ms' : '%'}`;
  const labelWidth = Math.max(label(max).length, label(min).length);
  const config = (symbols: Symbols) => ({
    min,
    max,
    height: input.height ?? 8,
    offset: 2,
    format: (v: number) => label(v).padStart(labelWidth),
    symbols,
  });
  const layers = [
    canary ? plot(fitted(canary, width), config(CANARY_SYMBOLS)).split('\n') : undefined,
    baseline ? plot(fitted(baseline, width), config(BASELINE_SYMBOLS)).split('\n') : undefined,
  ];
  const [front, back] = layers[0] ? [layers[0], layers[1]] : [layers[1]!, undefined];
  // The canary is drawn over the baseline: a baseline dot shows only where the canary left a blank.
  const rows = front.map((row, r) => {
    const under = back?.[r] ?? '';
    const cells = [...row];
    const underCells = [...under];
    for (let i = 0; i < Math.max(cells.length, underCells.length); i++) {
      if ((cells[i] === undefined || cells[i] === ' ') && underCells[i] !== undefined)
        cells[i] = underCells[i];
    }
    return cells.join('').trimEnd();
  });
  const legend = [canary ? '─ canary' : undefined, baseline ? '· baseline' : undefined]
    .filter(Boolean)
    .join('  ');
  return [`${input.title}  (${legend})`, ...rows].join('\n');
}
