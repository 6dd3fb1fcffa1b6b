import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// ajv is a real JSON Schema validator, the kind an editor runs over a runbook as it is typed.
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DURATION_PATTERN, parseDuration } from '../../../src/core/runbook/duration.js';
import { runbookJsonSchema } from '../../../src/core/runbook/json-schema.js';
import { fixturesDir } from './bad-fixtures.js';
import { type Json, propertyAt, walkProperties } from './schema-properties.js';

const schema = runbookJsonSchema();
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
const minimalText = readFileSync(join(fixturesDir, 'good', 'minimal.yaml'), 'utf8');
const bbwsText = readFileSync(new URL('../../../runbooks/bbws.yaml', import.meta.url), 'utf8');

/** The errors an editor would show: ajv adds a summary "must match then schema" above each if/then. */
function errorsOf(yamlText: string): ErrorObject[] {
  if (validate(parse(yamlText))) return [];
  return (validate.errors ?? []).filter((error) => error.keyword !== 'if');
}

describe('the JSON Schema of the runbook format', () => {
  it('accepts the BBWS runbook and the minimal one', () => {
    expect(errorsOf(bbwsText)).toEqual([]);
    expect(errorsOf(minimalText)).toEqual([]);
  });

  it('gives one error for one misspelt key in a step, at that step', () => {
    const errors = errorsOf(minimalText.replace('            timeout: 10m', '            timout: 10m'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      instancePath: '/promotions/0/phases/0/steps/1',
      keyword: 'additionalProperties',
      params: { additionalProperty: 'timout' },
    });
  });

  it('gives one error for an unknown step kind, naming the kinds', () => {
    const errors = errorsOf(minimalText.replace('kind: command', 'kind: shell'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ instancePath: '/promotions/0/phases/0/steps/1/kind', keyword: 'enum' });
    expect(errors[0].params).toMatchObject({ allowedValues: expect.arrayContaining(['command', 'canary']) });
  });

  it('checks a rollback step against the kinds a rollback allows', () => {
    const errors = errorsOf(minimalText.replace('kind: traffic-revert', 'kind: canary'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ instancePath: '/promotions/0/rollback/steps/0/kind', keyword: 'enum' });
  });

  it('carries the duration grammar of duration.ts', () => {
    const errors = errorsOf(minimalText.replace('timeout: 10m', 'timeout: 10 minutes'));
    expect(errors.some((e) => e.keyword === 'pattern' && e.instancePath.endsWith('/steps/1/timeout'))).toBe(
      true,
    );
    const timeout = propertyAt(schema, 'promotions.phases.steps.timeout') as { anyOf: Json[] };
    expect(timeout.anyOf).toContainEqual({ type: 'string', pattern: DURATION_PATTERN.source });
    const pattern = new RegExp(String(timeout.anyOf[0].pattern));
    for (const written of ['30s', '15m', '2h', '1h30m', '500ms', '1d', '1.5s', '15', '15 m', 'm', '-1s'])
      expect({ written, ok: pattern.test(written) }).toEqual({
        written,
        ok: parseDuration(written) !== undefined,
      });
  });

  it('describes every field', () => {
    const undescribed: string[] = [];
    walkProperties(schema, '', (path, _name, property) => {
      if (typeof property.description !== 'string' || property.description.length === 0)
        undescribed.push(path);
    });
    expect(undescribed).toEqual([]);
  });
});
