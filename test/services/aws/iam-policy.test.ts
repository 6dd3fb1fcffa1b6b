import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsOperations, findOperation } from '../../../src/services/aws/operations.js';

/** The commands the adapters actually construct, read from the source itself. */
function commandsUsed(): string[] {
  const dir = 'src/services/aws';
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
    const source = readFileSync(join(dir, file), 'utf8');
    for (const match of source.matchAll(/new (\w+)Command\(/g)) names.add(match[1]);
  }
  return [...names].sort();
}

/** The actions of the least-privilege policy in docs/aws.md (the JSON block under its heading). */
function policyActions(): string[] {
  const doc = readFileSync('docs/aws.md', 'utf8');
  const section = doc.slice(doc.indexOf('## Least-privilege IAM policy'));
  const json = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
  if (!json) throw new Error('docs/aws.md has no JSON policy under "Least-privilege IAM policy"');
  const policy = JSON.parse(json) as { Statement: Array<{ Effect: string; Action: string | string[] }> };
  return policy.Statement.filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]))
    .sort();
}

describe('the IAM policy in docs/aws.md', () => {
  const used = commandsUsed();

  it('finds the commands in the source (the grep itself works)', () => {
    expect(used).toEqual(expect.arrayContaining(['GetAlias', 'UpdateAlias', 'UpdateStage', 'GetMetricData']));
  });

  it('knows the IAM action of every command the code sends', () => {
    const unknown = used.filter((operation) => findOperation(operation) === undefined);
    expect(unknown).toEqual([]);
  });

  it('grants exactly the actions the code needs, no more', () => {
    const needed = [...new Set(used.map((operation) => findOperation(operation)!.iamAction))].sort();
    expect(policyActions()).toEqual(needed);
  });

  it('has no stale entry in the table of operations', () => {
    const stale = awsOperations
      .map((entry) => entry.operation)
      .filter((operation) => !used.includes(operation));
    expect(stale).toEqual([]);
  });
});
