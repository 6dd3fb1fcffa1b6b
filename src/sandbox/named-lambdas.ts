/**
 * The Lambda functions a promotion without a canary deploys, read from its own commands
 * (`--function-name NAME`, each phase's environment filled in), so the sandbox has the functions
 * its deploy and rollback commands act on: another team's runbook gets its own without a list.
 */
import type { LambdaTarget, Promotion, Runbook } from '../core/runbook/schema.js';
import { flagValue, promotionCommands } from './emulated-resources.js';

/** Those named in the target environment's phases and the rollback: the account the sandbox stands for. */
export function lambdasNamedBy(runbook: Runbook, promotion: Promotion, alias: string): LambdaTarget[] {
  const names = new Set<string>();
  for (const { environment, words } of promotionCommands(runbook, promotion))
    if (environment === promotion.to)
      for (const name of flagValue(words, '--function-name')) if (!name.includes('${')) names.add(name);
  return [...names].sort().map((functionName) => ({ functionName, alias }));
}
