import type { ChartThreshold } from './threshold.js';

export interface ChartScale {
  min: number;
  max: number;
  /** Limits drawn as lines: inside the range. */
  onScale: ChartThreshold[];
  /** Limits far above the data: drawn as labelled markers at the top edge, not as the scale. */
  offScale: ChartThreshold[];
}

/**
 * The y range of a chart: it fits the data and the limits near it, so a canary at 0.1% under a
 * 5% rollback limit is a line that moves, not a flat line on the floor.
 *
 * - A limit is on the scale when it is at most twice the highest value charted; the others are
 *   markers at the top edge (the chart says they are there, and where).
 * - With no data above zero, the lowest limit sets the range: a floor at 0 is then the truth.
 * - 10% headroom above the highest line; a flat range still gets a span.
 */
export function chartScale(
  unit: '%' | 'ms',
  data: readonly number[],
  thresholds: ReadonlyArray<ChartThreshold>,
): ChartScale {
  const min = Math.min(0, ...data);
  const dataMax = data.length > 0 ? Math.max(...data) : 0;
  const ascending = [...thresholds].sort((a, b) => a.value - b.value);
  const reach = dataMax > 0 ? dataMax * 2 : (ascending[0]?.value ?? 0);
  const onScale = ascending.filter((t) => t.value <= reach);
  const offScale = ascending.filter((t) => t.value > reach);
  const top = Math.max(min, dataMax, ...onScale.map((t) => t.value));
  const max = top > min ? top + (top - min) * 0.1 : min + (unit === 'ms' ? 100 : 1);
  return { min, max, onScale, offScale };
}

/**
 * Rows for the limits' labels: each wants the row of its line (or the top row, for a marker off
 * the scale) and gets the nearest free one, so two labels never share a row and cut each other.
 * Off-scale markers are stacked from the top, the highest limit first.
 */
export function placeLabels<T extends { row: number }>(labels: readonly T[], rows: number): Map<number, T> {
  const placed = new Map<number, T>();
  for (const label of labels) {
    for (let distance = 0; distance < rows; distance++) {
      const up = label.row - distance;
      const down = label.row + distance;
      const row = [up, down].find((r) => r >= 0 && r < rows && !placed.has(r));
      if (row !== undefined) {
        placed.set(row, label);
        break;
      }
    }
  }
  return placed;
}
