import type { Variables } from './interpolate.js';
import type { Environment, Promotion, Runbook } from './schema.js';

/**
 * Every `${name}` a runbook may use. A name outside this catalogue is a validation problem, so a
 * typo such as `${verison}` is caught when the runbook is written, not when a PROD notice goes out
 * with a hole in it.
 *
 * Where a value comes from:
 * - environment: the environment the phase acts on (the promotion's target unless the phase names one);
 * - promotion:   the promotion edge being conducted;
 * - session:     given when the session starts (version, ticket, risk...) or kept by the session;
 * - result:      measured during the session (tests, coverage, canary metrics, durations);
 * - conductor:   typed by the conductor when a step needs it (incident ticket, release notes...).
 */
export type VariableSource = 'environment' | 'promotion' | 'session' | 'result' | 'conductor';

export interface VariableInfo {
  name: string;
  source: VariableSource;
  description: string;
  example: string;
  /**
   * When the value can be missing where a step runs: an optional field of the environment the step
   * acts on, or a value only the conductor can type (nothing asks for it before a step runs).
   * Without it the value is always there (session values, results shown as "n/a" until measured).
   */
  mayBeUnset?: 'environment-field' | 'typed-by-conductor';
}

export const VARIABLES: readonly VariableInfo[] = [
  { name: 'env', source: 'environment', description: 'environment id', example: 'prod' },
  { name: 'envTitle', source: 'environment', description: 'environment title', example: 'PROD' },
  { name: 'account', source: 'environment', description: 'AWS account id', example: '093646564004' },
  { name: 'region', source: 'environment', description: 'AWS region', example: 'af-south-1' },
  {
    name: 'profile',
    source: 'environment',
    description: 'AWS CLI profile',
    example: 'bbws-prod',
    mayBeUnset: 'environment-field',
  },
  {
    name: 'baseUrl',
    source: 'environment',
    description: 'base URL of the API',
    example: 'https://api.bbws.co.za',
    mayBeUnset: 'environment-field',
  },
  { name: 'promotion', source: 'promotion', description: 'promotion id', example: 'sit-to-prod' },
  { name: 'from', source: 'promotion', description: 'title of the source environment', example: 'SIT' },
  { name: 'to', source: 'promotion', description: 'title of the target environment', example: 'PROD' },
  {
    name: 'runbook',
    source: 'promotion',
    description: 'runbook title',
    example: 'BBWS environment promotion',
  },
  { name: 'version', source: 'session', description: 'release being promoted', example: 'v2024.12.25.1' },
  {
    name: 'previousVersion',
    source: 'session',
    description: 'release to roll back to',
    example: 'v2024.12.24.3',
  },
  { name: 'ticket', source: 'session', description: 'change ticket', example: 'JIRA-1234' },
  { name: 'risk', source: 'session', description: 'risk of the change', example: 'medium' },
  { name: 'sessionId', source: 'session', description: 'session id', example: '20251225-2000-sit-to-prod' },
  { name: 'conductor', source: 'session', description: 'who conducts the session', example: 'jane.doe' },
  {
    name: 'window',
    source: 'session',
    description: 'maintenance window',
    example: '2025-12-25 20:00-22:00 UTC+2',
  },
  { name: 'now', source: 'session', description: 'current time (ISO 8601)', example: '2025-12-25T18:30:00Z' },
  {
    name: 'approvals',
    source: 'session',
    description: 'approvals recorded, with times',
    example: 'Tech Lead: jane.doe 16:45',
  },
  {
    name: 'approvers',
    source: 'session',
    description: 'roles that approved',
    example: 'Tech Lead, Infrastructure Lead',
  },
  { name: 'testCount', source: 'result', description: 'tests passed', example: '847' },
  { name: 'coverage', source: 'result', description: 'line coverage, percent', example: '85' },
  { name: 'duration', source: 'result', description: 'time the deployment or rollback took', example: '45m' },
  {
    name: 'errorRate',
    source: 'result',
    description: "new version's error rate in the latest judged sample, percent (highest target)",
    example: '0.12',
  },
  {
    name: 'baselineErrorRate',
    source: 'result',
    description: "stable version's error rate in the same sample, percent",
    example: '0.10',
  },
  {
    name: 'p95',
    source: 'result',
    description: "new version's p95 latency in the latest judged sample (highest target)",
    example: '182ms',
  },
  {
    name: 'baselineP95',
    source: 'result',
    description: "stable version's p95 in the same sample",
    example: '176ms',
  },
  {
    name: 'verdict',
    source: 'result',
    description: 'verdict of that sample (PASS, WATCH, NO-GO, ROLLBACK)',
    example: 'PASS',
  },
  { name: 'stage', source: 'result', description: 'canary stage number, 1-based', example: '2' },
  { name: 'stageCount', source: 'result', description: 'number of canary stages', example: '4' },
  { name: 'weight', source: 'result', description: 'canary traffic weight, percent', example: '25' },
  {
    name: 'activity',
    source: 'result',
    description: 'where the release stands: canary stage or monitoring',
    example: 'stage 2 of 4, 25% of traffic',
  },
  {
    name: 'timeInStage',
    source: 'result',
    description: 'hold time counted in the stage (or time monitored)',
    example: '7m',
  },
  { name: 'timeLeft', source: 'result', description: 'hold (or monitoring) time left', example: '8m' },
  {
    name: 'updateReason',
    source: 'result',
    description: 'why a progress message went out (progress messages only)',
    example: 'verdict PASS -> WATCH',
  },
  {
    name: 'reason',
    source: 'result',
    description: 'why a rollback happened',
    example: 'error rate 6.2% for 3 samples',
  },
  {
    name: 'changes',
    source: 'conductor',
    description: 'infrastructure changes in this release',
    example: '- Lambda: auth, product',
    mayBeUnset: 'typed-by-conductor',
  },
  {
    name: 'components',
    source: 'conductor',
    description: 'components being deployed',
    example: 'Order Lambda, Product Lambda',
    mayBeUnset: 'typed-by-conductor',
  },
  {
    name: 'estimatedDuration',
    source: 'conductor',
    description: 'estimated deployment time',
    example: '15 minutes',
    mayBeUnset: 'typed-by-conductor',
  },
  {
    name: 'incidentSummary',
    source: 'conductor',
    description: 'what happened, in a sentence',
    example: 'orders failing at 25%',
  },
  {
    name: 'incidentTicket',
    source: 'conductor',
    description: 'incident ticket of a rollback',
    example: 'JIRA-5678',
    mayBeUnset: 'typed-by-conductor',
  },
  {
    name: 'rcaDue',
    source: 'conductor',
    description: 'when the root-cause analysis is due',
    example: '2025-12-26 17:00',
    mayBeUnset: 'typed-by-conductor',
  },
  {
    name: 'releaseNotes',
    source: 'conductor',
    description: 'link to the release notes',
    example: 'https://...',
    mayBeUnset: 'typed-by-conductor',
  },
  {
    name: 'customerCommunication',
    source: 'conductor',
    description: 'status of the customer notice',
    example: 'Sent',
    mayBeUnset: 'typed-by-conductor',
  },
];

const KNOWN = new Set(VARIABLES.map((v) => v.name));

/** The environment fields behind `${profile}` and `${baseUrl}`, which an environment may leave out. */
const ENVIRONMENT_FIELDS: Partial<Record<string, keyof Environment>> = {
  profile: 'profile',
  baseUrl: 'baseUrl',
};

/**
 * Why `${name}` can have no value in a step acting on `env`, as a clause ("environment "sit" sets no
 * profile"); undefined when it always has one. Used by validation (every place a variable may be
 * unset is an error) and at run time (the sentence of a step stopped on an unresolved variable).
 */
export function unsetReason(name: string, env: Environment | undefined): string | undefined {
  const info = VARIABLES.find((v) => v.name === name);
  if (!info) return `\${${name}} is not a variable conductor knows`;
  if (info.mayBeUnset === 'typed-by-conductor')
    return `the conductor types \${${name}}, and nothing asks for it before a step runs`;
  const field = ENVIRONMENT_FIELDS[name];
  if (info.mayBeUnset === 'environment-field' && field && env && !env[field])
    return `environment "${env.id}" sets no ${field}`;
  return undefined;
}

export function isKnownVariable(name: string): boolean {
  return KNOWN.has(name);
}

/** The closest known name, for "did you mean" hints; undefined when nothing is close. */
export function closestVariable(name: string): string | undefined {
  return closestName(name, [...KNOWN]);
}

/** Closest of `candidates` to `name` by edit distance (case-insensitive), if within a small typo. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const tolerance = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  return bestDistance <= tolerance ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The sentence of a step stopped because `${names}` have no value where it acts on `env`, e.g.
 * `${profile} has no value (environment "sit" sets no profile), so the command was not started.`
 */
export function unresolvedSentence(
  names: readonly string[],
  env: Environment | undefined,
  consequence: string,
): string {
  const placeholders = names.map((name) => `\${${name}}`);
  const listed =
    placeholders.length === 1
      ? placeholders[0]
      : `${placeholders.slice(0, -1).join(', ')} and ${placeholders.at(-1)}`;
  const reasons = names.map(
    (name) => unsetReason(name, env) ?? `nothing in this session gives \${${name}} a value`,
  );
  return `${listed} ${names.length === 1 ? 'has' : 'have'} no value (${reasons.join('; ')}), so ${consequence}.`;
}

/** Values that come from an environment of the runbook: for steps of a phase acting on `env`. */
export function environmentVariables(env: Environment): Variables {
  return {
    env: env.id,
    envTitle: env.title,
    account: env.accountId,
    region: env.region,
    // An empty field is no value: `${profile}` must not quietly become "".
    profile: env.profile || undefined,
    baseUrl: env.baseUrl || undefined,
  };
}

/** Values that come from the promotion edge. */
export function promotionVariables(runbook: Runbook, promotion: Promotion): Variables {
  const title = (id: string) => runbook.environments.find((e) => e.id === id)?.title ?? id;
  return {
    promotion: promotion.id,
    from: title(promotion.from),
    to: title(promotion.to),
    runbook: runbook.runbook.title,
  };
}

/** The environment a phase acts on: its own, or the promotion's target. */
export function phaseEnvironment(
  runbook: Runbook,
  promotion: Promotion,
  phase: { environment?: string },
): Environment | undefined {
  const id = phase.environment ?? promotion.to;
  return runbook.environments.find((e) => e.id === id);
}
