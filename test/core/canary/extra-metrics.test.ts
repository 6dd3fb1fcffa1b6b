import { describe, expect, it } from 'vitest';
import { judgeExtraMetrics } from '../../../src/core/canary/extra-metrics.js';
import type { ExtraMetric } from '../../../src/core/runbook/schema.js';

const lag: ExtraMetric = {
  id: 'replication-latency',
  title: 'DynamoDB replication lag',
  namespace: 'AWS/DynamoDB',
  metric: 'ReplicationLatency',
  dimensions: { TableName: 'products' },
  stat: 'Maximum',
  unit: 'Milliseconds',
  max: 1000,
  rollbackAbove: 5000,
};
const throttles: ExtraMetric = {
  id: 'dynamodb-throttles',
  title: 'DynamoDB throttled requests',
  namespace: 'AWS/DynamoDB',
  metric: 'ThrottledRequests',
  dimensions: { TableName: 'products' },
  stat: 'Sum',
  unit: 'Count',
  max: 0,
};

describe('judgeExtraMetrics', () => {
  it('says nothing while every reported value is within its limits', () => {
    expect(
      judgeExtraMetrics(
        [lag, throttles],
        [
          { id: 'replication-latency', value: 180 },
          { id: 'dynamodb-throttles', value: 0 },
        ],
      ),
    ).toBeUndefined();
    // At the edge stays inside, like the bands.
    expect(judgeExtraMetrics([lag], [{ id: 'replication-latency', value: 1000 }])).toBeUndefined();
  });

  it('lag above max is a WATCH, above rollbackAbove a ROLLBACK, with the value and the limit', () => {
    expect(judgeExtraMetrics([lag], [{ id: 'replication-latency', value: 1500 }])).toEqual({
      verdict: 'WATCH',
      reasons: ['DynamoDB replication lag 1500 ms above its limit of 1000 ms.'],
    });
    expect(judgeExtraMetrics([lag], [{ id: 'replication-latency', value: 8000 }])).toEqual({
      verdict: 'ROLLBACK',
      reasons: ['DynamoDB replication lag 8000 ms above the rollback limit of 5000 ms.'],
    });
  });

  it('the worst breach decides and comes first', () => {
    const judged = judgeExtraMetrics(
      [throttles, lag],
      [
        { id: 'dynamodb-throttles', value: 3 },
        { id: 'replication-latency', value: 6000 },
      ],
    );
    expect(judged?.verdict).toBe('ROLLBACK');
    expect(judged?.reasons).toEqual([
      'DynamoDB replication lag 6000 ms above the rollback limit of 5000 ms.',
      'DynamoDB throttled requests 3 above its limit of 0.',
    ]);
  });

  it('does not judge a metric CloudWatch did not report', () => {
    expect(judgeExtraMetrics([lag], [{ id: 'replication-latency', value: null }])).toBeUndefined();
    expect(judgeExtraMetrics([lag], undefined)).toBeUndefined();
  });
});
