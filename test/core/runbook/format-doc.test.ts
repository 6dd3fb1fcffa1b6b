import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runbookJsonSchema } from '../../../src/core/runbook/json-schema.js';
import { formatProblem, parseRunbook } from '../../../src/core/runbook/parse.js';
import { rollbackStepSchema, stepSchema } from '../../../src/core/runbook/schema.js';
import { VARIABLES } from '../../../src/core/runbook/variables.js';
import { walkProperties } from './schema-properties.js';

const doc = readFileSync(new URL('../../../docs/runbook-format.md', import.meta.url).pathname, 'utf8');

/**
 * The names the doc mentions as names: every word inside a `code span`, and every word of the first
 * cell of a table row (where the field tables list their fields). Loose on purpose (a word anywhere
 * counts), so a failure means the name is nowhere at all.
 */
function documentedNames(markdown: string): Set<string> {
  const names = new Set<string>();
  // A `${window}` placeholder is a variable of the catalogue, not the canary field `window`.
  const words = (text: string) => text.replace(/\$\{[^}]*\}/g, '').match(/[A-Za-z][A-Za-z0-9-]*/g) ?? [];
  for (const [, span] of markdown.matchAll(/`([^`\n]+)`/g)) for (const word of words(span)) names.add(word);
  for (const [, cell] of markdown.matchAll(/^\|([^|\n]+)\|/gm))
    for (const word of words(cell)) names.add(word);
  return names;
}

describe('docs/runbook-format.md', () => {
  it('opens with a runbook from scratch that validates as it stands', () => {
    const section = doc.slice(doc.indexOf('## A runbook from scratch, on one page'));
    const yaml = /```yaml\n([\s\S]*?)\n```/.exec(section)?.[1];
    expect(yaml).toBeDefined();
    const result = parseRunbook(`${yaml}\n`, 'docs/runbook-format.md (from scratch)');
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
    // The page a second team reads first comes before the reference.
    expect(doc.indexOf('## A runbook from scratch')).toBeLessThan(doc.indexOf('## Top level'));
  });

  it('mentions every field the JSON Schema accepts, in a code span or a table', () => {
    const documented = documentedNames(doc);
    const missing: string[] = [];
    walkProperties(runbookJsonSchema(), '', (path, name) => {
      if (!documented.has(name)) missing.push(path);
    });
    expect(missing).toEqual([]);
  });

  it('documents every step kind', () => {
    const kinds = new Set(
      [...stepSchema.options, ...rollbackStepSchema.options].map((o) => o.shape.kind.value),
    );
    for (const kind of kinds) expect(doc).toMatch(new RegExp(`^### \`${kind}\``, 'm'));
  });

  it('lists every variable of the catalogue', () => {
    for (const variable of VARIABLES)
      expect(doc).toContain(`| \`\${${variable.name}}\` | ${variable.source} |`);
  });

  it('maps every seed section a conductor acts on (3 to 10)', () => {
    for (const section of [
      '3.1',
      '3.2',
      '3.3',
      '3.4',
      '4.1',
      '4.2',
      '4.3',
      '5.1',
      '5.3',
      '6.4',
      '7.1',
      '7.2',
      '7.3',
    ]) {
      expect(doc).toContain(`| ${section} |`);
    }
    for (const section of ['8.1', '8.2', '8.3', '9.1', '9.2', '9.3', '9.4', '10.3 SIT', '10.3 PROD']) {
      expect(doc).toContain(`| ${section} |`);
    }
  });
});
