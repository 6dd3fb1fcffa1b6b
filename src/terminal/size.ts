import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

/** The smallest terminal the layout is designed for. */
export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

export interface TerminalSize {
  columns: number;
  rows: number;
}

/**
 * A pty whose size was never set reports 0x0; laying out against that has been seen to grow an
 * Ink app past 500 MB. A missing or zero dimension is read as the classic 80x24.
 */
export function normalizeSize(columns: number | undefined, rows: number | undefined): TerminalSize {
  const usable = (value: number | undefined, fallback: number) =>
    value !== undefined && Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
  return { columns: usable(columns, MIN_COLUMNS), rows: usable(rows, MIN_ROWS) };
}

export function isTooSmall(size: TerminalSize): boolean {
  return size.columns < MIN_COLUMNS || size.rows < MIN_ROWS;
}

interface SizedStream {
  columns?: number;
  rows?: number;
  on(event: 'resize', listener: () => void): unknown;
  off(event: 'resize', listener: () => void): unknown;
}

/** The terminal's size, following resizes (Ink 6 has no useWindowSize). */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const stream = stdout as unknown as SizedStream;
  const [size, setSize] = useState(() => normalizeSize(stream.columns, stream.rows));
  useEffect(() => {
    const onResize = () => {
      const next = normalizeSize(stream.columns, stream.rows);
      setSize((previous) =>
        previous.columns === next.columns && previous.rows === next.rows ? previous : next,
      );
    };
    stream.on('resize', onResize);
    onResize();
    return () => {
      stream.off('resize', onResize);
    };
  }, [stream]);
  return size;
}
