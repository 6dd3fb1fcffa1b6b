/**
 * Fits a metric series to the columns a chart has. asciichart draws one column per point and has
 * no width option, so the points are resampled here.
 *
 * - Several samples in one column: the column shows the WORST (largest) of them, so a short
 *   error spike is never averaged away on a narrow terminal.
 * - Missing samples (null, NaN) repeat the last known value; leading ones take the first known.
 * - `slots` is how many samples the whole stage will have, so a stage that has just begun
 *   fills only the left part of the chart instead of being stretched across it.
 */
export function resampleSeries(
  samples: ReadonlyArray<number | null>,
  columns: number,
  slots: number = samples.length,
): number[] {
  const total = Math.max(slots, samples.length);
  if (columns <= 0 || total === 0) return [];
  const out: Array<number | undefined> = [];
  let last: number | undefined;
  for (let column = 0; column < columns; column++) {
    const from = Math.floor((column * total) / columns);
    const to = Math.max(Math.floor(((column + 1) * total) / columns), from + 1);
    if (from >= samples.length) break;
    let worst: number | undefined;
    for (let i = from; i < Math.min(to, samples.length); i++) {
      const value = samples[i];
      if (value !== null && Number.isFinite(value))
        worst = worst === undefined ? value : Math.max(worst, value);
    }
    if (worst !== undefined) last = worst;
    out.push(worst ?? last);
  }
  const first = out.find((value) => value !== undefined);
  if (first === undefined) return [];
  return out.map((value) => value ?? first);
}
