import { Box } from 'ink';
import type { ReactNode } from 'react';

export const HEADER_ROWS = 2;
export const RAIL_COLUMNS = 24;

export interface FrameProps {
  /** The terminal size (already normalised: see useTerminalSize). */
  rows: number;
  columns: number;
  header: ReactNode;
  /** Optional phase rail on the left. */
  rail?: ReactNode;
  /** The rail's width (see railWidth); RAIL_COLUMNS when not given. */
  railWidth?: number;
  main: ReactNode;
  keybar: ReactNode;
  status: ReactNode;
}

/**
 * The size of the main panel, so screens can size charts and windows to it. The frame is one row
 * shorter than the terminal: an output as tall as the terminal makes Ink 6 clear and redraw the
 * whole screen on every frame (flicker), and anything taller wipes the scrollback.
 */
export function mainArea(
  rows: number,
  columns: number,
  /** Whether there is a rail (RAIL_COLUMNS wide), or its width; it has a column of margin. */
  rail: boolean | number,
): { width: number; height: number } {
  const height = Math.max(1, rows - 1 - HEADER_ROWS - 2);
  const railColumns = rail === true ? RAIL_COLUMNS : rail === false ? 0 : rail;
  const width = Math.max(1, columns - (railColumns > 0 ? railColumns + 1 : 0));
  return { width, height };
}

export function Frame({
  rows,
  columns,
  header,
  rail,
  railWidth = RAIL_COLUMNS,
  main,
  keybar,
  status,
}: FrameProps) {
  const { width, height } = mainArea(rows, columns, rail !== undefined && railWidth);
  return (
    <Box flexDirection="column" height={rows - 1} width={columns} overflow="hidden">
      <Box height={HEADER_ROWS} flexShrink={0} overflow="hidden">
        {header}
      </Box>
      <Box height={height} flexShrink={0} overflow="hidden">
        {rail !== undefined ? (
          <Box width={railWidth} marginRight={1} flexShrink={0} overflow="hidden">
            {rail}
          </Box>
        ) : null}
        <Box width={width} height={height} flexDirection="column" overflow="hidden">
          {main}
        </Box>
      </Box>
      <Box height={1} flexShrink={0} overflow="hidden">
        {keybar}
      </Box>
      <Box height={1} flexShrink={0} overflow="hidden">
        {status}
      </Box>
    </Box>
  );
}
