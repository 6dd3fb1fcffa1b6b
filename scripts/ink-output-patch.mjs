// Ink's frame assembly (ink/build/output.js), made to remember what did not change between frames.
//
// Ink builds every frame from nothing: a grid of 120x40 fresh cell objects, every line of text cut
// into styled characters again (ANSI tokenising, string widths), every row turned back into a string
// by comparing each cell's styles with its neighbour's. On the canary screen that was 31 ms a frame
// at the median and 190 ms at p99 on a busy 2-core machine (bench/abort, frames), and a key that
// arrives during a frame waits for it: the abort key among them. Most of a frame is the previous
// frame again (a clock, a countdown and a chart column move), so this keeps across frames:
//   - the styled characters of each line of text and the width of each string (Ink keeps both for
//     one frame only);
//   - one shared blank cell instead of a new object per empty cell (cells are replaced, never changed);
//   - each row's finished string, reused while the row holds the very same cell objects.
// Output is the same string Ink would write (test/scripts/ink-output-patch.test.ts compares the two
// over changing frames). The bundle (scripts/build.mjs) loads this in place of Ink's file; the tests
// and anything run from src/ use Ink's own. Ink is pinned to an exact version: when its file changes,
// the build stops here and says so rather than ship a half-applied patch.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Each edit: the exact text in Ink's output.js, and what takes its place. */
const EDITS = [
  {
    what: 'caches kept across frames',
    find: 'export default class Output {',
    replace: `// Kept across frames (conductor): the same lines come back frame after frame.
const SHARED_CACHES = new OutputCaches();
const CACHE_LIMIT = 20000;
// Shared by every empty cell: cells are replaced, never changed.
const BLANK_CELL = Object.freeze({ type: 'char', value: ' ', fullWidth: false, styles: Object.freeze([]) });
// Each row of the last frame: its cells and the string they made.
let previousRows = [];
export default class Output {`,
  },
  {
    what: 'the shared caches',
    find: '    caches = new OutputCaches();',
    replace: '    caches = SHARED_CACHES;',
  },
  {
    what: 'a bound on the caches',
    find: `    get() {
        // Initialize output array with a specific set of rows, so that margin/padding at the bottom is preserved
        const output = [];`,
    replace: `    get() {
        if (this.caches.styledChars.size + this.caches.widths.size + this.caches.blockWidths.size > CACHE_LIMIT) {
            this.caches.styledChars.clear();
            this.caches.widths.clear();
            this.caches.blockWidths.clear();
        }
        // Initialize output array with a specific set of rows, so that margin/padding at the bottom is preserved
        const output = [];`,
  },
  {
    what: 'the shared blank cell',
    find: `                row.push({
                    type: 'char',
                    value: ' ',
                    fullWidth: false,
                    styles: [],
                });`,
    replace: '                row.push(BLANK_CELL);',
  },
  {
    what: 'rows reused while their cells are the same',
    find: `        const generatedOutput = output
            .map(line => {
            // See https://github.com/vadimdemedes/ink/pull/564#issuecomment-1637022742
            const lineWithoutEmptyItems = line.filter(item => item !== undefined);
            return styledCharsToString(lineWithoutEmptyItems).trimEnd();
        })
            .join('\\n');`,
    replace: `        const rows = output.map((line, y) => {
            // See https://github.com/vadimdemedes/ink/pull/564#issuecomment-1637022742
            const cells = line.filter(item => item !== undefined);
            const before = previousRows[y];
            if (before && before.cells.length === cells.length && before.cells.every((cell, x) => cell === cells[x]))
                return before;
            return { cells, text: styledCharsToString(cells).trimEnd() };
        });
        previousRows = rows;
        const generatedOutput = rows.map(row => row.text).join('\\n');`,
  },
];

/** Ink's output.js with the edits applied; throws naming the edit Ink's file no longer fits. */
export function patchInkOutput(source) {
  let patched = source;
  for (const edit of EDITS) {
    const at = patched.indexOf(edit.find);
    if (at < 0 || patched.indexOf(edit.find, at + 1) >= 0)
      throw new Error(
        `scripts/ink-output-patch.mjs: Ink's build/output.js changed (${edit.what} no longer fits); update the patch for the installed Ink or remove it from scripts/build.mjs.`,
      );
    patched = patched.slice(0, at) + edit.replace + patched.slice(at + edit.find.length);
  }
  return patched;
}

/** The file the patch applies to, in the installed Ink. */
export function inkOutputFile(repo) {
  return join(repo, 'node_modules', 'ink', 'build', 'output.js');
}

/** esbuild plugin: Ink's output.js comes patched, its imports resolved where Ink's are. */
export function inkOutputPlugin(repo) {
  const file = inkOutputFile(repo);
  return {
    name: 'ink-output-patch',
    setup(build) {
      build.onLoad({ filter: /[\\/]ink[\\/]build[\\/]output\.js$/ }, (args) => {
        if (args.path !== file) return undefined;
        return { contents: patchInkOutput(readFileSync(file, 'utf8')), loader: 'js', resolveDir: dirname(file) };
      });
    },
  };
}
