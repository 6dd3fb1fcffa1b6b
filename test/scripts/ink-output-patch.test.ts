import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error a build script in plain JavaScript
import { inkOutputFile, patchInkOutput } from '../../scripts/ink-output-patch.mjs';

const REPO = join(import.meta.dirname, '..', '..');

interface Output {
  write(x: number, y: number, text: string, options: { transformers: Array<(s: string) => string> }): void;
  clip(clip: { x1?: number; x2?: number; y1?: number; y2?: number }): void;
  unclip(): void;
  get(): { output: string; height: number };
}
type OutputClass = new (size: { width: number; height: number }) => Output;

/** Ink's output.js (as given) bundled on its own, its imports resolved where Ink's are. */
async function load(dir: string, name: string, source: string): Promise<OutputClass> {
  const esbuild = await import('esbuild');
  const file = join(dir, `${name}.mjs`);
  const built = await esbuild.build({
    stdin: { contents: source, resolveDir: dirname(inkOutputFile(REPO)), loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
  });
  writeFileSync(file, built.outputFiles[0].text);
  return (await import(pathToFileURL(file).href)).default as OutputClass;
}

type Op =
  | { kind: 'write'; x: number; y: number; text: string; upper: boolean }
  | { kind: 'clip'; x1: number; x2: number; y1: number; y2: number }
  | { kind: 'unclip' };

const red = (s: string) => `\x1b[31m${s}\x1b[39m`;
const bold = (s: string) => `\x1b[1m${s}\x1b[22m`;
const piece = fc.constantFrom('abc', '0.12%', '┤', '╭╮', '✓ PASS', '界', '👍', ' ', 'ROLLBACK', '██░░');
const styled = fc
  .tuple(
    piece,
    fc.constantFrom<(s: string) => string>(
      (s) => s,
      red,
      bold,
      (s) => red(bold(s)),
    ),
  )
  .map(([text, style]) => style(text));
const text = fc
  .array(styled, { minLength: 1, maxLength: 4 })
  .chain((parts) => fc.constantFrom(parts.join(''), `${parts.join('')}\n${parts.reverse().join('')}`));
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      x: fc.nat(14),
      y: fc.nat(5),
      text,
      upper: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('clip' as const),
      x1: fc.nat(6),
      x2: fc.integer({ min: 6, max: 16 }),
      y1: fc.nat(2),
      y2: fc.integer({ min: 2, max: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'unclip' as const }) },
);

function draw(Output: OutputClass, ops: Op[]): string {
  const output = new Output({ width: 16, height: 6 });
  let clips = 0;
  for (const o of ops) {
    if (o.kind === 'write')
      output.write(o.x, o.y, o.text, { transformers: o.upper ? [(s: string) => s.toUpperCase()] : [] });
    else if (o.kind === 'clip') {
      output.clip(o);
      clips++;
    } else if (clips > 0) {
      output.unclip();
      clips--;
    }
  }
  return output.get().output;
}

describe("Ink's frame assembly, patched to remember across frames (scripts/ink-output-patch.mjs)", () => {
  let dir: string;
  let Original: OutputClass;
  let Patched: OutputClass;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'conductor-ink-output-'));
    const source = readFileSync(inkOutputFile(REPO), 'utf8');
    Original = await load(dir, 'original', source);
    Patched = await load(dir, 'patched', patchInkOutput(source));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes what Ink writes, frame after frame, as lines come, stay, move and go', () => {
    // Several frames in a row through the same patched module: what it kept from one frame must
    // never show in the next where Ink would draw something else.
    fc.assert(
      fc.property(fc.array(fc.array(op, { maxLength: 12 }), { minLength: 1, maxLength: 6 }), (frames) => {
        for (const ops of frames) expect(draw(Patched, ops)).toBe(draw(Original, ops));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an Ink whose file it no longer fits, naming the edit', () => {
    const source = readFileSync(inkOutputFile(REPO), 'utf8');
    expect(() => patchInkOutput(source.replace('caches = new OutputCaches();', 'caches = x;'))).toThrow(
      /Ink's build\/output\.js changed \(the shared caches no longer fits\)/,
    );
  });
});
