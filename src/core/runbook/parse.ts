import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type YAMLError,
  type Node as YamlNode,
} from 'yaml';
import { safeStrings } from '../text/safe-text.js';
import { placeholdersIn } from './interpolate.js';
import { describeIssue } from './issues.js';
import { checkReferences } from './references.js';
import { type Runbook, runbookSchema } from './schema.js';
import { checkUnsetVariables } from './unset-variables.js';
import { closestVariable, isKnownVariable } from './variables.js';

export { checkReferences } from './references.js';

export interface RunbookProblem {
  file: string;
  line: number;
  col: number;
  /** Where in the document, e.g. promotions[1].phases[0].steps[2].kind */
  path: string;
  message: string;
}

export type ParseResult = { ok: true; runbook: Runbook } | { ok: false; problems: RunbookProblem[] };

export function formatProblem(p: RunbookProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.path || '(document)'}: ${p.message}`;
}

export function pathText(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function keyValue(key: unknown): unknown {
  return isScalar(key) ? key.value : key;
}

/** The deepest YAML node that exists along a path, and the key node of the last map entry reached. */
function nodeAt(
  root: YamlNode | null,
  path: ReadonlyArray<PropertyKey>,
): { node: YamlNode | null; keyNode?: YamlNode; complete: boolean } {
  let node: YamlNode | null = root;
  let keyNode: YamlNode | undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => String(keyValue(item.key)) === String(key));
      if (!pair) return { node, complete: false };
      keyNode = pair.key as YamlNode;
      // An empty value (`title:`) has no node of its own: point at its key.
      node = (pair.value as YamlNode | null) ?? keyNode;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as YamlNode | undefined;
      if (!item) return { node, complete: false };
      node = item;
      keyNode = undefined;
    } else {
      return { node, complete: false };
    }
  }
  return { node, keyNode, complete: true };
}

export function positionOf(
  root: YamlNode | null,
  lineCounter: LineCounter,
  path: ReadonlyArray<PropertyKey>,
  preferKey = false,
): { line: number; col: number } {
  const { node, keyNode, complete } = nodeAt(root, path);
  // A map or list under a key starts on the next line in block style; the key's line is the one to show.
  const collectionUnderKey = complete && keyNode && (isMap(node) || isSeq(node));
  const target = (preferKey || collectionUnderKey) && keyNode ? keyNode : node;
  const offset = target?.range?.[0] ?? 0;
  return lineCounter.linePos(offset);
}

/** Where `${name}` is written inside the string at `path`; the string's own position when it is not found. */
function placeholderPosition(
  root: YamlNode | null,
  lineCounter: LineCounter,
  text: string,
  path: ReadonlyArray<PropertyKey>,
  name: string,
): { line: number; col: number } {
  const { node, complete } = nodeAt(root, path);
  const range = complete && isScalar(node) ? node.range : undefined;
  if (!range) return positionOf(root, lineCounter, path);
  const inSource = text.slice(range[0], range[1]).indexOf(`\${${name}}`);
  return lineCounter.linePos(range[0] + Math.max(0, inSource));
}

/**
 * Parse and validate runbook YAML text. Pure: the caller reads the file. Never throws. `formatDoc` is
 * how messages name docs/runbook-format.md: the caller knows where the installed package put it.
 */
export function parseRunbook(text: string, file: string, formatDoc = 'docs/runbook-format.md'): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problemAt = (offset: number, path: ReadonlyArray<PropertyKey>, message: string): RunbookProblem => ({
    file,
    ...lineCounter.linePos(offset),
    path: pathText(path),
    message,
  });

  const syntax = [...doc.errors, ...doc.warnings].map((error) => {
    const quoted = error.code === 'BAD_DQ_ESCAPE' ? badEscape(error, doc, text) : undefined;
    if (quoted) return problemAt(error.pos[0], quoted.path, quoted.message);
    return problemAt(syntaxOffset(error, doc, text), [], syntaxMessage(error, text));
  });
  if (syntax.length > 0) return failure(firstPerLine(syntax));

  const root = doc.contents as YamlNode | null;
  const shapeProblems: RunbookProblem[] = [];
  walkScalars(
    root,
    [],
    {
      key(node, path) {
        shapeProblems.push(
          problemAt(node.range?.[0] ?? 0, path, 'keys must be plain names, not lists or maps'),
        );
      },
      string(value, offset, source, path) {
        for (const name of new Set(placeholdersIn(value))) {
          if (isKnownVariable(name)) continue;
          const inSource = source.indexOf(`\${${name}}`);
          const hint = closestVariable(name);
          shapeProblems.push(
            problemAt(
              offset + Math.max(0, inSource),
              path,
              `unknown variable \${${name}}${hint ? ` (did you mean \${${hint}}?)` : ''}; see ${formatDoc} for the variables a runbook can use`,
            ),
          );
        }
      },
      cutByComment(value, offset, comment, path) {
        shapeProblems.push(
          problemAt(
            offset,
            path,
            `"#${comment.split(/\s/)[0]}" is read as a YAML comment, so the value stops at "${value}"; put the whole value in quotes`,
          ),
        );
      },
    },
    text,
  );
  if (shapeProblems.some((p) => p.message.startsWith('keys must'))) return failure(shapeProblems);

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const alias = /alias[^:]*: (\S+)$/.exec(reason)?.[1];
    if (alias) {
      const offset = Math.max(0, text.indexOf(`*${alias}`));
      return failure([problemAt(offset, [], `alias *${alias} refers to no anchor &${alias} above it`)]);
    }
    return failure([problemAt(0, [], `the YAML cannot be read as data: ${reason}`)]);
  }

  const result = runbookSchema.safeParse(data, { reportInput: true });
  if (!result.success) {
    // How a value was written, for advice that must quote it as written (a number YAML changed).
    const sourceAt = (path: ReadonlyArray<PropertyKey>) => {
      const { node, complete } = nodeAt(root, path);
      return complete && isScalar(node) && node.range ? text.slice(node.range[0], node.range[1]) : undefined;
    };
    const schemaProblems = result.error.issues.flatMap((issue) =>
      describeIssue(issue, data, runbookSchema, sourceAt).map(({ path, preferKey, message }) => ({
        file,
        ...positionOf(root, lineCounter, path, preferKey),
        path: pathText(path),
        message,
      })),
    );
    return failure([...schemaProblems, ...shapeProblems]);
  }
  // From here on no screen, template or report sees a control sequence the runbook carried.
  const runbook = safeStrings(result.data);
  const refProblems = [...checkReferences(runbook), ...checkUnsetVariables(runbook)].map(
    ({ path, message, placeholder }) => ({
      file,
      ...(placeholder === undefined
        ? positionOf(root, lineCounter, path)
        : placeholderPosition(root, lineCounter, text, path, placeholder)),
      path: pathText(path),
      message,
    }),
  );
  const problems = [...refProblems, ...shapeProblems];
  if (problems.length > 0) return failure(problems);
  return { ok: true, runbook };
}

function failure(problems: RunbookProblem[]): ParseResult {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.line}:${p.col}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  unique.sort((a, b) => a.line - b.line || a.col - b.col);
  return { ok: false, problems: unique };
}

/** One YAML error often cascades into several on the same line; the first one is the useful one. */
function firstPerLine(problems: RunbookProblem[]): RunbookProblem[] {
  const lines = new Set<number>();
  return problems.filter((p) => {
    if (lines.has(p.line)) return false;
    lines.add(p.line);
    return true;
  });
}

function syntaxMessage(error: YAMLError, text: string): string {
  switch (error.code) {
    case 'DUPLICATE_KEY': {
      const key = /^[^:,{}\n]*/.exec(text.slice(error.pos[0]))?.[0].trim();
      return key ? `duplicate key "${key}": a key may appear only once in a map` : 'duplicate key in a map';
    }
    case 'MULTIPLE_DOCS':
      return 'the file holds more than one YAML document (a second "---"); a runbook is one document';
    case 'TAB_AS_INDENT':
      return 'YAML does not allow tabs for indentation; indent with spaces';
    case 'TAG_RESOLVE_FAILED':
      return `unknown YAML tag (${error.message.replace(/^Unresolved tag: /, '')}); remove it`;
    case 'BAD_ALIAS':
    case 'BAD_INDENT':
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
    case 'MISSING_CHAR':
      if (/quote/.test(error.message)) return 'a quoted string is not closed';
      break;
    default:
      break;
  }
  const first = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return `YAML syntax: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}

/**
 * A backslash in double quotes starts a YAML escape, so a regular expression such as "^CHG-\d{6}$"
 * is a YAML error ("\d" is no escape). The fix is single quotes, where a backslash is itself: say
 * so, with the value rewritten that way. Undefined when the error is not inside a quoted value.
 */
function badEscape(
  error: YAMLError,
  doc: Document,
  text: string,
): { path: PropertyKey[]; message: string } | undefined {
  let found: { path: PropertyKey[]; message: string } | undefined;
  walkScalars(
    doc.contents as YamlNode | null,
    [],
    {
      string(_value, offset, source, path) {
        const inside = offset <= error.pos[0] && error.pos[0] < offset + source.length;
        if (found || !inside || !source.startsWith('"')) return;
        const written = source.slice(1, source.endsWith('"') && source.length > 1 ? -1 : undefined);
        // What the author meant: \\ and \" were meant as escapes; every other backslash as itself.
        const meant = written.replace(/\\(["\\])/g, '$1');
        const sequence = text.slice(error.pos[0], error.pos[0] + 2);
        const noun = /pattern/i.test(String(path.at(-1) ?? '')) ? 'pattern' : 'value';
        found = {
          path,
          message: `in double quotes a backslash starts an escape, and "${sequence}" is not one; write the ${noun} in single quotes: '${meant.replace(/'/g, "''")}'`,
        };
      },
    },
    text,
  );
  return found;
}

/** Where to point for a syntax error: for an unclosed quote, where the quote opened. */
function syntaxOffset(error: YAMLError, doc: Document, text: string): number {
  if (error.code === 'MISSING_CHAR' && /quote/.test(error.message)) {
    let opening: number | undefined;
    walkScalars(
      doc.contents as YamlNode | null,
      [],
      {
        string(_value, offset, source) {
          const quote = source[0];
          if ((quote === '"' || quote === "'") && offset <= error.pos[0]) {
            const closed = source.length > 1 && source.endsWith(quote);
            if (!closed) opening = offset;
          }
        },
      },
      text,
    );
    if (opening !== undefined) return opening;
  }
  return error.pos[0];
}

interface ScalarVisitor {
  key?(node: YamlNode, path: PropertyKey[]): void;
  string(value: string, offset: number, source: string, path: PropertyKey[]): void;
  /** A plain value followed on its line by `#word`: most likely a Slack channel cut off as a comment. */
  cutByComment?(value: string, commentOffset: number, comment: string, path: PropertyKey[]): void;
}

/** Visit every string value (not keys) with its offset and source text, and every non-scalar key. */
function walkScalars(node: unknown, path: PropertyKey[], visitor: ScalarVisitor, text: string): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      if (pair.key !== null && !isScalar(pair.key)) {
        visitor.key?.(pair.key as YamlNode, path);
        continue;
      }
      walkScalars(pair.value, [...path, String(keyValue(pair.key))], visitor, text);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      walkScalars(item, [...path, i], visitor, text);
    });
  } else if (isScalar(node) && typeof node.value === 'string' && node.range) {
    visitor.string(node.value, node.range[0], text.slice(node.range[0], node.range[1]), path);
    if (node.type === 'PLAIN' && node.comment && /^\S/.test(node.comment)) {
      const hash = text.indexOf('#', node.range[1]);
      visitor.cutByComment?.(node.value, hash, node.comment, path);
    }
  }
}
