import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
// @ts-expect-error a build script in plain JavaScript
import { patchYogaWasm, yogaWasmFile } from '../../scripts/yoga-wasm-patch.mjs';

const REPO = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
afterEach(() => {
  vi.unstubAllGlobals();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface YogaNode {
  setWidth(width: number): void;
  setHeight(height: number): void;
  insertChild(child: YogaNode, index: number): void;
  setFlexGrow(grow: number): void;
  calculateLayout(width?: number, height?: number): void;
  getComputedWidth(): number;
}

describe("yoga's wasm, compiled from its bytes", () => {
  it('no longer fetches: the loader lays out a tree with fetch gone from the process', async () => {
    const patched = patchYogaWasm(readFileSync(yogaWasmFile(REPO), 'utf8'));
    expect(patched).not.toContain('typeof fetch');
    const dir = mkdtempSync(join(tmpdir(), 'yoga-patch-'));
    dirs.push(dir);
    const file = join(dir, 'yoga-wasm.mjs');
    writeFileSync(file, patched);
    const fetch = vi.fn(() => {
      throw new Error('fetch was called');
    });
    vi.stubGlobal('fetch', fetch);

    const load = (await import(pathToFileURL(file).href)).default as () => Promise<unknown>;
    // yoga's own wrapper over the raw module, as its loadYoga does.
    const wrapper = join(REPO, 'node_modules', 'yoga-layout', 'dist', 'src', 'wrapAssembly.js');
    const wrap = (await import(pathToFileURL(wrapper).href)).default as (lib: unknown) => {
      Node: { create(): YogaNode };
    };
    const yoga = wrap(await load());
    const root = yoga.Node.create();
    const child = yoga.Node.create();
    root.setWidth(120);
    root.setHeight(40);
    child.setFlexGrow(1);
    root.insertChild(child, 0);
    root.calculateLayout();

    expect(child.getComputedWidth()).toBe(120);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('stops the build when the loader it patches has changed', () => {
    expect(() => patchYogaWasm('export default 1;')).toThrow(/yoga-layout's wasm loader changed/);
  });
});
