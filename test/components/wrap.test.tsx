import { Box, Text } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { wrappedRows } from '../../src/components/wrap.js';
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
