/**
 * The import graph of src/, read the way TypeScript's own preprocessor reads a file
 * (`ts.preProcessFile`: static imports, re-exports, `import()` and `require()`), so the tests of the
 * architecture see the same edges the compiler does. Each edge says whether it is type-only: those
 * vanish from the emitted JavaScript, so a cycle of them is no runtime cycle, but DESIGN.md forbids
 * both kinds and the tests count them apart.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** Files as paths relative to the repository, with `/` (src/engine/conductor.ts). */
  from: string;
  to: string;
  /** `import type`, `export type`, every named binding `type`, or a type position `import('...')`. */
  typeOnly: boolean;
  /** 1-based line of the specifier in `from`. */
  line: number;
}

export interface ImportGraph {
  files: string[];
  edges: ImportEdge[];
  /** Relative specifiers that name no file of the tree: an edge the graph would otherwise miss. */
  unresolved: Array<{ from: string; specifier: string; line: number }>;
  /** Imports of packages and Node's modules (`execa`, `@aws-sdk/client-sts`, `node:fs`). */
  packages: Array<{ from: string; specifier: string; typeOnly: boolean; line: number }>;
}

const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;

function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...sourceFiles(path));
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/** NodeNext specifiers name the emitted file: `./x.js` is `./x.ts` (or `.tsx`) in the source tree. */
function resolveSpecifier(fromFile: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.js$/, '.tsx'),
    base.replace(/\.mjs$/, '.mts'),
    base,
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
  ];
  return candidates.find((path) => existsSync(path) && statSync(path).isFile());
}

/**
 * Where each specifier that only brings in types sits (the position of its opening quote, as
 * `preProcessFile` reports it). Anything not found here counts as a value import: the conservative
 * side, since an import whose names are all used as types is elided too but is not marked so.
 */
function typeOnlySpecifiers(file: string, text: string): Set<number> {
  const kind = file.endsWith('.tsx')
    ? ts.ScriptKind.TSX
    : file.endsWith('.ts')
      ? ts.ScriptKind.TS
      : ts.ScriptKind.JS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const positions = new Set<number>();
  const mark = (specifier: ts.Node) => positions.add(specifier.getStart(source));
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const allNamedAreTypes =
        clause !== undefined &&
        !clause.name &&
        bindings !== undefined &&
        ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 &&
        bindings.elements.every((element) => element.isTypeOnly);
      if (clause?.isTypeOnly || allNamedAreTypes) mark(node.moduleSpecifier);
      return;
    }
    if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const clause = node.exportClause;
      const allNamedAreTypes =
        clause !== undefined &&
        ts.isNamedExports(clause) &&
        clause.elements.length > 0 &&
        clause.elements.every((element) => element.isTypeOnly);
      if (node.isTypeOnly || allNamedAreTypes) mark(node.moduleSpecifier);
      return;
    }
    // `options: import('./commands/approve.js').ApproveCommandOptions`: a type, never loaded.
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) mark(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return positions;
}

const posix = (path: string) => path.split(sep).join('/');

/** The graph of every source file under `dir` (relative to `root`), edges to files under `dir` only. */
export function importGraph(root: string, dir = 'src'): ImportGraph {
  const files = sourceFiles(join(root, dir)).sort();
  const known = new Set(files);
  const edges: ImportEdge[] = [];
  const unresolved: ImportGraph['unresolved'] = [];
  const packages: ImportGraph['packages'] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const typeOnly = typeOnlySpecifiers(file, text);
    const lineOf = (pos: number) => text.slice(0, pos).split('\n').length;
    const from = posix(relative(root, file));
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      const line = lineOf(imported.pos);
      if (!imported.fileName.startsWith('.')) {
        packages.push({ from, specifier: imported.fileName, typeOnly: typeOnly.has(imported.pos), line });
        continue;
      }
      const target = resolveSpecifier(file, imported.fileName);
      if (!target) {
        unresolved.push({ from, specifier: imported.fileName, line });
        continue;
      }
      if (!known.has(target)) continue; // outside the tree (package.json, a fixture)
      edges.push({
        from,
        to: posix(relative(root, target)),
        typeOnly: typeOnly.has(imported.pos),
        line,
      });
    }
  }
  return { files: files.map((file) => posix(relative(root, file))), edges, unresolved, packages };
}

/** Files that import each other in a circle, and one shortest way round: `[a, b, c, a]`. */
export interface ImportCycle {
  files: string[];
  cycle: string[];
}

/**
 * Every group of files that import each other in a circle (the strongly connected components of
 * the graph, Tarjan's algorithm), each with one shortest cycle from its first file. `valueOnly`
 * leaves type-only edges out: the graph of what is loaded at run time.
 */
export function importCycles(graph: ImportGraph, options: { valueOnly: boolean }): ImportCycle[] {
  const next = new Map<string, string[]>();
  for (const file of graph.files) next.set(file, []);
  for (const edge of graph.edges) {
    if (options.valueOnly && edge.typeOnly) continue;
    const targets = next.get(edge.from) ?? [];
    if (!targets.includes(edge.to)) targets.push(edge.to);
    next.set(edge.from, targets);
  }

  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  // Iterative, so a deep chain of imports cannot overflow the call stack.
  for (const start of graph.files) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; child: number }> = [{ node: start, child: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const children = next.get(frame.node) ?? [];
      if (frame.child < children.length) {
        const child = children[frame.child++];
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ node: child, child: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.node, Math.min(low.get(frame.node) ?? 0, index.get(child) ?? 0));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) ?? 0, low.get(frame.node) ?? 0));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop();
          if (member === undefined) break;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = component.length === 1 && (next.get(component[0]) ?? []).includes(component[0]);
        if (component.length > 1 || selfLoop) components.push(component.sort());
      }
    }
  }
  return components.map((files) => ({ files, cycle: shortestCycle(files, next) }));
}

/** A shortest way round from the component's first file back to itself, staying inside it. */
function shortestCycle(component: string[], next: Map<string, string[]>): string[] {
  const members = new Set(component);
  const start = component[0];
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const child of next.get(node) ?? []) {
      if (!members.has(child)) continue;
      if (child === start) {
        const path = [node];
        for (let at = cameFrom.get(node); at !== undefined; at = cameFrom.get(at)) path.unshift(at);
        return [...path, start];
      }
      if (!cameFrom.has(child)) {
        cameFrom.set(child, node);
        queue.push(child);
      }
    }
  }
  return component;
}
