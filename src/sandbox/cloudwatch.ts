import { ServiceError } from './errors.js';
import { bool, type Input, list, num, obj, str, timestampMs } from './input.js';
import { evaluate, parseExpression, referencesOf, type TimeSeries } from './metric-math.js';
import { Bucket, type Dimension, isKnownStatistic, seriesKey, statisticOf } from './metrics.js';
import { MINUTE_MS, RETENTION_MS, type World } from './world.js';

/**
 * CloudWatch operations over the world's metrics. Inputs come from either protocol (JSON or
 * awsQuery), outputs are plain objects with Dates and Maps that each protocol serializes.
 */

const validation = (message: string) => new ServiceError('ValidationError', message);
const invalidValue = (message: string) => new ServiceError('InvalidParameterValue', message);

function dimensionsOf(value: unknown): Dimension[] {
  return list(value).map((d) => {
    const dim = obj(d);
    return { Name: str(dim.Name) ?? '', Value: str(dim.Value) ?? '' };
  });
}

function unitOf(metricName: string): string {
  return /Latency|Duration/.test(metricName) ? 'Milliseconds' : 'Count';
}

interface Range {
  start: number;
  end: number;
}

function rangeOf(input: Input): Range {
  const start = timestampMs(input.StartTime);
  const end = timestampMs(input.EndTime);
  if (start === undefined)
    throw validation(
      "1 validation error detected: Value null at 'startTime' failed to satisfy constraint: Member must not be null",
    );
  if (end === undefined)
    throw validation(
      "1 validation error detected: Value null at 'endTime' failed to satisfy constraint: Member must not be null",
    );
  if (start >= end) throw invalidValue('The parameter StartTime must be less than the parameter EndTime.');
  return { start, end };
}

/** One aggregated bucket per period slot of one series, with whether the slot is still filling. */
function slots(
  world: World,
  key: string,
  range: Range,
  period: number,
  asOf: number,
): Array<{ at: number; bucket: Bucket; partial: boolean }> {
  const periodMs = period * 1000;
  // Periods start at StartTime rounded down to the minute, as CloudWatch does for recent data.
  const aligned = Math.floor(range.start / MINUTE_MS) * MINUTE_MS;
  const retained = asOf - RETENTION_MS;
  const first = aligned + Math.max(0, Math.ceil((retained - aligned) / periodMs)) * periodMs;
  const last = Math.min(range.end, asOf);
  const currentMinuteStart = Math.floor(asOf / MINUTE_MS) * MINUTE_MS;
  const out: Array<{ at: number; bucket: Bucket; partial: boolean }> = [];
  for (let at = first; at < last; at += periodMs) {
    const parts: Bucket[] = [];
    for (let m = at; m < at + periodMs; m += MINUTE_MS) {
      const bucket = world.minute(Math.floor(m / MINUTE_MS), asOf)?.get(key);
      if (bucket && bucket.sampleCount > 0) parts.push(bucket);
    }
    if (parts.length === 0) continue;
    out.push({
      at,
      bucket: parts.length === 1 ? parts[0] : Bucket.merge(parts),
      partial: at + periodMs > currentMinuteStart,
    });
  }
  return out;
}

function checkPeriod(period: number | undefined): number {
  if (period === undefined || !Number.isInteger(period) || period <= 0)
    throw invalidValue('The parameter Period must be a positive whole number of seconds.');
  if (period % 60 !== 0)
    throw invalidValue('The parameter Period must be a multiple of 60 for these metrics.');
  return period;
}

interface ResultSeries {
  id: string;
  label: string;
  points: Array<{ at: number; value: number }>;
  partial: boolean;
  returnData: boolean;
}

interface PageToken {
  offset: number;
  asOf: number;
}

export function getMetricData(world: World, input: Input, now: number) {
  const queries = list(input.MetricDataQueries).map(obj);
  if (queries.length === 0) throw validation('The parameter MetricDataQueries is required.');
  if (queries.length > 500)
    throw validation('The collection MetricDataQueries must not have more than 500 members.');
  const range = rangeOf(input);
  const scanBy = str(input.ScanBy) ?? 'TimestampDescending';
  if (scanBy !== 'TimestampAscending' && scanBy !== 'TimestampDescending')
    throw validation(
      `Value '${scanBy}' at 'scanBy' failed to satisfy constraint: Member must satisfy enum value set: [TimestampDescending, TimestampAscending]`,
    );
  const maxDatapoints = num(input.MaxDatapoints) ?? 100_800;
  let token: PageToken = { offset: 0, asOf: now };
  const nextToken = str(input.NextToken);
  if (nextToken) {
    try {
      const parsed = JSON.parse(Buffer.from(nextToken, 'base64url').toString('utf8')) as PageToken;
      if (!Number.isInteger(parsed.offset) || !Number.isFinite(parsed.asOf)) throw new Error('bad token');
      token = parsed;
    } catch {
      throw new ServiceError('InvalidNextToken', 'The service found the NextToken invalid.');
    }
  }

  const byId = new Map<string, Input>();
  for (const query of queries) {
    const id = str(query.Id) ?? '';
    if (!/^[a-z][a-zA-Z0-9_]*$/.test(id))
      throw validation(
        `The value ${id} for parameter MetricDataQueries.member.Id is invalid: it must start with a lowercase letter and hold only letters, digits and underscores.`,
      );
    if (byId.has(id))
      throw validation(`The value ${id} for parameter MetricDataQueries.member.Id is used more than once.`);
    if ((query.MetricStat === undefined) === (query.Expression === undefined))
      throw validation(`The query ${id} must have exactly one of MetricStat and Expression.`);
    byId.set(id, query);
  }

  const computed = new Map<string, ResultSeries>();
  const evaluating = new Set<string>();
  const compute = (id: string): ResultSeries => {
    const done = computed.get(id);
    if (done) return done;
    const query = byId.get(id);
    if (!query) throw validation(`Error in expression: Unrecognized metric "${id}".`);
    if (evaluating.has(id)) throw validation(`Error in expression ${id}: circular dependency.`);
    evaluating.add(id);
    const returnData = bool(query.ReturnData) ?? true;
    let result: ResultSeries;
    if (query.MetricStat !== undefined) {
      const stat = obj(query.MetricStat);
      const metric = obj(stat.Metric);
      const statistic = str(stat.Stat) ?? '';
      if (!isKnownStatistic(statistic))
        throw invalidValue(
          `The value ${statistic} for parameter MetricDataQueries.member.MetricStat.Stat is invalid.`,
        );
      const period = checkPeriod(num(stat.Period));
      const metricName = str(metric.MetricName) ?? '';
      const key = seriesKey(str(metric.Namespace) ?? '', metricName, dimensionsOf(metric.Dimensions));
      const points: ResultSeries['points'] = [];
      let partial = false;
      for (const slot of slots(world, key, range, period, token.asOf)) {
        const value = statisticOf(slot.bucket, statistic);
        if (value === undefined) continue;
        points.push({ at: slot.at, value });
        partial ||= slot.partial;
      }
      result = { id, label: str(query.Label) ?? metricName, points, partial, returnData };
    } else {
      const expression = str(query.Expression) ?? '';
      const tree = parseExpression(expression);
      const inputs = referencesOf(tree).map(compute);
      const series = evaluate(tree, expression, (ref) => {
        const source = compute(ref);
        return new Map(source.points.map((p) => [p.at, p.value])) as TimeSeries;
      });
      const points =
        typeof series === 'number'
          ? []
          : [...series.entries()].sort((a, b) => a[0] - b[0]).map(([at, value]) => ({ at, value }));
      const latest = points[points.length - 1]?.at;
      const partial = inputs.some((s) => s.partial && s.points[s.points.length - 1]?.at === latest);
      result = { id, label: str(query.Label) ?? id, points, partial, returnData };
    }
    evaluating.delete(id);
    computed.set(id, result);
    return result;
  };
  for (const id of byId.keys()) compute(id);

  const returned = [...byId.keys()].map((id) => computed.get(id) as ResultSeries).filter((r) => r.returnData);
  let skip = token.offset;
  let room = maxDatapoints;
  let more = false;
  const MetricDataResults = returned.map((series) => {
    const ordered = scanBy === 'TimestampAscending' ? series.points : [...series.points].reverse();
    const from = Math.min(skip, ordered.length);
    skip -= from;
    const page = ordered.slice(from, from + room);
    room -= page.length;
    const pending = from + page.length < ordered.length;
    more ||= pending;
    return {
      Id: series.id,
      Label: series.label,
      Timestamps: page.map((p) => new Date(p.at)),
      Values: page.map((p) => p.value),
      StatusCode: series.partial || pending ? 'PartialData' : 'Complete',
    };
  });
  const served = maxDatapoints - room;
  return {
    MetricDataResults,
    Messages: [],
    NextToken: more
      ? Buffer.from(JSON.stringify({ offset: token.offset + served, asOf: token.asOf })).toString('base64url')
      : undefined,
  };
}

export function getMetricStatistics(world: World, input: Input, now: number) {
  const range = rangeOf(input);
  const period = checkPeriod(num(input.Period));
  const namespace = str(input.Namespace);
  const metricName = str(input.MetricName);
  if (!namespace || !metricName) throw validation('The parameters Namespace and MetricName are required.');
  const statistics = list(input.Statistics).map((s) => str(s) ?? '');
  const extended = list(input.ExtendedStatistics).map((s) => str(s) ?? '');
  if (statistics.length + extended.length === 0)
    throw new ServiceError(
      'InvalidParameterCombination',
      'Must specify either Statistics or ExtendedStatistics, but not both.',
    );
  for (const s of statistics)
    if (!['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'].includes(s))
      throw invalidValue(`The value ${s} for parameter Statistics is invalid.`);
  for (const s of extended)
    if (!/^p/.test(s) || !isKnownStatistic(s))
      throw invalidValue(`The value ${s} for parameter ExtendedStatistics is invalid.`);
  const key = seriesKey(namespace, metricName, dimensionsOf(input.Dimensions));
  const unit = str(input.Unit) ?? unitOf(metricName);
  const Datapoints = slots(world, key, range, period, now).map((slot) => {
    const point: Record<string, unknown> = { Timestamp: new Date(slot.at) };
    for (const s of statistics) point[s] = statisticOf(slot.bucket, s);
    if (extended.length) {
      const values = new Map<string, number>();
      for (const s of extended) {
        const v = statisticOf(slot.bucket, s);
        if (v !== undefined) values.set(s, v);
      }
      point.ExtendedStatistics = values;
    }
    point.Unit = unit;
    return point;
  });
  return { Label: metricName, Datapoints };
}

export function putMetricData(world: World, input: Input, now: number) {
  const namespace = str(input.Namespace) ?? '';
  if (!namespace) throw validation('The parameter Namespace is required.');
  if (namespace.startsWith('AWS/'))
    throw invalidValue(`The value ${namespace} for parameter Namespace is invalid: AWS/ is reserved.`);
  const data = list(input.MetricData).map(obj);
  if (data.length === 0) throw validation('The parameter MetricData is required.');
  for (const datum of data) {
    const metricName = str(datum.MetricName);
    if (!metricName) throw validation('The parameter MetricData.member.MetricName is required.');
    const at = timestampMs(datum.Timestamp) ?? now;
    const id = { namespace, metricName, dimensions: dimensionsOf(datum.Dimensions) };
    const statistics = datum.StatisticValues === undefined ? undefined : obj(datum.StatisticValues);
    if (statistics) {
      world.putMetric(id, at, {
        statistics: {
          SampleCount: num(statistics.SampleCount) ?? 0,
          Sum: num(statistics.Sum) ?? 0,
          Minimum: num(statistics.Minimum) ?? 0,
          Maximum: num(statistics.Maximum) ?? 0,
        },
      });
    } else if (datum.Values !== undefined) {
      const values = list(datum.Values).map((v) => num(v) ?? 0);
      const counts = datum.Counts === undefined ? undefined : list(datum.Counts).map((c) => num(c) ?? 1);
      world.putMetric(id, at, { values, counts });
    } else {
      const value = num(datum.Value);
      if (value === undefined) throw invalidValue('A datum needs Value, Values or StatisticValues.');
      world.putMetric(id, at, { values: [value] });
    }
  }
  return {};
}

export function listMetrics(world: World, input: Input, now: number) {
  // Series exist once data arrived: make sure the recent minutes have been produced.
  for (let m = Math.floor(now / MINUTE_MS) - 10; m <= Math.floor(now / MINUTE_MS); m++) world.minute(m, now);
  const namespace = str(input.Namespace);
  const metricName = str(input.MetricName);
  const filters = list(input.Dimensions).map((d) => ({ Name: str(obj(d).Name), Value: str(obj(d).Value) }));
  const all = [...world.catalog.values()].filter(
    (s) =>
      (!namespace || s.namespace === namespace) &&
      (!metricName || s.metricName === metricName) &&
      filters.every((f) =>
        s.dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value)),
      ),
  );
  const offset = Number(str(input.NextToken) ?? 0) || 0;
  const page = all.slice(offset, offset + 500);
  return {
    Metrics: page.map((s) => ({
      Namespace: s.namespace,
      MetricName: s.metricName,
      Dimensions: s.dimensions,
    })),
    NextToken: offset + 500 < all.length ? String(offset + 500) : undefined,
  };
}

/** Alarms the team would have on the canary's targets, evaluated on the last complete minute. */
export function describeAlarms(world: World, input: Input, now: number) {
  const lastMinute = Math.floor(now / MINUTE_MS) - 1;
  const data = world.minute(lastMinute, now);
  const evaluatedAt = new Date((lastMinute + 1) * MINUTE_MS);
  const account = world.accountId;
  const region = world.region;
  const alarms: Array<Record<string, unknown>> = [];
  const add = (
    name: string,
    namespace: string,
    metricName: string,
    dims: Dimension[],
    statistic: string,
    threshold: number,
  ) => {
    const bucket = data?.get(seriesKey(namespace, metricName, dims));
    const value = bucket ? statisticOf(bucket, statistic) : undefined;
    const state = value === undefined ? 'INSUFFICIENT_DATA' : value > threshold ? 'ALARM' : 'OK';
    alarms.push({
      AlarmName: name,
      AlarmArn: `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`,
      AlarmDescription: `${metricName} ${statistic} above ${threshold}`,
      AlarmConfigurationUpdatedTimestamp: new Date(world.startedAt - 86_400_000),
      ActionsEnabled: true,
      OKActions: [],
      AlarmActions: [],
      InsufficientDataActions: [],
      StateValue: state,
      StateReason:
        value === undefined
          ? 'Insufficient Data: 1 datapoint was unknown.'
          : `Threshold Crossed: 1 datapoint [${value}] was ${state === 'ALARM' ? 'greater than' : 'not greater than'} the threshold (${threshold}).`,
      StateUpdatedTimestamp: evaluatedAt,
      StateTransitionedTimestamp: evaluatedAt,
      MetricName: metricName,
      Namespace: namespace,
      Statistic: statistic,
      Dimensions: dims,
      Period: 60,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  };
  for (const target of world.targets.lambdas) {
    add(
      `${target.functionName}-errors`,
      'AWS/Lambda',
      'Errors',
      [
        { Name: 'FunctionName', Value: target.functionName },
        { Name: 'Resource', Value: `${target.functionName}:${target.alias}` },
      ],
      'Sum',
      10,
    );
  }
  const api = world.targets.apiGateway;
  if (api) {
    add(
      `${api.apiName}-${api.stage}-5xx`,
      'AWS/ApiGateway',
      '5XXError',
      [
        { Name: 'ApiName', Value: api.apiName },
        { Name: 'Stage', Value: api.stage },
      ],
      'Average',
      0.05,
    );
  }
  const names = list(input.AlarmNames).map((n) => str(n));
  const prefix = str(input.AlarmNamePrefix);
  const stateValue = str(input.StateValue);
  const filtered = alarms.filter(
    (a) =>
      (names.length === 0 || names.includes(a.AlarmName as string)) &&
      (!prefix || (a.AlarmName as string).startsWith(prefix)) &&
      (!stateValue || a.StateValue === stateValue),
  );
  const offset = Number(str(input.NextToken) ?? 0) || 0;
  const max = num(input.MaxRecords) ?? 50;
  return {
    MetricAlarms: filtered.slice(offset, offset + max),
    CompositeAlarms: [],
    NextToken: offset + max < filtered.length ? String(offset + max) : undefined,
  };
}

export const CLOUDWATCH_OPERATIONS: Record<string, (world: World, input: Input, now: number) => unknown> = {
  GetMetricData: getMetricData,
  GetMetricStatistics: getMetricStatistics,
  PutMetricData: putMetricData,
  ListMetrics: listMetrics,
  DescribeAlarms: describeAlarms,
};
