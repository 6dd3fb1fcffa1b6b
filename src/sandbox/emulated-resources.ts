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

/** Names are taken only when every placeholder in them was filled from the runbook. */
function flagValue(argv: readonly string[], flag: string): string[] {
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

function namesIn(argv: readonly string[], into: Found): void {
  const words = argv.length === 1 ? argv[0].split(/\s+/) : argv;
  const resolved = (name: string) => name && !name.includes('${');
  const key = keyAttribute(words);
  for (const table of flagValue(words, '--table-name'))
    if (resolved(table)) into.tables.set(table, key ?? into.tables.get(table));
  for (const bucket of flagValue(words, '--bucket')) if (resolved(bucket)) into.buckets.add(bucket);
  for (const word of words) {
    const bucket = /^s3:\/\/([^/\s]+)/.exec(word)?.[1];
    if (bucket && resolved(bucket)) into.buckets.add(bucket);
  }
}

export function resourcesNamedBy(runbook: Runbook, promotion: Promotion): EmulatedResources {
  const found: Found = { tables: new Map(), buckets: new Set() };
  const visit = (steps: ReadonlyArray<{ kind: string; run?: string[] }>, phase: { environment?: string }) => {
    const env = phaseEnvironment(runbook, promotion, phase);
    const vars = { ...(env ? environmentVariables(env) : {}), ...promotionVariables(runbook, promotion) };
    for (const step of steps)
      if (step.kind === 'command' && step.run)
        namesIn(
          step.run.map((arg) => interpolate(arg, vars)),
          found,
        );
  };
  for (const phase of promotion.phases) visit(phase.steps, phase);
  visit(promotion.rollback.steps, {});
  return {
    tables: [...found.tables]
      .map(([name, key]) => ({ name, key: key ?? 'id' }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    buckets: [...found.buckets].sort(),
  };
}
