import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ImportCycle, type ImportGraph, importCycles, importGraph } from './import-graph.js';

// DESIGN.md: "No import cycle, type imports included." A cycle of value imports can hand a module
// half-initialised bindings at run time; a cycle of type imports is none at run time, but it ties
// the files together all the same (the engine's runners and the Conductor class were one).

const graph = importGraph(process.cwd());

const described = (cycles: ImportCycle[]) =>
  cycles.map(
    ({ files, cycle }) => `${cycle.join(' -> ')}${files.length > 2 ? ` (${files.length} files)` : ''}`,
  );

describe('the import graph of src/', () => {
  it('sees every file and every relative import of src/', () => {
    expect(graph.files.length).toBeGreaterThan(100);
    expect(graph.files).toContain('src/engine/conductor.ts');
    expect(graph.edges.some((e) => e.from === 'src/program.ts' && !e.typeOnly)).toBe(true);
    // An import that names no file would be an edge the cycle check cannot see.
    expect(graph.unresolved).toEqual([]);
  });

  it('has no cycle of imports loaded at run time', () => {
    expect(described(importCycles(graph, { valueOnly: true }))).toEqual([]);
  });

  it('has no cycle of imports, type imports included', () => {
    expect(described(importCycles(graph, { valueOnly: false }))).toEqual([]);
  });
});

describe('the engine behind an interface', () => {
  // Runners, drift, identity, orphans, rollback, the watch and the step requests take an
  // EngineContext (engine/context.ts). The class is imported where it is made (wiring) and where
  // it is served to screens (the host's socket server), never by the parts it drives.
  const SERVES_THE_CLASS = new Set(['src/engine/conductor.ts', 'src/engine/host/server.ts']);

  it('no engine module but the host server imports engine/conductor.ts, not even a type', () => {
    const importers = graph.edges
      .filter((e) => e.to === 'src/engine/conductor.ts' && e.from.startsWith('src/engine/'))
      .filter((e) => !SERVES_THE_CLASS.has(e.from))
      .map((e) => `${e.from}:${e.line}`);
    expect(importers).toEqual([]);
  });

  it('the runners import the context, not the class', () => {
    const runners = graph.files.filter((f) => f.startsWith('src/engine/runners/'));
    expect(runners.length).toBeGreaterThan(5);
    for (const runner of runners.filter((f) => !f.endsWith('/index.ts'))) {
      const targets = graph.edges.filter((e) => e.from === runner).map((e) => e.to);
      expect(targets, runner).toContain('src/engine/context.ts');
    }
  });
});

describe('reading imports', () => {
  it('tells type-only imports from the ones loaded at run time, in every form', () => {
    const root = mkdtempSync(join(tmpdir(), 'import-graph-'));
    try {
      mkdirSync(join(root, 'src', 'lib'), { recursive: true });
      for (const name of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'])
        writeFileSync(join(root, 'src', 'lib', `${name}.ts`), '');
      writeFileSync(join(root, 'src', 'lib', 'j.tsx'), '');
      writeFileSync(
        join(root, 'src', 'a.tsx'),
        [
          "import type { B } from './lib/b.js';",
          "import { type C1, type C2 } from './lib/c.js';",
          "import { type D, d } from './lib/d.js';",
          "export type { E } from './lib/e.js';",
          "export * from './lib/f.js';",
          "import 'node:fs';",
          "const text = <Text>don't stop</Text>;",
          "export const load = () => import('./lib/g.js');",
          "export type H = import('./lib/h.js').H;",
          "import './lib/i.js';",
          "import { J } from './lib/j.js';",
          "import { missing } from './lib/nowhere.js';",
        ].join('\n'),
      );
      const read = importGraph(root);
      const edges = Object.fromEntries(
        read.edges.map((e) => [
          e.to.replace(/^src\/lib\//, ''),
          `${e.typeOnly ? 'type' : 'value'}@${e.line}`,
        ]),
      );
      expect(edges).toEqual({
        'b.ts': 'type@1',
        'c.ts': 'type@2',
        'd.ts': 'value@3',
        'e.ts': 'type@4',
        'f.ts': 'value@5',
        'g.ts': 'value@8',
        'h.ts': 'type@9',
        'i.ts': 'value@10',
        'j.tsx': 'value@11',
      });
      expect(read.packages).toEqual([{ from: 'src/a.tsx', specifier: 'node:fs', typeOnly: false, line: 6 }]);
      expect(read.unresolved).toEqual([{ from: 'src/a.tsx', specifier: './lib/nowhere.js', line: 12 }]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the cycle finder', () => {
  const edge = (from: string, to: string, typeOnly = false) => ({ from, to, typeOnly, line: 1 });
  const made = (edges: ImportGraph['edges']): ImportGraph => ({
    files: [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort(),
    edges,
    unresolved: [],
    packages: [],
  });

  it('finds each circle once, with a shortest way round, and nothing in a tree', () => {
    const g = made([
      edge('a', 'b'),
      edge('b', 'c'),
      edge('c', 'a'),
      edge('b', 'a'),
      edge('d', 'e'),
      edge('e', 'd'),
      edge('f', 'f'),
      edge('g', 'a'),
      edge('g', 'h'),
    ]);
    expect(importCycles(g, { valueOnly: true })).toEqual([
      { files: ['a', 'b', 'c'], cycle: ['a', 'b', 'a'] },
      { files: ['d', 'e'], cycle: ['d', 'e', 'd'] },
      { files: ['f'], cycle: ['f', 'f'] },
    ]);
    expect(
      importCycles(made([edge('a', 'b'), edge('b', 'c'), edge('a', 'c')]), { valueOnly: false }),
    ).toEqual([]);
  });

  it('leaves type-only edges out of the run-time graph only', () => {
    const g = made([edge('a', 'b'), edge('b', 'a', true)]);
    expect(importCycles(g, { valueOnly: true })).toEqual([]);
    expect(importCycles(g, { valueOnly: false })).toEqual([{ files: ['a', 'b'], cycle: ['a', 'b', 'a'] }]);
  });
});
