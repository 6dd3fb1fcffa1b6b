import { describe, expect, it } from 'vitest';
import { parseQueryForm } from '../../src/sandbox/input.js';
import { evaluate, parseExpression, referencesOf, type TimeSeries } from '../../src/sandbox/metric-math.js';

const series = (entries: Array<[number, number]>): TimeSeries => new Map(entries);

describe('metric math', () => {
  const errors = series([
    [0, 2],
    [60, 0],
    [120, 5],
  ]);
  const invocations = series([
    [0, 400],
    [60, 0],
    [120, 500],
  ]);
  const lookup = (id: string) => ({ errors, invocations })[id] ?? new Map();

  it('computes a rate pointwise and leaves out a division by zero', () => {
    const expression = '100*errors/invocations';
    const tree = parseExpression(expression);
    expect(referencesOf(tree)).toEqual(['errors', 'invocations']);
    expect([...(evaluate(tree, expression, lookup) as TimeSeries)]).toEqual([
      [0, 0.5],
      [120, 1],
    ]);
  });

  it('honours precedence, parentheses, unary minus and list functions', () => {
    const run = (e: string) => evaluate(parseExpression(e), e, lookup);
    expect(run('2+3*4^2')).toBe(50);
    expect(run('-(2+3)*2')).toBe(-10);
    expect([...(run('SUM([errors, invocations])') as TimeSeries).values()]).toEqual([402, 0, 505]);
    expect([...(run('MAX([errors, 3])') as TimeSeries).values()]).toEqual([3, 3, 5]);
  });

  it('rejects what it cannot read with a ValidationError', () => {
    expect(() => parseExpression('errors +')).toThrow(/Invalid metric math expression/);
    expect(() => parseExpression('errors $ 2')).toThrow(/unexpected character/);
    const e = 'ANOMALY_DETECTION_BAND(errors)';
    expect(() => evaluate(parseExpression(e), e, lookup)).toThrow(/does not know the function/);
  });
});

describe('awsQuery forms', () => {
  it('nests members and entries the way the query protocol flattens them', () => {
    const form = new URLSearchParams(
      'Action=GetMetricData&Version=2010-08-01&MetricDataQueries.member.1.Id=a' +
        '&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Name=Stage' +
        '&MetricDataQueries.member.2.Expression=a*2&Tags.entry.1.key=k&Tags.entry.1.value=v',
    );
    const input = parseQueryForm(form);
    expect(input.MetricDataQueries).toEqual([
      { Id: 'a', MetricStat: { Metric: { Dimensions: [undefined, { Name: 'Stage' }] } } },
      { Expression: 'a*2' },
    ]);
    expect(input.Tags).toEqual({ k: 'v' });
  });
});
