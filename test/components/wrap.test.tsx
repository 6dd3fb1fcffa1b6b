import { Box, Text } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { wrapLines, wrappedRows } from '../../src/components/wrap.js';
import { stripAnsi, tick } from './render-helpers.js';

/** The rows Ink itself draws for `text` wrapped in a box `width` wide. */
async function inkRows(text: string, width: number): Promise<number> {
  const instance = render(
    <Box width={width} flexDirection="column">
      <Text wrap="wrap">{text}</Text>
    </Box>,
  );
  await tick();
  const frame = stripAnsi(instance.lastFrame() ?? '');
  instance.unmount();
  return frame.split('\n').length;
}

const SENTENCES = [
  'Stage 2 (25%) needs a decision: 11 of 11 samples breached the no-go limits; the stage does not advance on its own.',
  'short',
  'x',
  'a word-that-is-much-longer-than-the-row-it-is-drawn-in-and-must-be-cut-across-rows then more words',
  'two  spaces  between   words and a trailing space ',
  'exactly-ten exactly-ten exactly-ten',
  '! Traffic will not move: the change window closed at 22:00 UTC; record a new window or override it with a reason.',
];

describe('wrappedRows', () => {
  it('counts the rows Ink draws for a wrapped sentence, at widths from 8 to 60', async () => {
    for (const text of SENTENCES)
      for (let width = 8; width <= 60; width += 2)
        expect({ text, width, rows: wrappedRows(text, width) }).toEqual({
          text,
          width,
          rows: await inkRows(text, width),
        });
  }, 60_000);
});

describe('wrapLines', () => {
  it('breaks where Ink breaks, never starts a row with the space the row before filled up at', async () => {
    for (const text of SENTENCES)
      for (let width = 8; width <= 60; width += 1) {
        const lines = wrapLines(text, width);
        // As many rows as Ink draws for the sentence, none wider than the row.
        expect({ text, width, rows: lines.length }).toEqual({ text, width, rows: wrappedRows(text, width) });
        for (const line of lines) expect([...line].length).toBeLessThanOrEqual(width);
        // A row starts with a space only where the sentence itself has two in a row.
        for (const line of lines.slice(1))
          if (line.startsWith(' ')) expect(text).toContain(`  ${line.trimStart().split(' ')[0]}`);
        // Nothing lost: the words come back in order.
        expect(lines.join(' ').split(/ +/).join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
      }
  });

  it('a reason that fills a row exactly: the next row starts at the column of the others', () => {
    // 10 columns: "0123456789" fills the first row; Ink would draw the next one as " next" (the
    // breaks stay Ink's, the space is not drawn).
    expect(wrapLines('0123456789 next words', 10)).toEqual(['0123456789', 'next', 'words']);
    expect(wrapLines('0123456789 next word', 10)).toEqual(['0123456789', 'next word']);
  });
});
