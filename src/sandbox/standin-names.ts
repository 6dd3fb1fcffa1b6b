/**
 * What the rehearsal's stand-in tools print names from: the runbook's id and, for each of its
 * environments, the account, region and profile, with the Lambda functions, tables and buckets the
 * promotion's own commands and canary name there. The stand-ins get it as one environment variable
 * (CONDUCTOR_STANDIN_NAMES), so another team's rehearsal shows its own names, not the shipped runbook's.
 */
import type { Promotion, Runbook } from '../core/runbook/schema.js';
import { phaseEnvironment } from '../core/runbook/variables.js';
import { flagValue, promotionCommands } from './emulated-resources.js';

export interface StandinEnvironment {
  id: string;
  account: string;
  region: string;
  profile?: string;
  functions: string[];
  tables: string[];
  buckets: string[];
}

export interface StandinNames {
  /** The runbook's id: the project the stand-ins' builds and tickets belong to. */
  project: string;
  environments: StandinEnvironment[];
}

/** A name is taken only when every placeholder in it was filled from the runbook. */
const resolved = (name: string) => name !== '' && !name.includes('${');

export function standinNamesOf(runbook: Runbook, promotion: Promotion): StandinNames {
  const found = new Map(
    runbook.environments.map((env) => [
      env.id,
      { functions: new Set<string>(), tables: new Set<string>(), buckets: new Set<string>() },
    ]),
  );
  for (const { environment, words } of promotionCommands(runbook, promotion)) {
    const into = environment ? found.get(environment) : undefined;
    if (!into) continue;
    for (const name of flagValue(words, '--function-name')) if (resolved(name)) into.functions.add(name);
    for (const name of flagValue(words, '--table-name')) if (resolved(name)) into.tables.add(name);
    for (const flag of ['--bucket', '--s3-bucket'])
      for (const name of flagValue(words, flag)) if (resolved(name)) into.buckets.add(name);
    for (const word of words) {
      const bucket = /^s3:\/\/([^/\s]+)/.exec(word)?.[1];
      if (bucket && resolved(bucket)) into.buckets.add(bucket);
    }
  }
  // The canary's functions live in the environment of the phase that shifts their traffic.
  for (const phase of promotion.phases) {
    const env = phaseEnvironment(runbook, promotion, phase);
    const into = env ? found.get(env.id) : undefined;
    for (const step of phase.steps)
      if (step.kind === 'canary' && into)
        for (const target of step.targets.lambdas) into.functions.add(target.functionName);
  }
  return {
    project: runbook.runbook.id,
    environments: runbook.environments.map((env) => {
      const names = found.get(env.id);
      return {
        id: env.id,
        account: env.accountId,
        region: env.region,
        ...(env.profile ? { profile: env.profile } : {}),
        functions: [...(names?.functions ?? [])].sort(),
        tables: [...(names?.tables ?? [])].sort(),
        buckets: [...(names?.buckets ?? [])].sort(),
      };
    }),
  };
}
