import { Box, Text } from 'ink';
import { memo } from 'react';
import { useTheme } from '../terminal/theme.js';
import { sanitizeLine } from './format.js';

export interface CommandLogProps {
  lines: readonly string[];
  /** Total rows the pane takes, the footer row included. */
  height: number;
  width: number;
  /** How many lines back from the newest (0 follows the output as it arrives). */
  scrollOffset: number;
}

/** Which lines are visible: [start, end) of `total`, `rows` tall, `offset` lines back from the end. */
export function visibleWindow(total: number, rows: number, offset: number): { start: number; end: number } {
  const maxOffset = Math.max(0, total - rows);
  const back = Math.min(Math.max(0, offset), maxOffset);
  const end = total - back;
  return { start: Math.max(0, end - rows), end };
}

/** A fixed-height pane over live output: never grows the frame, scrolls back with j/k. */
export const CommandLog = memo(function CommandLog({ lines, height, width, scrollOffset }: CommandLogProps) {
  const theme = useTheme();
  const rows = Math.max(1, height - 1);
  const { start, end } = visibleWindow(lines.length, rows, scrollOffset);
  const shown = lines.slice(start, end).map(sanitizeLine);
  const padding = Array.from({ length: rows - shown.length }, () => '');
  const following = end === lines.length;
  const footer =
    lines.length === 0
      ? 'no output yet'
      : `lines ${start + 1}-${end} of ${lines.length}${following ? '' : ` · ${lines.length - end} newer below (j)`}`;
  return (
    <Box flexDirection="column" height={height} width={width} overflow="hidden">
      {[...shown, ...padding].map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows of a fixed window are positions, not items
        <Text key={index} wrap="truncate">
          {line || ' '}
        </Text>
      ))}
      <Text wrap="truncate" color={theme.muted}>
        {footer}
      </Text>
    </Box>
  );
});
