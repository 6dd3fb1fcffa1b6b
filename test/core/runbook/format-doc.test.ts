import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rollbackStepSchema, stepSchema } from '../../../src/core/runbook/schema.js';
import { VARIABLES } from '../../../src/core/runbook/variables.js';

const doc = readFileSync(new URL('../../../docs/runbook-format.md', import.meta.url).pathname, 'utf8');

describe('docs/runbook-format.md', () => {
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
