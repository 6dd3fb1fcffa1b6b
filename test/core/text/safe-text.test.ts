import { describe, expect, it } from 'vitest';
import { safeStrings, safeText } from '../../../src/core/text/safe-text.js';

const ESC = '\u001b';
const BEL = '\u0007';
const ST = `${ESC}\\`;

describe('safeText', () => {
  it('removes OSC 0, 2 and 52 ended by BEL or ST, keeping the text around them', () => {
    expect(safeText(`a${ESC}]0;icon and title${BEL}b`)).toBe('ab');
    expect(safeText(`Shop ${ESC}]2;pwned${BEL}promotion`)).toBe('Shop promotion');
    expect(safeText(`x${ESC}]52;c;SGVsbG8=${BEL}y`)).toBe('xy');
    expect(safeText(`x${ESC}]52;c;SGVsbG8=${ST}y`)).toBe('xy');
  });

  it('keeps the text of an OSC 8 link and what follows it, even with a BEL further on', () => {
    const link = `${ESC}]8;;https://example.com${ST}the docs${ESC}]8;;${ST}`;
    expect(safeText(`see ${link} now${BEL} and later`)).toBe('see the docs now and later');
    expect(safeText(`${ESC}]8;;https://example.com${BEL}label${ESC}]8;;${BEL} tail`)).toBe('label tail');
  });

  it('removes CSI colours, cursor moves, clears and private modes', () => {
    expect(safeText(`${ESC}[31mred${ESC}[0m ${ESC}[2J${ESC}[H${ESC}[?1049h${ESC}[10;20Hok`)).toBe('red ok');
    expect(safeText(`${ESC}[38;5;196mx${ESC}[m`)).toBe('x');
  });

  it('removes DCS, SOS, PM and APC strings up to ST', () => {
    expect(safeText(`a${ESC}P+q544e${ST}b`)).toBe('ab');
    expect(safeText(`a${ESC}_Gf=100;AAAA${ST}b${ESC}^pm${ST}c${ESC}Xsos${ST}d`)).toBe('abcd');
  });

  it('removes other escapes and a lone ESC', () => {
    expect(safeText(`a${ESC}cb${ESC}(Bc${ESC}7d`)).toBe('abcd');
    expect(safeText(`end${ESC}`)).toBe('end');
  });

  it('removes C1 controls, including 8-bit CSI and OSC with their payload', () => {
    expect(safeText('a\u009b31mb')).toBe('ab');
    expect(safeText('a\u009d52;c;SGVsbG8=\u0007b')).toBe('ab');
    expect(safeText('a\u009d2;t\u009cb\u0085c\u008ed')).toBe('abcd');
    expect(safeText('a\u0090q\u009cb')).toBe('ab');
  });

  it('removes C0 controls and DEL but keeps newline and tab', () => {
    expect(safeText('a\u0000b\u0007c\bd\re\u007ff\u001ag')).toBe('abcdefg');
    expect(safeText('line one\n\tline two')).toBe('line one\n\tline two');
  });

  it('removes an OSC left open to the end, as the terminal would hide it', () => {
    expect(safeText(`title ${ESC}]2;pwned`)).toBe('title ');
  });

  it('keeps ordinary unicode as it is', () => {
    const text = 'Déploiement → PROD ✓ 日本語 🚀 Ünïcödé — “quotes” € ½ █▇▆';
    expect(safeText(text)).toBe(text);
    expect(safeText('')).toBe('');
  });

  it('is idempotent', () => {
    const hostile = `x${ESC}]52;c;SGVsbG8=${BEL}${ESC}[31my\u009bz${ESC}`;
    expect(safeText(safeText(hostile))).toBe(safeText(hostile));
  });
});

describe('safeStrings', () => {
  it('cleans every string of a nested value, keys included, and leaves other values alone', () => {
    const value = {
      title: `T${ESC}]2;x${BEL}`,
      list: [`a${ESC}[1m`, 3, true, null],
      env: { [`K${ESC}[0m`]: 'v' },
      nested: { deep: [{ text: 'ok\u0085' }] },
    };
    expect(safeStrings(value)).toEqual({
      title: 'T',
      list: ['a', 3, true, null],
      env: { K: 'v' },
      nested: { deep: [{ text: 'ok' }] },
    });
  });
});
