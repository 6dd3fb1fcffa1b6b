/**
 * Scenarios: what the new release (the canary) does as traffic moves to it, and what the AWS
 * control plane does around it. "Canary weight" is the share of traffic (percent) that runs the
 * new release on any target: the stage's canary percentTraffic or an alias's additional weight.
 */

export interface ScenarioDescription {
  title: string;
  description: string;
  /** Test coverage the rehearsal's stand-in tools report (percent), when the scenario sets it. */
  coverage?: number;
}

/** How one version behaves for requests at a given moment. */
export interface VersionBehaviour {
  errorProbability: number;
  /** Lognormal latency: median in ms and sigma of the underlying normal. */
  latencyMedianMs: number;
  latencySigma: number;
  /** Probability that an invocation is throttled by Lambda. */
  throttleProbability: number;
}

/** When the canary weight first reached a threshold (clock ms), read from the routing history. */
export type FirstReached = (weightPct: number) => number | undefined;

export interface Scenario {
  name: string;
  description: ScenarioDescription;
  requestsPerMinute: number;
  behaviour(isNewRelease: boolean, at: number, firstReached: FirstReached): VersionBehaviour;
  /** Share of CloudWatch calls answered with Throttling. */
  cloudwatchThrottleRate: number;
  /** GetMetricData hangs for this long (clock ms) from the moment the canary first gets traffic. */
  metricDataOutageMs?: number;
  /**
   * STS GetCallerIdentity answers WRONG_ACCOUNT for the target environment's credentials (or for
   * every environment's): conductor must refuse before anything of that environment runs.
   */
  wrongAccount?: 'target' | 'all';
  /** The traffic split is changed behind the app's back. */
  drift?: { whenWeightPct: number; afterMs: number; percentTraffic: number; aliasWeight: number };
  /**
   * The traffic split was changed while the conductor was away: when a rehearsal is resumed on a
   * new stand-in for AWS (its engine had stopped), the split the journal recorded is put back, then
   * this change is made (a part left out stays as recorded), so the resume finds it.
   */
  driftWhileAway?: { percentTraffic?: number; aliasWeight?: number };
  /** The first `requests` requests the application serves (real ones: checks, load tests) behave so. */
  coldStart?: { requests: number; behaviour: VersionBehaviour };
}

const MINUTE = 60_000;
/** The account the `wrong-account` scenario's STS answers: in no runbook. */
export const WRONG_ACCOUNT = '210987654321';
/** Gives a p95 of about 180 ms: 101 * exp(1.645 * 0.35). */
const STABLE: VersionBehaviour = {
  errorProbability: 0.0005,
  latencyMedianMs: 101,
  latencySigma: 0.35,
  throttleProbability: 0,
};

const healthy = (): Scenario['behaviour'] => () => STABLE;

/**
 * The canary behaves as `changed` once its weight has first reached `weightPct`: from `afterMs`
 * later, for `forMs` (for good by default); the stable version never changes.
 */
function onceWeightReached(
  weightPct: number,
  changed: VersionBehaviour,
  { afterMs = 0, forMs = Number.POSITIVE_INFINITY } = {},
): Scenario['behaviour'] {
  return (isNew, at, firstReached) => {
    const from = firstReached(weightPct);
    if (!isNew || from === undefined) return STABLE;
    const into = at - from;
    return into >= afterMs && into < afterMs + forMs ? changed : STABLE;
  };
}

function scenario(
  name: string,
  title: string,
  description: string,
  parts: Partial<Omit<Scenario, 'name' | 'description'>> & { coverage?: number } = {},
): Scenario {
  const { coverage, ...rest } = parts;
  return {
    name,
    description: coverage === undefined ? { title, description } : { title, description, coverage },
    requestsPerMinute: 6000,
    behaviour: healthy(),
    cloudwatchThrottleRate: 0,
    ...rest,
  };
}

const all: Scenario[] = [
  scenario(
    'healthy',
    'Healthy release',
    'The new release behaves like the stable one: about 0.1% errors and a p95 near 180 ms at every weight.',
    { coverage: 87 },
  ),
  scenario(
    'error-spike',
    'Error spike at half traffic',
    'The canary is healthy until its weight reaches 50%, then 8% of its requests fail (and keep failing until it gets no traffic).',
    { coverage: 87, behaviour: onceWeightReached(50, { ...STABLE, errorProbability: 0.08 }) },
  ),
  scenario(
    'latency-regression',
    'Latency regression',
    "From a weight of 25% the canary's p95 latency is 2.5 times the stable one; errors stay normal.",
    {
      coverage: 87,
      behaviour: onceWeightReached(25, { ...STABLE, latencyMedianMs: STABLE.latencyMedianMs * 2.5 }),
    },
  ),
  scenario(
    'latency-blip',
    'Latency blip',
    "Four minutes into the 25% stage the canary's p95 runs 15% above the stable one for five minutes, then recovers: WATCH samples to decide on (extend, advance or roll back).",
    {
      coverage: 87,
      // A narrower spread keeps the p95 of a few thousand requests well inside the WATCH band.
      behaviour: onceWeightReached(
        25,
        { ...STABLE, latencyMedianMs: 149, latencySigma: 0.2 },
        { afterMs: 4 * MINUTE, forMs: 5 * MINUTE },
      ),
    },
  ),
  scenario(
    'slow-burn',
    'Slow burn',
    'The canary fails 2% of its requests from the start: past the no-go limit, below the rollback band.',
    { coverage: 87, behaviour: (isNew) => (isNew ? { ...STABLE, errorProbability: 0.02 } : STABLE) },
  ),
  scenario(
    'throttled',
    'CloudWatch throttling',
    'The application is healthy, but half of all CloudWatch calls are answered with Throttling.',
    { coverage: 87, cloudwatchThrottleRate: 0.5 },
  ),
  scenario(
    'cloudwatch-outage',
    'CloudWatch outage',
    'GetMetricData hangs (never answers until the client gives up) for 8 minutes from the moment the canary first gets traffic, then recovers.',
    { coverage: 87, metricDataOutageMs: 8 * MINUTE },
  ),
  scenario(
    'low-traffic',
    'Low traffic',
    'Only 20 requests a minute reach the API: too few to judge a small canary.',
    { coverage: 87, requestsPerMinute: 20 },
  ),
  scenario(
    'drift',
    'Drift behind your back',
    'Five minutes after the canary reaches 25%, someone else sets the stage canary to 40% and one alias weight to 0.4.',
    { coverage: 87, drift: { whenWeightPct: 25, afterMs: 5 * MINUTE, percentTraffic: 40, aliasWeight: 0.4 } },
  ),
  scenario(
    'wrong-account',
    'Credentials for the wrong account',
    `The credentials conductor is given for the target environment belong to another account (${WRONG_ACCOUNT}): STS GetCallerIdentity says so, and nothing of that environment may run.`,
    { coverage: 87, wrongAccount: 'target' },
  ),
  scenario(
    'coverage-drop',
    'Coverage drop',
    'Metrics are healthy, but the test run reports 72% coverage, below the go/no-go bar.',
    { coverage: 72 },
  ),
  scenario(
    'slow-load-once',
    'Slow first load test',
    "The application's cache is cold: its first 1000 requests take about 1.2 s each (p95 near 1.4 s, far above a 250 ms baseline), then it answers as usual. The SIT load test fails its first run against the baseline and passes when run again.",
    {
      coverage: 87,
      // A narrow spread: a single health check stays under its 2 s limit, the load test's p95 does not.
      coldStart: { requests: 1000, behaviour: { ...STABLE, latencyMedianMs: 1200, latencySigma: 0.08 } },
    },
  ),
  scenario(
    'drift-while-away',
    'Drift while you were away',
    'While the conductor is away (its engine stopped, the session is resumed later), someone sets the stage canary to 40% and leaves the Lambda aliases at the recorded weight: the resume finds a mixed split.',
    { coverage: 87, driftWhileAway: { percentTraffic: 40 } },
  ),
];

export const SCENARIO_BEHAVIOURS: ReadonlyMap<string, Scenario> = new Map(all.map((s) => [s.name, s]));

export const SCENARIOS: Record<string, ScenarioDescription> = Object.fromEntries(
  all.map((s) => [s.name, s.description]),
);

export function scenarioNames(): string[] {
  return all.map((s) => s.name);
}

export function findScenario(name: string): Scenario | undefined {
  return SCENARIO_BEHAVIOURS.get(name);
}
