/** Metric series and their one-minute buckets, as CloudWatch keeps them. */

export interface Dimension {
  Name: string;
  Value: string;
}

export interface SeriesId {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
}

/** Series are matched on namespace, name and the exact set of dimensions, as CloudWatch does. */
export function seriesKey(namespace: string, metricName: string, dimensions: readonly Dimension[]): string {
  const dims = [...dimensions]
    .sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0))
    .map((d) => `${d.Name}=${d.Value}`)
    .join('\u0001');
  return `${namespace}\u0000${metricName}\u0000${dims}`;
}

/** Aggregate of the samples of one series in one minute (or several merged). */
export class Bucket {
  sampleCount = 0;
  sum = 0;
  minimum = Number.POSITIVE_INFINITY;
  maximum = Number.NEGATIVE_INFINITY;
  /** Raw samples, kept for series that are asked for percentiles; sorted once finished. */
  values: number[] | Float32Array | undefined;
  /** Set when samples arrived as statistic sets only (no percentiles possible). */
  statisticSetsOnly = false;

  constructor(keepValues: boolean) {
    this.values = keepValues ? [] : undefined;
  }

  add(value: number, count = 1): void {
    this.sampleCount += count;
    this.sum += value * count;
    if (value < this.minimum) this.minimum = value;
    if (value > this.maximum) this.maximum = value;
    if (Array.isArray(this.values)) for (let i = 0; i < count; i++) this.values.push(value);
  }

  addStatisticSet(set: { SampleCount: number; Sum: number; Minimum: number; Maximum: number }): void {
    this.sampleCount += set.SampleCount;
    this.sum += set.Sum;
    this.minimum = Math.min(this.minimum, set.Minimum);
    this.maximum = Math.max(this.maximum, set.Maximum);
    this.statisticSetsOnly = true;
  }

  /** Whether `values` is in order: sorted when a percentile is first asked, not for every minute. */
  private ordered = false;

  finish(): this {
    if (Array.isArray(this.values)) this.values = Float32Array.from(this.values);
    this.ordered = false;
    return this;
  }

  /** The samples in order (sorted in place once): most buckets are never asked a percentile. */
  sortedValues(): Float32Array | undefined {
    if (!(this.values instanceof Float32Array)) this.finish();
    const values = this.values as Float32Array | undefined;
    if (values && !this.ordered) {
      values.sort();
      this.ordered = true;
    }
    return values;
  }

  static merge(buckets: Bucket[]): Bucket {
    const keep = buckets.some((b) => b.values !== undefined);
    const out = new Bucket(false);
    const runs: Float32Array[] = [];
    for (const b of buckets) {
      out.sampleCount += b.sampleCount;
      out.sum += b.sum;
      out.minimum = Math.min(out.minimum, b.minimum);
      out.maximum = Math.max(out.maximum, b.maximum);
      out.statisticSetsOnly ||= b.statisticSetsOnly || (keep && b.values === undefined && b.sampleCount > 0);
      const sorted = b.values ? b.sortedValues() : undefined;
      if (sorted?.length) runs.push(sorted);
    }
    if (keep) {
      // Each minute's samples are sorted once and kept: a window merges them in order, O(n log k),
      // rather than sorting the whole window again at every poll.
      out.values = mergeSorted(runs);
      out.ordered = true;
    }
    return out;
  }
}

/** One sorted array of sorted runs, merged pairwise. */
function mergeSorted(runs: Float32Array[]): Float32Array {
  if (runs.length === 0) return new Float32Array(0);
  let level = runs;
  while (level.length > 1) {
    const next: Float32Array[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(i + 1 < level.length ? mergeTwo(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return level[0];
}

function mergeTwo(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/** All series of one minute. */
export type MinuteData = Map<string, Bucket>;

const PERCENTILE = /^p(\d{1,2}(\.\d{1,2})?|100)$/;

export function isKnownStatistic(stat: string): boolean {
  return ['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'].includes(stat) || PERCENTILE.test(stat);
}

/** The value of one statistic over a bucket; undefined when CloudWatch would give no datapoint. */
export function statisticOf(bucket: Bucket, stat: string): number | undefined {
  if (bucket.sampleCount === 0) return undefined;
  switch (stat) {
    case 'SampleCount':
      return bucket.sampleCount;
    case 'Sum':
      return bucket.sum;
    case 'Average':
      return bucket.sum / bucket.sampleCount;
    case 'Minimum':
      return bucket.minimum;
    case 'Maximum':
      return bucket.maximum;
  }
  const match = PERCENTILE.exec(stat);
  if (!match) return undefined;
  const p = Number(match[1]) / 100;
  if (bucket.values && bucket.values.length > 0 && !bucket.statisticSetsOnly) {
    // Nearest rank over the sorted samples.
    const sorted = bucket.sortedValues() as Float32Array;
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
    return sorted[rank];
  }
  // Counters are 0/1 samples: the percentile is 1 once the share of ones passes 1 - p.
  if (!bucket.statisticSetsOnly && bucket.minimum >= 0 && bucket.maximum <= 1) {
    const ones = bucket.sum / bucket.sampleCount;
    return 1 - ones < p ? bucket.maximum : bucket.minimum;
  }
  return undefined;
}
