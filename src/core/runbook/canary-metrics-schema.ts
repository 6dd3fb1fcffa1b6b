import { z } from 'zod';

/**
 * The optional `metrics:` block of a canary target (issue 13.2): which CloudWatch series give the
 * canary's error rate and latency, for the canary and for the baseline. Left out, a target keeps
 * the metrics of its kind (Lambda Errors/Invocations and Duration p95, API Gateway 5XXError/Count
 * and Latency p95); src/core/canary/target-metrics.ts turns either into the series to read.
 */

const PERCENTILE = /^p(\d{1,2}(\.\d{1,2})?|100)$/;
const STATISTICS = ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'];

export function isStatistic(stat: string): boolean {
  return STATISTICS.includes(stat) || PERCENTILE.test(stat);
}

export function isPercentile(stat: string): boolean {
  return PERCENTILE.test(stat);
}

const statistic = z
  .string()
  .refine(
    isStatistic,
    'must be a CloudWatch statistic: Sum, Average, Minimum, Maximum, SampleCount or a percentile such as p95',
  );

const dimensionMap = z.record(z.string(), z.string());

/** One CloudWatch series: the block's dimensions apply to it, its own `dimensions` are added on top. */
export const metricSourceSchema = z
  .strictObject({
    namespace: z.string().min(1).describe('CloudWatch namespace, e.g. Orders/App'),
    metric: z.string().min(1).describe('CloudWatch metric name'),
    dimensions: dimensionMap
      .optional()
      .describe("dimensions of this series only, added to the block's (a name here wins)"),
    stat: statistic.optional().describe('CloudWatch statistic; counts default to Sum, latency to p95'),
  })
  .describe('one CloudWatch series');

/**
 * Either a ratio (`numerator` errors over `denominator` requests, both counts) or one metric:
 * `unit: Count` (errors counted, divided by the target's own request count) or `unit: Percent`
 * (the metric is the error rate already).
 */
export const canaryErrorsSchema = z
  .strictObject({
    numerator: metricSourceSchema.optional().describe('the failed requests (a count, stat Sum by default)'),
    denominator: metricSourceSchema
      .optional()
      .describe('all requests (a count, stat Sum by default); also the request count minRequests is held to'),
    namespace: z.string().min(1).optional().describe('one-metric form: CloudWatch namespace'),
    metric: z.string().min(1).optional().describe('one-metric form: CloudWatch metric name'),
    dimensions: dimensionMap.optional().describe('one-metric form: dimensions added to the block’s'),
    stat: statistic
      .optional()
      .describe('one-metric form: statistic (Sum for Count, Average for Percent by default)'),
    unit: z
      .enum(['Count', 'Percent'])
      .optional()
      .describe(
        'one-metric form: Count (errors, divided by the target’s requests) or Percent (the error rate itself)',
      ),
  })
  .superRefine((errors, ctx) => {
    const ratio = errors.numerator !== undefined || errors.denominator !== undefined;
    const single = errors.namespace !== undefined || errors.metric !== undefined;
    if (ratio && single) {
      ctx.addIssue({
        code: 'custom',
        path: ['numerator'],
        message:
          'errors is either a ratio (numerator and denominator) or one metric (namespace, metric, unit), not both',
      });
      return;
    }
    if (ratio) {
      for (const part of ['numerator', 'denominator'] as const) {
        if (errors[part] === undefined)
          ctx.addIssue({
            code: 'custom',
            path: [],
            message: `an error ratio needs both numerator and denominator; ${part} is missing`,
          });
      }
      for (const key of ['dimensions', 'stat', 'unit'] as const) {
        if (errors[key] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `"${key}" belongs to the one-metric form; in a ratio, set it on numerator and denominator`,
          });
      }
      return;
    }
    if (!single) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message:
          'errors needs a ratio (numerator and denominator) or one metric (namespace and metric, with unit Count or Percent)',
      });
      return;
    }
    for (const part of ['namespace', 'metric'] as const) {
      if (errors[part] === undefined)
        ctx.addIssue({ code: 'custom', path: [], message: `the error metric needs "${part}"` });
    }
  })
  .describe('the canary error rate: a ratio of two counts, or one metric with its unit');

export const canaryLatencySchema = metricSourceSchema
  .extend({
    stat: statistic
      .refine(
        (stat) => isPercentile(stat) || stat === 'Average' || stat === 'Maximum',
        'latency is judged as a percentile (e.g. p95), Average or Maximum',
      )
      .optional()
      .describe('the latency statistic compared with the baseline; p95 by default'),
  })
  .describe('the canary latency, compared with the baseline’s (milliseconds)');

export const canaryMetricsSchema = z
  .strictObject({
    errors: canaryErrorsSchema.optional(),
    latency: canaryLatencySchema.optional(),
    dimensions: dimensionMap
      .default({})
      .describe('dimensions of every series declared here, for the canary and the baseline'),
    versionDimension: z
      .string()
      .min(1)
      .optional()
      .describe(
        'the dimension that tells the sides apart: set to the Lambda version (canary or stable) or the API stage (canaryStage or stage)',
      ),
    canaryDimensions: dimensionMap.default({}).describe('dimensions added for the canary side only'),
    baselineDimensions: dimensionMap.default({}).describe('dimensions added for the baseline side only'),
  })
  .superRefine((metrics, ctx) => {
    if (metrics.errors === undefined && metrics.latency === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'metrics declares neither errors nor latency; declare one, or leave metrics out',
      });
    }
    const sidesDiffer =
      metrics.versionDimension !== undefined ||
      JSON.stringify(sorted(metrics.canaryDimensions)) !== JSON.stringify(sorted(metrics.baselineDimensions));
    if (!sidesDiffer) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message:
          'the canary and the baseline would read the same series; set versionDimension (e.g. FunctionVersion) or canaryDimensions and baselineDimensions that differ',
      });
    }
  })
  .describe("the target's own canary metrics; left out, the target kind's AWS metrics");

function sorted(map: Record<string, string>): Array<[string, string]> {
  return Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export type MetricSource = z.infer<typeof metricSourceSchema>;
export type CanaryErrorsMetrics = z.infer<typeof canaryErrorsSchema>;
export type CanaryLatencyMetric = z.infer<typeof canaryLatencySchema>;
export type CanaryMetrics = z.infer<typeof canaryMetricsSchema>;
