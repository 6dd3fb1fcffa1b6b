import { describe, expect, it } from 'vitest';
import { importGraph } from './import-graph.js';

// The layers of DESIGN.md and the one direction of imports: "screens/components -> core (the
// engine reaches screens through hooks); engine -> core and services; services -> core types and
// libraries; core -> nothing of ours but core. wiring/ is the only place that knows both the engine
// and the sandbox. No screen calls AWS or execa."

const graph = importGraph(process.cwd());

/** `src/engine/runners/canary.ts` is in `engine`; a file at the top of src/ is its own layer (`keys`). */
function layerOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? parts[1] : parts[1].replace(/\.(ts|tsx)$/, '');
}

/** Each import of `layer` that reaches a layer not in `allowed`, as `file:line -> target`. */
function importsOutside(layer: string, allowed: string[], options: { typesToo?: string[] } = {}): string[] {
  return graph.edges
    .filter((e) => layerOf(e.from) === layer)
    .filter((e) => {
      const to = layerOf(e.to);
      if (to === layer || allowed.includes(to)) return false;
      return !(e.typeOnly && options.typesToo?.includes(to));
    })
    .map((e) => `${e.from}:${e.line} -> ${e.to}${e.typeOnly ? ' (type)' : ''}`);
}

describe('the layers of src/', () => {
  it('core imports nothing of ours but core', () => {
    expect(importsOutside('core', [])).toEqual([]);
  });

  it('the engine imports core and services only', () => {
    expect(importsOutside('engine', ['core', 'services'])).toEqual([]);
  });

  it('services import core and the shared error sentences only', () => {
    // errors.ts (one sentence for a failure, exit codes) sits beside the layers, below them all.
    expect(importsOutside('services', ['core', 'errors'])).toEqual([]);
    expect(importsOutside('errors', [])).toEqual([]);
  });

  it('components import core, the terminal and the key table only', () => {
    expect(importsOutside('components', ['core', 'terminal', 'keys'])).toEqual([]);
  });

  it('screens import components, core, the terminal and the key table; of the engine only types', () => {
    // DESIGN.md says screens -> core; two screen files name the engine's Waiting type (what the
    // engine asks of the person). A type is allowed, never code: the engine reaches screens
    // through hooks.
    expect(
      importsOutside('screens', ['components', 'core', 'terminal', 'keys'], { typesToo: ['engine'] }),
    ).toEqual([]);
  });

  it('the sandbox never imports the engine or a screen: it is the world the engine talks to', () => {
    expect(importsOutside('sandbox', ['core', 'services'])).toEqual([]);
  });

  it('only wiring/ knows both the engine and the sandbox', () => {
    const knowing = (layer: string) =>
      new Set(graph.edges.filter((e) => layerOf(e.to) === layer).map((e) => e.from));
    const engine = knowing('engine');
    const both = [...knowing('sandbox')].filter((file) => engine.has(file) && layerOf(file) !== 'wiring');
    expect(both).toEqual([]);
  });

  it('no screen or component calls AWS or runs a process', () => {
    const forbidden = /^(@aws-sdk\/|@smithy\/|execa$|node:child_process$|child_process$)/;
    const calls = graph.packages
      .filter((p) => ['screens', 'components', 'terminal'].includes(layerOf(p.from)))
      .filter((p) => forbidden.test(p.specifier))
      .map((p) => `${p.from}:${p.line} -> ${p.specifier}`);
    expect(calls).toEqual([]);
  });
});
