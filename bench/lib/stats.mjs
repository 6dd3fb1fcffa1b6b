// Order statistics of a list of numbers (nearest-rank), for every bench.

export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export const median = (values) => quantile(values, 0.5);
export const mean = (values) =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
export const max = (values) => (values.length ? Math.max(...values) : Number.NaN);

/** Least-squares slope of y over x (units of y per unit of x). */
export function slope(xs, ys) {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = mean(xs);
  const my = mean(ys);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export const pause = (ms) => new Promise((done) => setTimeout(done, ms));
