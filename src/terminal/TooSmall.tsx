import { Box, Text } from 'ink';
import { MIN_COLUMNS, MIN_ROWS, type TerminalSize } from './size.js';

/** Shown instead of a broken layout; says that nothing stopped, only the drawing. */
export function TooSmall({ size }: { size: TerminalSize }) {
  return (
    <Box flexDirection="column">
      <Text wrap="wrap">
        This terminal is {size.columns}x{size.rows}; conductor needs at least {MIN_COLUMNS}x{MIN_ROWS}.
      </Text>
      <Text wrap="wrap">Make the window larger. The session keeps running; x still aborts.</Text>
    </Box>
  );
}
