import type { z } from 'zod';
import { rollbackStepSchema, stepSchema } from './schema.js';
import { closestName } from './variables.js';

/**
 * Turns zod issues into one clear sentence each, and says where in the document they belong.
 * zod's own messages ("Invalid input: expected string, received undefined") are written for
 * programmers; a runbook author needs "missing required key "title"" on the line of the step.
 */

export interface LocatedIssue {
  /** Path of the YAML node the problem points at. */
  path: PropertyKey[];
  /** Point at the key of the last path element rather than at its value. */
  preferKey: boolean;
  message: string;
}

/** Every step kind of the format, to tell "unknown" from "not allowed here". */
const STEP_KINDS = new Set<string>(
  [...stepSchema.options, ...rollbackStepSchema.options].map((option) => option.shape.kind.value),
);

const TOP_LEVEL_KEYS = 'runbook, roles, environments, channels, templates and promotions';

/** The text a value is written as in the YAML source, when the caller knows it (parse.ts does). */
export type SourceAt = (path: ReadonlyArray<PropertyKey>) => string | undefined;

export function describeIssue(
  issue: z.core.$ZodIssue,
  root: unknown,
  schema: z.ZodType,
  sourceAt: SourceAt = () => undefined,
): LocatedIssue[] {
  const path = [...issue.path];
  const input = 'input' in issue ? issue.input : valueAt(root, path);
  const last = path.at(-1);
  const parent = valueAt(root, path.slice(0, -1));
  const missingKey =
    input === undefined &&
    typeof last === 'string' &&
    parent !== null &&
    typeof parent === 'object' &&
    !Array.isArray(parent) &&
    !(last in parent);
  const discriminated =
    issue.code === 'invalid_union' && 'discriminator' in issue && Boolean(issue.discriminator);
  if (missingKey && !discriminated)
    return [
      at(path.slice(0, -1), `missing required key "${String(last)}" (${expectedOf(issue) || 'a value'})`),
    ];
  switch (issue.code) {
    case 'invalid_type': {
      if (path.length === 0) {
        if (input === null || input === undefined)
          return [at(path, `the file is empty: a runbook is a map with the keys ${TOP_LEVEL_KEYS}`)];
        if (Array.isArray(input))
          return [at(path, `the file holds a list; a runbook is a map with the keys ${TOP_LEVEL_KEYS}`)];
      }
      if (issue.expected === 'string' && typeof input === 'number')
        return [at(path, numberForText(last, input, sourceAt(path)))];
      return [at(path, `expected ${expectedText(issue.expected)}, got ${inputText(input)}`)];
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const known = knownKeys(schema, root, path);
        const suggestion = known ? closestName(key, known) : undefined;
        const tail = suggestion
          ? ` (did you mean "${suggestion}"?)`
          : known
            ? ` (allowed here: ${known.join(', ')})`
            : '';
        return { path: [...path, key], preferKey: true, message: `unknown key "${key}"${tail}` };
      });
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator) {
        const discriminator = issue.discriminator;
        const options = ('options' in issue ? (issue.options ?? []) : []).map(String);
        const parentPath = path.at(-1) === discriminator ? path.slice(0, -1) : path;
        const parent = valueAt(root, parentPath);
        const value =
          parent && typeof parent === 'object' && !Array.isArray(parent)
            ? (parent as Record<string, unknown>)[discriminator]
            : undefined;
        if (!parent || typeof parent !== 'object' || Array.isArray(parent))
          return [
            at(parentPath, `expected a step (a map with "${discriminator}"), got ${inputText(parent)}`),
          ];
        if (value === null)
          return [
            at(
              [...parentPath, discriminator],
              `"${discriminator}" is empty: write one of ${options.join(', ')}`,
            ),
          ];
        if (value === undefined)
          return [at(parentPath, `missing required key "${discriminator}": one of ${options.join(', ')}`)];
        const suggestion = typeof value === 'string' ? closestName(value, options) : undefined;
        const where = parentPath.includes('rollback') ? ' in a rollback' : '';
        const known = typeof value === 'string' && STEP_KINDS.has(value);
        return [
          at(
            [...parentPath, discriminator],
            `${known ? `step ${discriminator} ${inputText(value, false)} cannot be used${where}` : `unknown step ${discriminator} ${inputText(value, false)}`}: expected one of ${options.join(', ')}${
              suggestion && !known ? ` (did you mean "${suggestion}"?)` : ''
            }`,
          ),
        ];
      }
      // When the value has the form of exactly one alternative (a map where a map or "stable" is
      // allowed), what is wrong inside it is the useful message, not the list of alternatives.
      const sameForm = issue.errors.filter(
        (branch) =>
          branch.length > 0 &&
          !branch.some(
            (inner) =>
              inner.path.length === 0 && (inner.code === 'invalid_type' || inner.code === 'invalid_value'),
          ),
      );
      if (sameForm.length === 1)
        return sameForm[0].flatMap((inner) =>
          describeIssue(
            { ...inner, path: [...path, ...inner.path] } as z.core.$ZodIssue,
            root,
            schema,
            sourceAt,
          ),
        );
      const alternatives = unionAlternatives(issue.errors);
      return [at(path, `expected ${alternatives || 'another form'}, got ${inputText(input)}`)];
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v));
      const expected = values.length === 1 ? values[0] : `one of ${values.join(', ')}`;
      return [at(path, `must be ${expected}, got ${inputText(input)}`)];
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'array')
        return [at(path, `must have at least ${min} item${min === 1 ? '' : 's'}, got ${countText(input)}`)];
      if (issue.origin === 'string') return [at(path, `must not be shorter than ${min} characters`)];
      return [
        at(path, `must be ${issue.inclusive ? 'at least' : 'greater than'} ${min}, got ${inputText(input)}`),
      ];
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'array')
        return [at(path, `must have at most ${max} items, got ${countText(input)}`)];
      return [
        at(path, `must be ${issue.inclusive ? 'at most' : 'less than'} ${max}, got ${inputText(input)}`),
      ];
    }
    case 'invalid_format': {
      const message = issue.message.startsWith('Invalid')
        ? `must match ${issue.pattern ?? issue.format}`
        : issue.message;
      return [at(path, `${message}, got ${inputText(input)}`)];
    }
    case 'not_multiple_of':
      return [at(path, `must be a multiple of ${String(issue.divisor)}, got ${inputText(input)}`)];
    case 'invalid_key':
      return [at(path, `a key of this map is not allowed: ${issue.issues.map(keyIssueText).join('; ')}`)];
    case 'invalid_element':
      return [at(path, `an entry is not allowed: ${issue.issues.map(keyIssueText).join('; ')}`)];
    default:
      // Only our own refinements raise custom issues, and they are written for the author already.
      return [at(path, issue.message)];
  }
}

/**
 * A number where text belongs. YAML read it as a number and may have changed it on the way
 * (048213579640 -> 48213579640, 1.10 -> 1.1), so the advice quotes the text as it was written.
 */
function numberForText(field: PropertyKey | undefined, input: number, written: string | undefined): string {
  const text = written?.trim() || String(input);
  const what = field === 'accountId' ? 'the account id' : `"${String(field ?? 'this value')}"`;
  if (/^[-+]?0\d/.test(text))
    return `${what} must be quoted to keep its leading zero, e.g. "${text}" (unquoted, YAML reads it as the number ${input})`;
  if (text !== String(input))
    return `${what} must be quoted to stay as written, e.g. "${text}" (unquoted, YAML reads it as the number ${input})`;
  return `expected a string, got the number ${input}; quote it ("${text}") so it stays text`;
}

/** A nested issue of a map key or entry, in a few words. */
function keyIssueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return `expected ${expectedText(issue.expected)}`;
  if (issue.code === 'invalid_format' && issue.message.startsWith('Invalid'))
    return `must match ${issue.pattern ?? issue.format}`;
  if (issue.code === 'invalid_format' || issue.code === 'custom') return issue.message;
  return 'not a valid entry';
}

function expectedOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return expectedText(issue.expected);
  if (issue.code === 'invalid_value')
    return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'invalid_union') return unionAlternatives(issue.errors);
  return '';
}

function at(path: PropertyKey[], message: string): LocatedIssue {
  return { path, preferKey: false, message };
}

function expectedText(expected: string): string {
  switch (expected) {
    case 'object':
      return 'a map';
    case 'record':
      return 'a map of names to values';
    case 'array':
    case 'tuple':
    case 'set':
      return 'a list';
    case 'map':
      return 'a map';
    case 'string':
      return 'a string';
    case 'number':
    case 'bigint':
    case 'nan':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'date':
      return 'a date';
    case 'null':
    case 'undefined':
    case 'void':
    case 'never':
      return 'nothing here';
    default:
      return `a value of another kind (${expected})`;
  }
}

function inputText(input: unknown, withArticle = true): string {
  if (input === null || input === undefined) return 'an empty value';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a map';
  if (typeof input === 'string') {
    const shown = input.length > 40 ? `${input.slice(0, 37)}...` : input;
    return withArticle ? `the string "${shown}"` : `"${shown}"`;
  }
  if (typeof input === 'number') return withArticle ? `the number ${input}` : String(input);
  if (typeof input === 'boolean') return String(input);
  return typeof input;
}

function countText(input: unknown): string {
  return Array.isArray(input) ? `${input.length}` : inputText(input);
}

function unionAlternatives(errors: ReadonlyArray<ReadonlyArray<z.core.$ZodIssue>>): string {
  const seen = new Set<string>();
  for (const branch of errors) {
    const first = branch[0];
    if (!first) continue;
    if (first.code === 'invalid_type') seen.add(expectedText(first.expected));
    else if (first.code === 'invalid_value') for (const v of first.values) seen.add(JSON.stringify(v));
    else if (first.path.length > 0) seen.add('a map');
  }
  const list = [...seen];
  // The only string-or-number in the format is a duration (durationSchema).
  if (list.length === 2 && seen.has('a string') && seen.has('a number'))
    return 'a duration such as 30s, 15m or 2h';
  if (list.length <= 1) return list[0] ?? '';
  return `${list.slice(0, -1).join(', ')} or ${list.at(-1)}`;
}

export function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * zod keeps its structure in `_zod.def`; walking it tells which keys an object at `path` allows,
 * so an unknown key can be answered with "did you mean". Only the few wrappers the runbook schema
 * uses are followed; anything else gives up (no suggestion, no harm).
 */
interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  valueType?: z.ZodType;
}

function defOf(schema: z.ZodType): SchemaDef {
  return schema._zod.def as unknown as SchemaDef;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 10; i++) {
    const def = defOf(current);
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType)
      current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else break;
  }
  return current;
}

function pickOption(schema: z.ZodType, value: unknown): z.ZodType | undefined {
  const def = defOf(schema);
  const options = def.options ?? [];
  if (def.discriminator && value && typeof value === 'object') {
    const tag = (value as Record<string, unknown>)[def.discriminator];
    return options.find((option) => {
      const values = (option._zod as { propValues?: Record<string, Set<unknown>> }).propValues?.[
        def.discriminator ?? ''
      ];
      return values?.has(tag);
    });
  }
  return options.find((option) => defOf(unwrap(option)).type === 'object');
}

export function knownKeys(
  schema: z.ZodType,
  root: unknown,
  path: ReadonlyArray<PropertyKey>,
): string[] | undefined {
  let current: z.ZodType | undefined = unwrap(schema);
  let value = root;
  const step = () => {
    while (current && defOf(current).type === 'union') current = pickOption(current, value);
    if (current) current = unwrap(current);
  };
  step();
  for (const key of path) {
    if (!current) return undefined;
    const def = defOf(current);
    if (def.type === 'object' && def.shape) current = def.shape[String(key)];
    else if (def.type === 'array' && def.element) current = def.element;
    else if (def.type === 'record' && def.valueType) current = def.valueType;
    else return undefined;
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    if (current) current = unwrap(current);
    step();
  }
  if (!current) return undefined;
  const def = defOf(current);
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
}
