import { describe, expect, it } from 'vitest';
import { apiGatewaySeries, lambdaSeries } from '../../../src/core/canary/target-metrics.js';
import { canaryMetricsSchema } from '../../../src/core/runbook/canary-metrics-schema.js';

const lambda = { functionName: 'shop-orders', alias: 'live' };
const api = { apiName: 'shop-api', stage: 'live', canaryStage: 'live/Canary' };

function brief(series: ReturnType<typeof lambdaSeries>) {
  return series.map((s) => [s.role, `${s.namespace} ${s.metric}`, s.stat, s.dimensions, s.declared]);
}

describe('the series of a target without a metrics block: the kind’s AWS metrics', () => {
  it('Lambda: Invocations, Errors, Throttles and Duration p95 by FunctionName, Resource and ExecutedVersion', () => {
    const dims = { FunctionName: 'shop-orders', Resource: 'shop-orders:live', ExecutedVersion: '42' };
    expect(brief(lambdaSeries(lambda, { side: 'canary', value: '42' }))).toEqual([
      ['requests', 'AWS/Lambda Invocations', 'Sum', dims, false],
      ['errors', 'AWS/Lambda Errors', 'Sum', dims, false],
      ['throttles', 'AWS/Lambda Throttles', 'Sum', dims, false],
      ['latency', 'AWS/Lambda Duration', 'p95', dims, false],
    ]);
  });

  it('API Gateway: Count, 5XXError and Latency p95 by ApiName and Stage', () => {
    const dims = { ApiName: 'shop-api', Stage: 'live/Canary' };
    expect(brief(apiGatewaySeries(api, { side: 'canary', value: 'live/Canary' }))).toEqual([
      ['requests', 'AWS/ApiGateway Count', 'Sum', dims, false],
      ['errors', 'AWS/ApiGateway 5XXError', 'Sum', dims, false],
      ['latency', 'AWS/ApiGateway Latency', 'p95', dims, false],
    ]);
  });
});

describe('a declared metrics block', () => {
  const ratio = canaryMetricsSchema.parse({
    dimensions: { Service: 'shop-orders' },
    versionDimension: 'FunctionVersion',
    errors: {
      numerator: { namespace: 'Shop/Orders', metric: 'OrdersFailed' },
      denominator: { namespace: 'Shop/Orders', metric: 'OrdersPlaced', dimensions: { Kind: 'all' } },
    },
  });

  it('a ratio: the denominator counts the requests, the numerator the errors; each side by its version', () => {
    const canary = lambdaSeries({ ...lambda, metrics: ratio }, { side: 'canary', value: '42' });
    const baseline = lambdaSeries({ ...lambda, metrics: ratio }, { side: 'baseline', value: '41' });
    expect(brief(canary).slice(0, 2)).toEqual([
      [
        'requests',
        'Shop/Orders OrdersPlaced',
        'Sum',
        { Service: 'shop-orders', Kind: 'all', FunctionVersion: '42' },
        true,
      ],
      ['errors', 'Shop/Orders OrdersFailed', 'Sum', { Service: 'shop-orders', FunctionVersion: '42' }, true],
    ]);
    expect(baseline[1].dimensions).toEqual({ Service: 'shop-orders', FunctionVersion: '41' });
    // Latency was not declared: the kind's Duration stays, and the Lambda's throttles are still read.
    expect(canary.map((s) => s.metric)).toEqual(['OrdersPlaced', 'OrdersFailed', 'Throttles', 'Duration']);
  });

  it('one error count: divided by the kind’s own requests', () => {
    const metrics = canaryMetricsSchema.parse({
      canaryDimensions: { Deployment: 'canary' },
      baselineDimensions: { Deployment: 'stable' },
      errors: { namespace: 'Shop/Api', metric: 'Failures', unit: 'Count' },
    });
    const series = apiGatewaySeries({ ...api, metrics }, { side: 'baseline', value: 'live' });
    expect(brief(series).slice(0, 2)).toEqual([
      ['requests', 'AWS/ApiGateway Count', 'Sum', { ApiName: 'shop-api', Stage: 'live' }, false],
      ['errors', 'Shop/Api Failures', 'Sum', { Deployment: 'stable' }, true],
    ]);
  });

  it('one error rate in percent: read with Average, as the rate itself', () => {
    const metrics = canaryMetricsSchema.parse({
      versionDimension: 'Version',
      errors: { namespace: 'Shop/Api', metric: 'ErrorRate', unit: 'Percent' },
      latency: { namespace: 'Shop/Api', metric: 'ResponseTime', stat: 'p99' },
    });
    const series = lambdaSeries({ ...lambda, metrics }, { side: 'canary', value: '7' });
    expect(series.map((s) => [s.role, s.metric, s.stat])).toEqual([
      ['requests', 'Invocations', 'Sum'],
      ['errorPct', 'ErrorRate', 'Average'],
      ['throttles', 'Throttles', 'Sum'],
      ['latency', 'ResponseTime', 'p99'],
    ]);
    expect(series[3].dimensions).toEqual({ Version: '7' });
  });
});
