/**
 * The DynamoDB tables and S3 buckets a promotion's commands name, so a rehearsal can create them
 * in the emulators before the first command asks for them. Read from the commands themselves
 * (`--table-name NAME`, `--bucket NAME`, `s3://NAME/...`), with each phase's environment
 * variables filled in: another team's runbook gets its own resources without a list to keep.
 */
import { interpolate } from '../core/runbook/interpolate.js';
import type { Promotion, Runbook } from '../core/runbook/schema.js';
import { environmentVariables, phaseEnvironment, promotionVariables } from '../core/runbook/variables.js';

export interface EmulatedResources {
  /** Each table with its partition key: the attribute a command's `--key` names, else `id`. */
  tables: Array<{ name: string; key: string }>;
  buckets: string[];
}

/** The values of `flag NAME` and `flag=NAME` in one command's words. */
export function flagValue(argv: readonly string[], flag: string): string[] {
  const values: string[] = [];
  argv.forEach((arg, i) => {
    if (arg === flag && argv[i + 1]) values.push(argv[i + 1]);
    else if (arg.startsWith(`${flag}=`)) values.push(arg.slice(flag.length + 1));
  });
  return values;
}

/** The attribute of `--key '{"productId":{"S":"..."}}'`, when the argument is that JSON. */
function keyAttribute(argv: readonly string[]): string | undefined {
  for (const text of flagValue(argv, '--key')) {
    try {
      const [name] = Object.keys(JSON.parse(text.replace(/^'(.*)'$/, '$1')) as object);
      if (name) return name;
    } catch {
      // not JSON (a file:// reference, a placeholder): no key to learn from it
    }
  }
  return undefined;
}

interface Found {
  tables: Map<string, string | undefined>;
  buckets: Set<string>;
}

function namesIn(words: readonly string[], into: Found): void {
  const key = keyAttribute(words);
  for (const table of flagValue(words, '--table-name'))
    if (resolvedName(table)) into.tables.set(table, key ?? into.tables.get(table));
  for (const bucket of flagValue(words, '--bucket')) if (resolvedName(bucket)) into.buckets.add(bucket);
  for (const word of words) {
    const bucket = /^s3:\/\/([^/\s]+)/.exec(word)?.[1];
    if (bucket && resolvedName(bucket)) into.buckets.add(bucket);
  }
}

/**
 * Every command of a promotion (its phases and its rollback) as words, each phase's environment
 * variables filled in; a shell line is split on blanks.
 */
export function promotionCommands(
  runbook: Runbook,
  promotion: Promotion,
): Array<{ environment?: string; words: string[] }> {
  const commands: Array<{ environment?: string; words: string[] }> = [];
  const visit = (steps: ReadonlyArray<{ kind: string; run?: string[] }>, phase: { environment?: string }) => {
    const env = phaseEnvironment(runbook, promotion, phase);
    const vars = { ...(env ? environmentVariables(env) : {}), ...promotionVariables(runbook, promotion) };
    for (const step of steps)
      if (step.kind === 'command' && step.run) {
        const argv = step.run.map((arg) => interpolate(arg, vars));
        commands.push({ environment: env?.id, words: argv.length === 1 ? argv[0].split(/\s+/) : argv });
      }
  };
  for (const phase of promotion.phases) visit(phase.steps, phase);
  visit(promotion.rollback.steps, {});
  return commands;
}

/** Names are taken only when every placeholder in them was filled from the runbook. */
function resolvedName(name: string): boolean {
  return name !== '' && !name.includes('${');
}

export function resourcesNamedBy(runbook: Runbook, promotion: Promotion): EmulatedResources {
  const found: Found = { tables: new Map(), buckets: new Set() };
  for (const { words } of promotionCommands(runbook, promotion)) namesIn(words, found);
  return {
    tables: [...found.tables]
      .map(([name, key]) => ({ name, key: key ?? 'id' }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    buckets: [...found.buckets].sort(),
  };
}
