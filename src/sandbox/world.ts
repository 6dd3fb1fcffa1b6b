import { apiGatewaySeries, lambdaSeries, type TargetSeries } from '../core/canary/target-metrics.js';
import type { Runbook } from '../core/runbook/schema.js';
import type { Clock } from '../services/clock.js';
import { environmentOfAccessKey } from './credentials.js';
import {
  type DeclaredExtraMetric,
  excessFailures,
  extraKindOf,
  healthyLevel,
  isAdditive,
} from './declared-metrics.js';
import { Bucket, type Dimension, type MinuteData, type SeriesId, seriesKey } from './metrics.js';
import { hashSeed, type Random, randomUuid, seededRandom, standardNormal } from './prng.js';
import {
  type CanaryTargets,
  canaryTargetsOf,
  type LambdaFunction,
  type RestApi,
  STABLE_DEPLOYMENT_ID,
  seedLambda,
  seedRestApi,
} from './resources.js';
import { type Scenario, type VersionBehaviour, WRONG_ACCOUNT } from './scenarios.js';

/** The metrics the sandbox records for every request, by namespace, in the order they are added. */
interface MetricNames {
  namespace: string;
  names: readonly string[];
}
const LAMBDA_METRICS: MetricNames = {
  namespace: 'AWS/Lambda',
  names: ['Throttles', 'Invocations', 'Errors', 'Duration'],
};
const API_METRICS: MetricNames = {
  namespace: 'AWS/ApiGateway',
  names: ['Count', '5XXError', '4XXError', 'Latency', 'IntegrationLatency'],
};

/** One dimension list's buckets in one minute: the `index`th of its metric names. */
interface MinuteSeries {
  at(data: MinuteData, index: number): Bucket;
}

export const MINUTE_MS = 60_000;
/** Metrics older than this are forgotten, which keeps memory bounded on a long rehearsal. */
export const RETENTION_MS = 3_600_000;

/** Who gets which share of the traffic from a moment on. */
interface RoutingSnapshot {
  at: number;
  /** 0 when the stage has no canary settings. */
  percentTraffic: number;
  mainDeploymentId: string;
  canaryDeploymentId?: string;
  aliases: Map<string, { primary: string; extra?: { version: string; weight: number } }>;
}

/** Series that keep raw samples because they are asked for percentiles. */
const PERCENTILE_METRICS = new Set(['Duration', 'Latency', 'IntegrationLatency', 'ReplicationLatency']);

/** A declared series with its dimension list built once. */
type DeclaredSeries = TargetSeries & { dimensionList: Dimension[] };

export interface AppOutcome {
  functionName?: string;
  version: string;
  isNewRelease: boolean;
  canaryStage: boolean;
  status: number;
  latencyMs: number;
}

export interface WorldOptions {
  runbook: Runbook;
  promotionId?: string;
  scenario: Scenario;
  clock: Clock;
  seed?: number;
}

/**
 * The rehearsal world: the control-plane state (stage, aliases) and the traffic it receives.
 * Metrics are produced from simulated requests, one deterministic stream per clock minute, so
 * the same seed gives the same numbers and moving traffic moves the metrics.
 */
export class World {
  readonly targets: CanaryTargets;
  readonly restApis = new Map<string, RestApi>();
  readonly functions = new Map<string, LambdaFunction>();
  readonly scenario: Scenario;
  readonly clock: Clock;
  readonly seed: number;
  readonly startedAt: number;
  /** Control-plane randomness: revision ids, request ids. */
  readonly random: Random;
  readonly requestCounts = new Map<string, number>();
  readonly appCounts = { stable: 0, canary: 0, errors: 0 };
  /** Requests the application has served (the scenario's cold start counts them). */
  private appServed = 0;

  private routing: RoutingSnapshot[] = [];
  /** Each time the canary weight reached a new high: firstReached() reads it. */
  private highs: Array<{ at: number; weightPct: number }> = [];
  private completeMinutes = new Map<number, MinuteData>();
  private partialMinute?: { minute: number; asOf: number; data: MinuteData };
  private customMinutes = new Map<number, MinuteData>();
  readonly catalog = new Map<string, SeriesId>();
  private driftApplied = false;
  /** Every environment of the runbook and its account: STS answers by the caller's keys. */
  private readonly accounts: ReadonlyMap<string, string>;

  constructor(options: WorldOptions) {
    this.clock = options.clock;
    this.scenario = options.scenario;
    this.seed = options.seed ?? 20_240_601;
    this.random = seededRandom(hashSeed(this.seed, 'control-plane'));
    this.targets = canaryTargetsOf(options.runbook, options.promotionId);
    this.accounts = new Map(options.runbook.environments.map((e) => [e.id, e.accountId]));
    this.startedAt = this.clock.now();
    for (const target of this.targets.lambdas) {
      this.functions.set(target.functionName, seedLambda(target, this.targets, this.startedAt, this.random));
    }
    const api = this.targets.apiGateway;
    if (api)
      this.restApis.set(api.restApiId, seedRestApi(api, this.targets.lambdas[0]?.alias, this.startedAt));
    this.recordRouting(Number.NEGATIVE_INFINITY);
  }

  get accountId(): string {
    return this.targets.accountId;
  }

  /**
   * The account STS GetCallerIdentity answers for an access key id: the environment the key stands
   * for (rehearsalCredentialsFor), else the target environment's; the wrong-account scenario's
   * WRONG_ACCOUNT where it applies.
   */
  callerAccount(accessKeyId: string | undefined): string {
    const named = environmentOfAccessKey(accessKeyId);
    const envId = named !== undefined && this.accounts.has(named) ? named : this.targets.environmentId;
    const wrong = this.scenario.wrongAccount;
    if (wrong === 'all' || (wrong === 'target' && envId === this.targets.environmentId)) return WRONG_ACCOUNT;
    return this.accounts.get(envId) ?? this.accountId;
  }

  get region(): string {
    return this.targets.region;
  }

  newRequestId(): string {
    return randomUuid(this.random);
  }

  countRequest(service: string, operation: string): void {
    const key = `${service}:${operation}`;
    this.requestCounts.set(key, (this.requestCounts.get(key) ?? 0) + 1);
  }

  // ---- routing -------------------------------------------------------------------------------

  private readRouting(at: number): RoutingSnapshot {
    const aliases: RoutingSnapshot['aliases'] = new Map();
    for (const target of this.targets.lambdas) {
      const alias = this.functions.get(target.functionName)?.aliases.get(target.alias);
      if (!alias) continue;
      const [extra] = Object.entries(alias.weights);
      aliases.set(target.functionName, {
        primary: alias.functionVersion,
        extra: extra ? { version: extra[0], weight: extra[1] } : undefined,
      });
    }
    const api = this.targets.apiGateway;
    const stage = api ? this.restApis.get(api.restApiId)?.stages.get(api.stage) : undefined;
    return {
      at,
      percentTraffic: stage?.canarySettings?.percentTraffic ?? 0,
      mainDeploymentId: stage?.deploymentId ?? STABLE_DEPLOYMENT_ID,
      canaryDeploymentId: stage?.canarySettings?.deploymentId,
      aliases,
    };
  }

  /** Percent of traffic that runs the new release on the target where that share is largest. */
  private newReleaseShare(snapshot: RoutingSnapshot): number {
    let share = 0;
    if (this.targets.apiGateway) {
      const mainNew = snapshot.mainDeploymentId !== STABLE_DEPLOYMENT_ID;
      const canaryNew =
        snapshot.canaryDeploymentId !== undefined && snapshot.canaryDeploymentId !== STABLE_DEPLOYMENT_ID;
      share = (mainNew ? 100 - snapshot.percentTraffic : 0) + (canaryNew ? snapshot.percentTraffic : 0);
    }
    for (const [name, route] of snapshot.aliases) {
      const stable = this.functions.get(name)?.stableVersion;
      const extraWeight = route.extra?.weight ?? 0;
      const lambdaShare =
        (route.primary !== stable ? 1 - extraWeight : 0) +
        (route.extra && route.extra.version !== stable ? extraWeight : 0);
      share = Math.max(share, lambdaShare * 100);
    }
    return share;
  }

  /** Call after every change to the targeted stage or aliases. */
  recordRouting(at = this.clock.now()): void {
    const last = this.routing[this.routing.length - 1];
    const snapshot = this.readRouting(last ? Math.max(at, last.at) : at);
    this.routing.push(snapshot);
    const share = this.newReleaseShare(snapshot);
    const high = this.highs[this.highs.length - 1]?.weightPct ?? 0;
    if (share > high && share > 0) this.highs.push({ at: snapshot.at, weightPct: share });
  }

  /** The current canary weight (percent of traffic on the new release). */
  canaryWeightPct(): number {
    return this.newReleaseShare(this.routing[this.routing.length - 1]);
  }

  /** When the canary weight first reached `weightPct` (> 0 means "first got traffic"). */
  readonly firstReached = (weightPct: number): number | undefined => {
    const threshold = Math.max(weightPct, Number.MIN_VALUE);
    return this.highs.find((h) => h.weightPct >= threshold)?.at;
  };

  private routingIndexAt(at: number): number {
    let lo = 0;
    let hi = this.routing.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.routing[mid].at <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Applies scheduled scenario events up to `now` and forgets what is past retention. */
  advance(now = this.clock.now()): void {
    const drift = this.scenario.drift;
    if (drift && !this.driftApplied) {
      const from = this.firstReached(drift.whenWeightPct);
      if (from !== undefined && now >= from + drift.afterMs) {
        this.driftApplied = true;
        this.applyDrift(from + drift.afterMs, drift.percentTraffic, drift.aliasWeight);
      }
    }
    const cutoff = now - RETENTION_MS;
    let drop = 0;
    while (drop + 1 < this.routing.length && this.routing[drop + 1].at <= cutoff) drop++;
    if (drop > 0) this.routing.splice(0, drop);
    const oldest = Math.floor(cutoff / MINUTE_MS);
    for (const minute of this.completeMinutes.keys())
      if (minute < oldest) this.completeMinutes.delete(minute);
    for (const minute of this.customMinutes.keys()) if (minute < oldest) this.customMinutes.delete(minute);
  }

  /**
   * Someone else moves the traffic (a scenario's drift, POST /_sandbox/traffic): the stage canary to
   * `percentTraffic`, the first Lambda alias to `aliasWeight` on the canary version; a part left
   * out stays as it is.
   */
  moveTraffic(change: { percentTraffic?: number; aliasWeight?: number }, at = this.clock.now()): void {
    this.applyDrift(at, change.percentTraffic, change.aliasWeight);
  }

  private applyDrift(at: number, percentTraffic?: number, aliasWeight?: number): void {
    const api = this.targets.apiGateway;
    const stage = api ? this.restApis.get(api.restApiId)?.stages.get(api.stage) : undefined;
    if (stage?.canarySettings && percentTraffic !== undefined) {
      stage.canarySettings.percentTraffic = percentTraffic;
      stage.lastUpdatedDate = Math.floor(at / 1000);
    }
    const first = this.targets.lambdas[0];
    const fn = first ? this.functions.get(first.functionName) : undefined;
    const alias = fn?.aliases.get(first.alias);
    if (fn && alias && aliasWeight !== undefined) {
      alias.functionVersion = fn.stableVersion;
      alias.weights = { [fn.canaryVersion]: aliasWeight };
      alias.revisionId = randomUuid(this.random);
    }
    this.recordRouting(at);
  }

  /** Whether GetMetricData is in the scenario's outage at `now`. */
  metricDataOutage(now: number): boolean {
    const duration = this.scenario.metricDataOutageMs;
    if (!duration) return false;
    const from = this.firstReached(0);
    return from !== undefined && now >= from && now < from + duration;
  }

  // ---- one request ---------------------------------------------------------------------------

  private isNewVersion(functionName: string | undefined, version: string): boolean {
    const fn = functionName ? this.functions.get(functionName) : undefined;
    return fn ? version !== fn.stableVersion : version !== STABLE_DEPLOYMENT_ID;
  }

  /**
   * Routes one request. The same uniform `u` decides the stage canary and the alias's extra
   * version, so when both are set to the same weight the same requests are canary on both.
   */
  private route(
    snapshot: RoutingSnapshot,
    functionName: string | undefined,
    u: number,
  ): { canaryStage: boolean; version: string; isNew: boolean } {
    const canaryStage = snapshot.canaryDeploymentId !== undefined && u * 100 < snapshot.percentTraffic;
    const alias = functionName ? snapshot.aliases.get(functionName) : undefined;
    if (alias) {
      const version = alias.extra && u < alias.extra.weight ? alias.extra.version : alias.primary;
      return { canaryStage, version, isNew: this.isNewVersion(functionName, version) };
    }
    const deployment = canaryStage ? (snapshot.canaryDeploymentId as string) : snapshot.mainDeploymentId;
    return { canaryStage, version: deployment, isNew: deployment !== STABLE_DEPLOYMENT_ID };
  }

  private behaviourAt(isNew: boolean, at: number): VersionBehaviour {
    return this.scenario.behaviour(isNew, at, this.firstReached);
  }

  /**
   * Serves one real request to the application: which version, what status, how slow. The n-th
   * request draws from a stream of its own (seed, n), so its outcome does not depend on how many
   * AWS calls (each drawing a request id) happened before it: same seed, same runbook, same answers.
   */
  serveApp(functionName: string | undefined, now = this.clock.now()): AppOutcome {
    const snapshot = this.routing[this.routingIndexAt(now)];
    const random = seededRandom(hashSeed(this.seed, 'app', this.appServed));
    const { canaryStage, version, isNew } = this.route(snapshot, functionName, random());
    const cold = this.scenario.coldStart;
    const behaviour = cold && this.appServed < cold.requests ? cold.behaviour : this.behaviourAt(isNew, now);
    this.appServed++;
    const latencyMs = behaviour.latencyMedianMs * Math.exp(behaviour.latencySigma * standardNormal(random));
    const failed = random() < behaviour.errorProbability;
    if (isNew) this.appCounts.canary++;
    else this.appCounts.stable++;
    if (failed) this.appCounts.errors++;
    return { functionName, version, isNewRelease: isNew, canaryStage, status: failed ? 502 : 200, latencyMs };
  }

  // ---- metrics -------------------------------------------------------------------------------

  /** Series keys by dimension list (the lists are memoized), so the hot loop builds no strings. */
  private keyCache = new WeakMap<Dimension[], Map<string, string>>();
  private dimensionCache = new Map<string, Dimension[][]>();

  /** Dimension lists memoized by a name, so each list is one object reused across requests. */
  private dimensionsFor(name: string, build: () => Dimension[][]): Dimension[][] {
    let sets = this.dimensionCache.get(name);
    if (!sets) {
      sets = build();
      this.dimensionCache.set(name, sets);
    }
    return sets;
  }

  private bucketIn(
    data: MinuteData,
    namespace: string,
    metricName: string,
    dimensions: Dimension[],
    keepValues = PERCENTILE_METRICS.has(metricName),
  ): Bucket {
    let keys = this.keyCache.get(dimensions);
    if (!keys) {
      keys = new Map();
      this.keyCache.set(dimensions, keys);
    }
    let key = keys.get(metricName);
    if (key === undefined) {
      key = seriesKey(namespace, metricName, dimensions);
      keys.set(metricName, key);
    }
    let bucket = data.get(key);
    if (!bucket) {
      bucket = new Bucket(keepValues);
      data.set(key, bucket);
      if (!this.catalog.has(key)) this.catalog.set(key, { namespace, metricName, dimensions });
    }
    return bucket;
  }

  private declaredCache = new Map<string, DeclaredSeries[]>();

  /**
   * The series a target's `metrics:` block declares for one side (core/canary/target-metrics.ts,
   * the same the conductor reads), each with its own dimension list, memoized by `name`.
   */
  private declaredSeriesFor(name: string, plan: () => TargetSeries[]): DeclaredSeries[] {
    let series = this.declaredCache.get(name);
    if (!series) {
      series = plan()
        .filter((one) => one.declared)
        .map((one) => ({
          ...one,
          dimensionList: Object.entries(one.dimensions).map(([Name, Value]) => ({ Name, Value })),
        }));
      this.declaredCache.set(name, series);
    }
    return series;
  }

  /** One served request as the team's own metrics count it: the same outcome the AWS series show. */
  private addDeclared(data: MinuteData, series: DeclaredSeries[], failed: boolean, latencyMs: number): void {
    for (const one of series) {
      const bucket = this.bucketIn(
        data,
        one.namespace,
        one.metric,
        one.dimensionList,
        one.role === 'latency',
      );
      if (one.role === 'requests') bucket.add(1);
      else if (one.role === 'errors') bucket.add(failed ? 1 : 0);
      else if (one.role === 'errorPct') bucket.add(failed ? 100 : 0);
      else if (one.role === 'latency') bucket.add(latencyMs);
    }
  }

  /** Simulated traffic of one minute, up to `upTo` (exclusive) when the minute is not over. */
  private simulateMinute(minute: number, upTo: number): MinuteData {
    const data: MinuteData = new Map();
    const start = minute * MINUTE_MS;
    const random = seededRandom(hashSeed(this.seed, minute));
    const perMinute = this.scenario.requestsPerMinute;
    const lambdas = this.targets.lambdas;
    const api = this.targets.apiGateway;
    let routeIndex = this.routingIndexAt(start);
    // This minute's buckets by dimension list, each found once (not once per request and metric),
    // and each made at its first sample, in the order the samples come.
    const series = new Map<Dimension[], MinuteSeries>();
    const seriesOf = (dims: Dimension[], metrics: MetricNames): MinuteSeries => {
      let found = series.get(dims);
      if (!found) {
        const made: Array<Bucket | undefined> = [];
        found = {
          at: (data, index) => {
            let bucket = made[index];
            if (!bucket) {
              bucket = this.bucketIn(data, metrics.namespace, metrics.names[index], dims);
              made[index] = bucket;
            }
            return bucket;
          },
        };
        series.set(dims, found);
      }
      return found;
    };
    for (let i = 0; i < perMinute; i++) {
      const at = start + ((i + 0.5) * MINUTE_MS) / perMinute;
      if (at >= upTo) break;
      while (routeIndex + 1 < this.routing.length && this.routing[routeIndex + 1].at <= at) routeIndex++;
      // Always six draws per request, so one change of weights does not reshuffle the rest.
      const u = random();
      const errorDraw = random();
      const z = standardNormal(random);
      const throttleDraw = random();
      const clientErrorDraw = random();
      const target = lambdas.length > 0 ? lambdas[i % lambdas.length] : undefined;
      const { canaryStage, version, isNew } = this.route(this.routing[routeIndex], target?.functionName, u);
      const behaviour = this.behaviourAt(isNew, at);
      const throttled = throttleDraw < behaviour.throttleProbability;
      const failed = !throttled && errorDraw < behaviour.errorProbability;
      const clientError = !throttled && !failed && clientErrorDraw < 0.01;
      const duration = behaviour.latencyMedianMs * Math.exp(behaviour.latencySigma * z);
      if (target) {
        const fn = target.functionName;
        const dimensionSets = this.dimensionsFor(`${fn}\u0000${version}`, () => [
          [
            { Name: 'FunctionName', Value: fn },
            { Name: 'Resource', Value: `${fn}:${target.alias}` },
            { Name: 'ExecutedVersion', Value: version },
          ],
          [
            { Name: 'FunctionName', Value: fn },
            { Name: 'Resource', Value: `${fn}:${target.alias}` },
          ],
          [{ Name: 'FunctionName', Value: fn }],
        ]);
        for (const dims of dimensionSets) {
          const buckets = seriesOf(dims, LAMBDA_METRICS);
          buckets.at(data, 0).add(throttled ? 1 : 0);
          if (throttled) continue;
          buckets.at(data, 1).add(1);
          buckets.at(data, 2).add(failed ? 1 : 0);
          buckets.at(data, 3).add(duration);
        }
        if (!throttled) {
          const declared = this.declaredSeriesFor(`lambda\u0000${fn}\u0000${version}`, () =>
            lambdaSeries(target, { side: isNew ? 'canary' : 'baseline', value: version }),
          );
          this.addDeclared(data, declared, failed, duration);
        }
      }
      if (api) {
        const stageDims = this.dimensionsFor(canaryStage ? 'stage:canary' : 'stage:main', () => [
          [
            { Name: 'ApiName', Value: api.apiName },
            { Name: 'Stage', Value: canaryStage ? api.canaryStage : api.stage },
          ],
          [{ Name: 'ApiName', Value: api.apiName }],
        ]);
        for (const dims of stageDims) {
          const buckets = seriesOf(dims, API_METRICS);
          buckets.at(data, 0).add(1);
          buckets.at(data, 1).add(failed ? 1 : 0);
          buckets.at(data, 2).add(clientError || throttled ? 1 : 0);
          buckets.at(data, 3).add(duration + 6);
          buckets.at(data, 4).add(duration);
        }
        if (!throttled) {
          const declared = this.declaredSeriesFor(canaryStage ? 'api:canary' : 'api:main', () =>
            apiGatewaySeries(api, {
              side: canaryStage ? 'canary' : 'baseline',
              value: canaryStage ? api.canaryStage : api.stage,
            }),
          );
          this.addDeclared(data, declared, failed, duration + 6);
        }
      }
    }
    this.simulateExtraSeries(data, minute, upTo);
    for (const bucket of data.values()) bucket.finish();
    return data;
  }

  /**
   * The runbook's monitor metrics (DynamoDB replication and throttling by default): healthy by
   * what the runbook declares of them, failures shaped by the scenario (declared-metrics.ts).
   */
  private simulateExtraSeries(data: MinuteData, minute: number, upTo: number): void {
    const extras: DeclaredExtraMetric[] = this.targets.extraMetrics.length
      ? this.targets.extraMetrics
      : [
          {
            namespace: 'AWS/DynamoDB',
            metric: 'ReplicationLatency',
            dimensions: { TableName: 'products', ReceivingRegion: 'eu-west-1' },
            unit: 'Milliseconds',
          },
          {
            namespace: 'AWS/DynamoDB',
            metric: 'ThrottledRequests',
            dimensions: { TableName: 'products' },
            stat: 'Sum',
            unit: 'Count',
          },
        ];
    const start = minute * MINUTE_MS;
    const windowMinutes = Math.max(1, Math.round(this.targets.windowMs / MINUTE_MS));
    const requestsPerSecond = this.scenario.requestsPerMinute / 60;
    extras.forEach((extra, index) => {
      const random = seededRandom(hashSeed(this.seed, minute, 'extra', index));
      const dims = this.dimensionsFor(`extra\u0000${index}`, () => [
        Object.entries(extra.dimensions).map(([Name, Value]) => ({ Name, Value })),
      ])[0];
      const bucket = this.bucketIn(data, extra.namespace, extra.metric, dims, true);
      const kind = extraKindOf(extra);
      const additive = isAdditive(extra.stat);
      const level = healthyLevel(extra);
      for (let second = 0; second < 60; second++) {
        const at = start + second * 1000 + 500;
        if (at >= upTo) break;
        const z = standardNormal(random);
        const draw = random();
        if (kind === 'level') {
          // A Sum adds up the window: one sample a minute carries the minute's share of the level.
          if (!additive) bucket.add(level * Math.exp(0.1 * z));
          else if (second === 0) bucket.add((level * Math.exp(0.1 * z)) / windowMinutes);
          continue;
        }
        const failures = kind === 'failures' ? this.excessFailuresAt(at, requestsPerSecond) : 0;
        const count = Math.floor(failures) + (draw < failures - Math.floor(failures) ? 1 : 0);
        // SampleCount counts reports, so a quiet error metric reports nothing at all.
        if (extra.stat === 'SampleCount') {
          if (count > 0) bucket.add(1, count);
        } else bucket.add(count);
      }
    });
  }

  /** The failures the canary adds in one second at `at` over the stable version's (0 while healthy). */
  private excessFailuresAt(at: number, requestsPerSecond: number): number {
    const share = this.newReleaseShare(this.routing[this.routingIndexAt(at)]);
    if (share <= 0) return 0;
    return excessFailures(
      requestsPerSecond,
      share,
      this.behaviourAt(true, at).errorProbability,
      this.behaviourAt(false, at).errorProbability,
    );
  }

  /** All series of one minute as seen at `asOf` (the current minute holds data up to `asOf`). */
  minute(minute: number, asOf: number): MinuteData | undefined {
    if (minute * MINUTE_MS < asOf - RETENTION_MS || minute * MINUTE_MS >= asOf) return undefined;
    const complete = (minute + 1) * MINUTE_MS <= asOf;
    let simulated: MinuteData;
    if (complete) {
      let cached = this.completeMinutes.get(minute);
      if (!cached) {
        cached = this.simulateMinute(minute, Number.POSITIVE_INFINITY);
        this.completeMinutes.set(minute, cached);
      }
      simulated = cached;
    } else {
      const partial = this.partialMinute;
      if (partial && partial.minute === minute && partial.asOf === asOf) simulated = partial.data;
      else {
        simulated = this.simulateMinute(minute, asOf);
        this.partialMinute = { minute, asOf, data: simulated };
      }
    }
    const custom = this.customMinutes.get(minute);
    if (!custom) return simulated;
    const merged: MinuteData = new Map(simulated);
    for (const [key, bucket] of custom) {
      const own = merged.get(key);
      merged.set(key, own ? Bucket.merge([own, bucket]) : bucket);
    }
    return merged;
  }

  /** PutMetricData: custom datapoints, kept like the simulated ones (bounded by retention). */
  putMetric(
    id: SeriesId,
    at: number,
    sample:
      | { values: number[]; counts?: number[] }
      | { statistics: { SampleCount: number; Sum: number; Minimum: number; Maximum: number } },
  ): void {
    const minute = Math.floor(at / MINUTE_MS);
    let data = this.customMinutes.get(minute);
    if (!data) {
      data = new Map();
      this.customMinutes.set(minute, data);
    }
    const key = seriesKey(id.namespace, id.metricName, id.dimensions);
    let bucket = data.get(key);
    if (!bucket) {
      bucket = new Bucket(true);
      data.set(key, bucket);
      this.catalog.set(key, id);
    }
    const values = bucket.values ? Array.from(bucket.values) : undefined;
    bucket.values = values;
    if ('statistics' in sample) bucket.addStatisticSet(sample.statistics);
    else {
      for (const [i, v] of sample.values.entries()) bucket.add(v, sample.counts?.[i] ?? 1);
    }
    bucket.finish();
  }

  // ---- state for the admin endpoint ---------------------------------------------------------

  describe(now = this.clock.now()) {
    const api = this.targets.apiGateway;
    const stage = api ? this.restApis.get(api.restApiId)?.stages.get(api.stage) : undefined;
    return {
      scenario: this.scenario.name,
      promotion: this.targets.promotionId,
      environment: this.targets.environmentId,
      accountId: this.accountId,
      region: this.region,
      clock: { now, iso: new Date(now).toISOString(), speed: this.clock.speed },
      canaryWeightPct: this.canaryWeightPct(),
      apiGateway:
        api && stage
          ? {
              restApiId: api.restApiId,
              apiName: api.apiName,
              stage: api.stage,
              deploymentId: stage.deploymentId,
              canary: stage.canarySettings
                ? {
                    percentTraffic: stage.canarySettings.percentTraffic,
                    deploymentId: stage.canarySettings.deploymentId,
                  }
                : null,
            }
          : null,
      lambdas: this.targets.lambdas.map((t) => {
        const fn = this.functions.get(t.functionName);
        const alias = fn?.aliases.get(t.alias);
        return {
          functionName: t.functionName,
          alias: t.alias,
          functionVersion: alias?.functionVersion,
          additionalVersionWeights: alias?.weights ?? {},
          revisionId: alias?.revisionId,
          stableVersion: fn?.stableVersion,
          canaryVersion: fn?.canaryVersion,
        };
      }),
      requests: Object.fromEntries(this.requestCounts),
      app: { ...this.appCounts },
    };
  }
}
