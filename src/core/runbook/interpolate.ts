/** `${name}` placeholders in runbook text (commands, URLs, templates). */
const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9_.]*)\}/g;

export type Variables = Record<string, string | number | undefined>;

/** Names used by a piece of text, in order of appearance. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/** Replace every `${name}`; a name without a value is left visible as `${name}` so nothing is silently blank. */
export function interpolate(text: string, vars: Variables): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = vars[name];
    return value === undefined ? whole : String(value);
  });
}

/** Names used in `texts` that have no value in `vars`, each once, in order of appearance. */
export function unresolvedPlaceholders(texts: Iterable<string>, vars: Variables): string[] {
  const names = new Set<string>();
  for (const text of texts)
    for (const name of placeholdersIn(text)) if (vars[name] === undefined) names.add(name);
  return [...names];
}

/**
 * What a value may hold to be pasted into a shell line: letters, digits and the punctuation of
 * versions, tickets, URLs and paths. Anything else (quotes, $, `, ;, &, |, <, >, parentheses,
 * backslashes, globs, newlines) could run as code, so such a value never reaches a shell.
 */
const SHELL_SAFE = /^[A-Za-z0-9 ._:/@%+=,~-]*$/;

/** Names used in `texts` whose values a shell would not take as plain words, each once. */
export function shellUnsafePlaceholders(texts: Iterable<string>, vars: Variables): string[] {
  const names = new Set<string>();
  for (const text of texts)
    for (const name of placeholdersIn(text)) {
      const value = vars[name];
      if (value !== undefined && !SHELL_SAFE.test(String(value))) names.add(name);
    }
  return [...names];
}
