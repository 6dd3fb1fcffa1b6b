import { describe, expect, it } from 'vitest';
import { type KeyContext, keyName, matchKey } from '../../src/keys.js';
import {
  BRACKETED_PASTE_OFF,
  BRACKETED_PASTE_ON,
  createKeypressParser,
  inkKeyOf,
  type KeyPress,
  type TerminalInput,
} from '../../src/terminal/keypress.js';

const START = '\x1b[200~';
const END = '\x1b[201~';

/** Every push's output, in order. */
function parse(...chunks: string[]): TerminalInput[] {
  const parser = createKeypressParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
}

/** The names of the presses, pastes shown as paste:<text>. */
function names(...chunks: string[]): string[] {
  return parse(...chunks).map((event) => (event.kind === 'paste' ? `paste:${event.text}` : event.name));
}

function onlyKey(chunk: string): KeyPress {
  const events = parse(chunk);
  expect(events).toHaveLength(1);
  const [event] = events;
  if (event.kind !== 'key') throw new Error(`expected a key, got a paste of ${JSON.stringify(event.text)}`);
  return event;
}

/** keyName of the press, as the dispatcher in keys.ts would see it from useInput. */
const nameOf = (chunk: string) => {
  const { input, key } = inkKeyOf(onlyKey(chunk));
  return keyName(input, key);
};

describe('a chunk becomes key presses', () => {
  it('splits a burst of x into three presses', () => {
    const events = parse('xxx');
    expect(events).toHaveLength(3);
    for (const event of events)
      expect(event).toMatchObject({ kind: 'key', name: 'x', input: 'x', sequence: 'x' });
  });

  it('splits three backspaces', () => {
    expect(names('\x7f\x7f\x7f')).toEqual(['backspace', 'backspace', 'backspace']);
    expect(names('\b')).toEqual(['backspace']);
  });

  it('splits letters around a tab', () => {
    expect(names('ab\tc')).toEqual(['a', 'b', 'tab', 'c']);
  });

  it('keeps an escape sequence whole inside a raw chunk', () => {
    const events = parse('x\x1b[Ax');
    expect(events.map((e) => (e.kind === 'key' ? e.sequence : e.text))).toEqual(['x', '\x1b[A', 'x']);
    expect(names('x\x1b[Ax')).toEqual(['x', 'up', 'x']);
  });

  it('reads the events Ink emits one after another', () => {
    expect(names('xx', '\x1b[B', 'j', '\r')).toEqual(['x', 'x', 'down', 'j', 'return']);
  });

  it('keeps an emoji (a surrogate pair) as one press', () => {
    const events = parse('👍é👍');
    expect(events.map((e) => (e.kind === 'key' ? e.input : ''))).toEqual(['👍', 'é', '👍']);
  });

  it('reads ctrl+c and ctrl+x as ctrl with their letter', () => {
    const [c, x] = parse('\x03\x18');
    expect(c).toMatchObject({ name: 'c', ctrl: true, input: '' });
    expect(x).toMatchObject({ name: 'x', ctrl: true, input: '' });
  });

  it('reads a lone escape as escape, and does not glue it to the next key', () => {
    expect(onlyKey('\x1b')).toMatchObject({ name: 'escape', meta: false });
    expect(names('\x1b', 'x')).toEqual(['escape', 'x']);
  });

  it('names enter, space, shifted letters and digits', () => {
    expect(names('\r\n')).toEqual(['return', 'return']);
    expect(onlyKey(' ')).toMatchObject({ name: 'space', input: ' ' });
    expect(onlyKey('N')).toMatchObject({ name: 'n', input: 'N', shift: true });
    expect(onlyKey('n')).toMatchObject({ name: 'n', shift: false });
    expect(names('7/?')).toEqual(['7', '/', '?']);
  });

  it('names arrows, delete and the navigation keys in their common forms', () => {
    expect(names('\x1b[A\x1b[B\x1b[C\x1b[D')).toEqual(['up', 'down', 'right', 'left']);
    expect(names('\x1bOA\x1bOB\x1bOC\x1bOD')).toEqual(['up', 'down', 'right', 'left']);
    expect(names('\x1b[3~\x1b[H\x1b[F\x1b[1~\x1b[4~\x1b[5~\x1b[6~')).toEqual([
      'delete',
      'home',
      'end',
      'home',
      'end',
      'pageup',
      'pagedown',
    ]);
    expect(onlyKey('\x1b[1;5A')).toMatchObject({ name: 'up', ctrl: true, shift: false });
    expect(onlyKey('\x1b[Z')).toMatchObject({ name: 'tab', shift: true });
  });

  it('reads ESC before a character as meta', () => {
    expect(onlyKey('\x1bx')).toMatchObject({ name: 'x', input: 'x', meta: true, sequence: '\x1bx' });
    expect(onlyKey('\x1b\x1b[A')).toMatchObject({ name: 'up', meta: true });
    expect(onlyKey('\x1b\x1b')).toMatchObject({ name: 'escape', meta: true });
  });

  it('names an unknown sequence "" and still reads the keys after it', () => {
    const events = parse('\x1b[<0;12;5Mx\x1b[99~');
    expect(events).toMatchObject([
      { kind: 'key', name: '', sequence: '\x1b[<0;12;5M' },
      { kind: 'key', name: 'x' },
      { kind: 'key', name: '', sequence: '\x1b[99~' },
    ]);
    // A byte that cannot end a sequence is not swallowed into it: ESC[ is alt+[, then ctrl+c.
    expect(parse('\x1b[\x03')).toMatchObject([
      { name: '[', meta: true },
      { name: 'c', ctrl: true },
    ]);
  });
});

describe('bracketed paste', () => {
  it('turns the paste on and off with the standard sequences', () => {
    expect(BRACKETED_PASTE_ON).toBe('\x1b[?2004h');
    expect(BRACKETED_PASTE_OFF).toBe('\x1b[?2004l');
  });

  it('reads everything between the markers as one paste', () => {
    expect(parse(`${START}hello\nworld${END}`)).toEqual([{ kind: 'paste', text: 'hello\nworld' }]);
  });

  it('does not read an x inside a paste as a key, and reads keys around it', () => {
    expect(names(`a${START}x\x1b[Ax${END}x`)).toEqual(['a', 'paste:x\x1b[Ax', 'x']);
  });

  it('joins a paste split over several pushes, end marker split too', () => {
    const parser = createKeypressParser();
    expect(parser.push(`${START}hel`)).toEqual([]);
    expect(parser.pasting()).toBe(true);
    expect(parser.push('lo x\x1b[20')).toEqual([]);
    expect(parser.push('1~x')).toMatchObject([
      { kind: 'paste', text: 'hello x' },
      { kind: 'key', name: 'x' },
    ]);
    expect(parser.pasting()).toBe(false);
  });

  it('reads a paste delivered the way Ink emits it (markers as their own events)', () => {
    expect(names(START, 'ab', '\x1b[A', 'c', END, 'x')).toEqual(['paste:ab\x1b[Ac', 'x']);
  });

  it('gives back an unterminated paste on flush, after which keys work again', () => {
    const parser = createKeypressParser();
    expect(parser.push(`${START}half`)).toEqual([]);
    expect(parser.push('x')).toEqual([]);
    expect(parser.flush()).toEqual([{ kind: 'paste', text: 'halfx' }]);
    expect(parser.flush()).toEqual([]);
    expect(parser.push('x')).toMatchObject([{ kind: 'key', name: 'x' }]);
  });

  it('drops an end marker whose start was lost', () => {
    expect(names(`${END}x`)).toEqual(['x']);
  });
});

describe('inkKeyOf feeds the dispatcher in keys.ts one press at a time', () => {
  it('gives the names the key table uses', () => {
    expect(nameOf(' ')).toBe('space');
    expect(nameOf('\r')).toBe('enter');
    expect(nameOf('\n')).toBe('enter');
    expect(nameOf('\x1b')).toBe('escape');
    expect(nameOf('\x1b[A')).toBe('up');
    expect(nameOf('\x1bOB')).toBe('down');
    expect(nameOf('\t')).toBe('tab');
    expect(nameOf('\x03')).toBe('ctrl+c');
    expect(nameOf('\x18')).toBe('ctrl+x');
    expect(nameOf('x')).toBe('x');
    expect(nameOf('N')).toBe('N');
    expect(nameOf('?')).toBe('?');
  });

  it('gives the key flags and input Ink would give', () => {
    expect(inkKeyOf(onlyKey('\x7f'))).toMatchObject({ input: '', key: { backspace: true, delete: false } });
    expect(inkKeyOf(onlyKey('\x1b[3~'))).toMatchObject({
      input: '',
      key: { delete: true, backspace: false },
    });
    expect(inkKeyOf(onlyKey('\x1b[D')).key.leftArrow).toBe(true);
    expect(inkKeyOf(onlyKey('\x1b[C')).key.rightArrow).toBe(true);
    expect(inkKeyOf(onlyKey('N')).key.shift).toBe(true);
    expect(inkKeyOf(onlyKey('\x1bq'))).toMatchObject({ input: 'q', key: { meta: true } });
    expect(inkKeyOf(onlyKey('\x03'))).toMatchObject({ input: 'c', key: { ctrl: true } });
  });

  it('aborts on every x of a burst while traffic is shifted', () => {
    const ctx: KeyContext = { screen: 'canary', trafficShifted: true, running: false };
    const bindings = parse('xxx').map((event) => {
      if (event.kind !== 'key') throw new Error('expected keys');
      const { input, key } = inkKeyOf(event);
      return matchKey(input, key, ctx)?.id;
    });
    expect(bindings).toEqual(['abort', 'abort', 'abort']);
  });

  it('aborts on ctrl+x, not x, inside a form', () => {
    const ctx: KeyContext = { screen: 'canary', overlay: 'form', trafficShifted: true, running: false };
    const idOf = (chunk: string) => {
      const { input, key } = inkKeyOf(onlyKey(chunk));
      return matchKey(input, key, ctx)?.id;
    };
    expect(idOf('x')).toBeUndefined();
    expect(idOf('\x18')).toBe('abort');
  });
});
