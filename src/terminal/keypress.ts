/**
 * The one keypress parser for what the terminal sends.
 *
 * Ink 6 hands `useInput` a run of plain characters as ONE string, so `xxx` typed fast (or
 * arriving in one chunk over a laggy SSH link) looks like a paste, and a paste is never a key:
 * `x` (abort and roll back) pressed in a burst would do nothing. Here a chunk becomes one press
 * per code point, escape sequences kept whole, and only text between the bracketed paste
 * markers (ESC[200~ ... ESC[201~, which the terminal sends once BRACKETED_PASTE_ON is written)
 * is a paste.
 *
 * Feed it the strings of Ink's `internal_eventEmitter` 'input' event or raw chunks. Each push
 * is taken as complete: Ink already joins sequences split across reads and waits before it
 * emits a lone ESC, and holding a partial sequence here would glue it to the next key (ESC[
 * then x would read as one unknown sequence and swallow the x). Only a paste spans pushes.
 */

export { BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON } from './alt-screen.js';

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';
const ESC = '\x1b';

export interface KeyPress {
  kind: 'key';
  /**
   * 'x' for both x and X (see `shift`), '1', '/', 'space', 'return' (\r and \n: in raw mode
   * Enter is \r, but some terminals and pipes send \n), 'tab', 'backspace' (\x7f and \b),
   * 'escape', 'up', 'down', 'left', 'right', 'home', 'end', 'pageup', 'pagedown', 'insert',
   * 'delete', 'f1'..'f12'; the letter for ctrl+letter; '' for a sequence we do not know.
   */
  name: string;
  /** The text the key types: the character itself, '' for keys that type nothing (arrows, return, ctrl+c). */
  input: string;
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
  /** The bytes as received. */
  sequence: string;
}

export interface PasteEvent {
  kind: 'paste';
  /** Exactly what was pasted, newlines (usually \r) and escape bytes included. */
  text: string;
}

export type TerminalInput = KeyPress | PasteEvent;

export interface KeypressParser {
  push(chunk: string): TerminalInput[];
  /** Ends a paste whose end marker never came, so keys (and `x`) work again: call it after a quiet spell while `pasting()`. */
  flush(): TerminalInput[];
  pasting(): boolean;
}

const LETTER_KEYS: Record<string, string> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  F: 'end',
  H: 'home',
  P: 'f1',
  Q: 'f2',
  R: 'f3',
  S: 'f4',
};
const TILDE_KEYS: Record<string, string> = {
  1: 'home',
  2: 'insert',
  3: 'delete',
  4: 'end',
  5: 'pageup',
  6: 'pagedown',
  7: 'home',
  8: 'end',
  15: 'f5',
  17: 'f6',
  18: 'f7',
  19: 'f8',
  20: 'f9',
  21: 'f10',
  23: 'f11',
  24: 'f12',
};

type Key = Omit<KeyPress, 'kind' | 'sequence'>;
const key = (name: string, input = '', mods: Partial<Key> = {}): Key => ({
  name,
  input,
  ctrl: false,
  meta: false,
  shift: false,
  ...mods,
});

const codePointLength = (s: string, i: number) => ((s.codePointAt(i) ?? 0) > 0xffff ? 2 : 1);

/** Length of the escape sequence starting at s[i] (an ESC). */
function escapeLength(s: string, i: number): number {
  const next = s[i + 1];
  if (next === undefined) return 1;
  if (next === '[') {
    let j = i + 2;
    while (j < s.length && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x3f) j++;
    const final = s.charCodeAt(j);
    // A byte that cannot end a CSI (a control char like \x03) is a key of its own, not swallowed.
    return (final >= 0x40 && final <= 0x7e ? j + 1 : j) - i;
  }
  if (next === 'O' && i + 2 < s.length) return 3;
  // ESC ESC [ A is how some terminals send alt+up.
  if (next === ESC && (s[i + 2] === '[' || s[i + 2] === 'O')) return 1 + escapeLength(s, i + 1);
  return 1 + codePointLength(s, i + 1);
}

function describe(seq: string): Key {
  const csi = /^\x1b\[(\d*)(?:;(\d+))?([A-Z~])$/.exec(seq) ?? /^\x1bO()()([A-Z])$/.exec(seq);
  if (csi) {
    const [, number, modifier, final] = csi;
    const name = final === '~' ? TILDE_KEYS[number] : final === 'Z' ? 'tab' : LETTER_KEYS[final];
    // xterm modifier parameter: 1 + (shift 1 | alt 2 | ctrl 4 | meta 8).
    const bits = Math.max(0, Number(modifier || 1) - 1);
    const mods = {
      shift: (bits & 1) !== 0 || final === 'Z',
      meta: (bits & 10) !== 0,
      ctrl: (bits & 4) !== 0,
    };
    return name ? key(name, '', mods) : key('');
  }
  if (seq.startsWith(ESC) && seq.length > 1) {
    // ESC before one character or a whole sequence is alt/meta; anything longer is a sequence we do not know.
    const rest = seq.slice(1);
    const meta = rest.startsWith(ESC) || rest.length === codePointLength(rest, 0);
    return meta ? { ...describe(rest), meta: true } : key('');
  }
  if (seq === '\r' || seq === '\n') return key('return');
  if (seq === '\t') return key('tab');
  if (seq === '\x7f' || seq === '\b') return key('backspace');
  if (seq === ESC) return key('escape');
  if (seq === ' ') return key('space', ' ');
  const code = seq.codePointAt(0) ?? 0;
  if (code === 0) return key('space', '', { ctrl: true });
  if (code <= 26) return key(String.fromCharCode(code + 0x60), '', { ctrl: true });
  if (code < 0x20) return key(String.fromCharCode(code + 0x40), '', { ctrl: true });
  return key(seq.toLowerCase(), seq, { shift: /^[A-Z]$/.test(seq) });
}

export function createKeypressParser(): KeypressParser {
  // undefined while outside a bracketed paste; the text so far while inside one.
  let paste: string | undefined;
  const push = (chunk: string): TerminalInput[] => {
    if (paste !== undefined) {
      // Search only where the end marker could newly start, so a paste in many chunks stays linear.
      const from = Math.max(0, paste.length - PASTE_END.length + 1);
      const text = paste + chunk;
      const end = text.indexOf(PASTE_END, from);
      if (end === -1) {
        paste = text;
        return [];
      }
      paste = undefined;
      return [{ kind: 'paste', text: text.slice(0, end) }, ...push(text.slice(end + PASTE_END.length))];
    }
    const out: TerminalInput[] = [];
    let i = 0;
    while (i < chunk.length) {
      const length = chunk[i] === ESC ? escapeLength(chunk, i) : codePointLength(chunk, i);
      const sequence = chunk.slice(i, i + length);
      i += length;
      if (sequence === PASTE_START) {
        paste = '';
        return [...out, ...push(chunk.slice(i))];
      }
      // An end marker without its start (the start was lost) carries nothing to act on.
      if (sequence !== PASTE_END) out.push({ kind: 'key', ...describe(sequence), sequence });
    }
    return out;
  };
  return {
    push,
    flush() {
      const text = paste;
      paste = undefined;
      return text ? [{ kind: 'paste', text }] : [];
    },
    pasting: () => paste !== undefined,
  };
}

/** The part of Ink's `Key` the app reads; a superset of `InkKey` in keys.ts. */
export interface InkKeyFlags {
  upArrow: boolean;
  downArrow: boolean;
  leftArrow: boolean;
  rightArrow: boolean;
  return: boolean;
  escape: boolean;
  ctrl: boolean;
  tab: boolean;
  backspace: boolean;
  delete: boolean;
  meta: boolean;
  shift: boolean;
}

/** No flag set: a plain key. */
export const NO_KEY: InkKeyFlags = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  return: false,
  escape: false,
  ctrl: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  shift: false,
};

/**
 * One press as the `(input, key)` pair Ink's `useInput` would give for it alone, so code
 * written for `useInput` (`matchKey`, form typing) can be fed one press at a time. Unlike
 * Ink, \x7f is `backspace` (Ink calls it `delete`); ESC[3~ is `delete`.
 */
export function inkKeyOf(press: KeyPress): { input: string; key: InkKeyFlags } {
  const { name } = press;
  return {
    input: press.ctrl ? (name.length === 1 ? name : '') : press.input,
    key: {
      upArrow: name === 'up',
      downArrow: name === 'down',
      leftArrow: name === 'left',
      rightArrow: name === 'right',
      return: name === 'return',
      escape: name === 'escape',
      ctrl: press.ctrl,
      tab: name === 'tab',
      backspace: name === 'backspace',
      delete: name === 'delete',
      meta: press.meta,
      shift: press.shift,
    },
  };
}
