export type Json = Record<string, unknown>;

/**
 * Calls back for every field the JSON Schema accepts (every entry of every `properties`), with a
 * dotted path such as `promotions.phases.steps.timeout`. The `if` halves of the discriminated steps
 * only test `kind`, so they are not fields of their own.
 */
export function walkProperties(
  node: unknown,
  path: string,
  visit: (path: string, name: string, property: Json) => void,
): void {
  if (Array.isArray(node)) {
    for (const item of node) walkProperties(item, path, visit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === 'if') continue;
    if (key === 'properties' && value && typeof value === 'object') {
      for (const [name, property] of Object.entries(value as Json)) {
        const at = path ? `${path}.${name}` : name;
        visit(at, name, property as Json);
        walkProperties(property, at, visit);
      }
    } else {
      walkProperties(value, path, visit);
    }
  }
}

/** The first field found at a dotted path (the first step kind that has it). */
export function propertyAt(schema: unknown, path: string): Json | undefined {
  let found: Json | undefined;
  walkProperties(schema, '', (at, _name, property) => {
    if (at === path && !found) found = property;
  });
  return found;
}
