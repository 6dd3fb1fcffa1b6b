import { z } from 'zod';
import { runbookSchema } from './schema.js';

/**
 * The JSON Schema of the runbook format, for editors (`conductor schema`, docs/runbook.schema.json).
 *
 * zod writes a discriminated union as a plain `oneOf`. An editor checks a step against every branch
 * of a oneOf, so one misspelt key in a command step comes back as one complaint per step kind. Here
 * each union chooses its branch by the discriminator instead (`if kind is command then ...`): a step
 * is checked against its own kind only, and one mistake gives one error.
 */
export function runbookJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(runbookSchema, {
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => discriminate(zodSchema, jsonSchema as JsonObject),
  });
  return { title: 'conductor runbook', ...schema };
}

type JsonObject = Record<string, unknown>;

interface UnionDef {
  type: string;
  discriminator?: string;
  options?: ReadonlyArray<{ _zod: { propValues?: Record<string, Set<unknown>> } }>;
}

function discriminate(zodSchema: unknown, json: JsonObject): void {
  const def = (zodSchema as { _zod: { def: UnionDef } })._zod.def;
  const branches = json.oneOf;
  if (def.type !== 'union' || !def.discriminator || !def.options || !Array.isArray(branches)) return;
  const key = def.discriminator;
  const values = def.options.map((option) => [...(option._zod.propValues?.[key] ?? [])]);
  // Only a union whose every branch has exactly one value of the discriminator can be keyed by it.
  if (values.some((v) => v.length !== 1) || values.length !== branches.length) return;
  const kinds = values.map(([value]) => value);
  delete json.oneOf;
  Object.assign(json, {
    type: 'object',
    required: [key],
    properties: {
      [key]: { description: `one of ${kinds.join(', ')}`, enum: kinds },
    },
    allOf: branches.map((branch, i) => ({
      if: { properties: { [key]: { const: kinds[i] } }, required: [key] },
      // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, not a promise.
      then: branch,
    })),
  });
}
