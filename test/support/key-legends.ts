import type { KeyContext } from '../../src/keys.js';

/**
 * The keys a frame prints outside the key bar and the help, by their table names: a form's keys
 * line, a question's choices, and a screen's own hints ("r: run it again", "enter: decide").
 */
const PRINTED: Record<string, string[]> = {
  enter: ['enter'],
  esc: ['escape'],
  tab: ['tab'],
  space: ['space'],
  '↑/↓': ['up', 'down'],
  '^x': ['ctrl+x'],
  '^c': ['ctrl+c'],
};

const named = (printed: string): string[] => PRINTED[printed] ?? [printed];

/** The form's keys line: "enter submit · tab next field · ↑/↓ choose · esc cancel · ^x abort & roll back". */
function formLegend(lines: string[]): string[] {
  const line = lines.find((l) => l.includes('enter submit'));
  if (!line) return [];
  const inner = line.replace(/^\s*│\s*/, '').replace(/\s*│\s*$/, '');
  return inner.split(' · ').flatMap((part) => named(part.split(' ')[0]));
}

/** A question's choices, each drawn as " key " then its label: "enter  detach    x  ABORT…    esc  cancel". */
function questionChoices(lines: string[]): string[] {
  const line = lines.find((l) => /│\s+(enter|esc)\s{2}\S/.test(l));
  if (!line) return [];
  const tokens = line
    .split(/\s{2,}/)
    .map((t) => t.trim())
    .filter((t) => t !== '' && t !== '│');
  return tokens.filter((_, i) => i % 2 === 0).flatMap(named);
}

/**
 * A screen's hints: "space: mark done", "r: run it again", "enter: decide", and the abort key it
 * draws ("x ABORT & ROLL BACK", "x still rolls back at once").
 */
function screenHints(lines: string[]): string[] {
  const keys: string[] = [];
  for (const line of lines)
    for (const match of line.matchAll(
      /(?:^|[\s·│])(space|enter|esc|[a-zA-Z?]): \S|\b(x) (?:ABORT|still rolls back)/g,
    ))
      keys.push(...named(match[1] ?? match[2]));
  return keys;
}

export function printedKeys(frame: string, ctx: KeyContext): string[] {
  const lines = frame.split('\n');
  if (ctx.overlay === 'form') return formLegend(lines);
  if (ctx.overlay === 'confirm') return questionChoices(lines);
  if (ctx.overlay === undefined) return screenHints(lines);
  return [];
}
