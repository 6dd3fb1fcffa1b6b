import { Box, Text } from 'ink';
import { memo } from 'react';
import { type Theme, useTheme } from '../terminal/theme.js';
import { padTo } from './format.js';

export type CellTone = 'ok' | 'warn' | 'danger' | 'muted';
export type Cell = string | { text: string; tone?: CellTone; bold?: boolean };

export interface TableColumn {
  key: string;
  title: string;
  /** Fixed width; columns without one share what is left. */
  width?: number;
  align?: 'left' | 'right';
}

export interface TableProps {
  columns: TableColumn[];
  rows: Array<Record<string, Cell>>;
  width: number;
  /** Rows of the body shown at most (the header row comes on top). */
  maxRows: number;
  selected?: number;
}

const GAP = 1;

export function columnWidths(columns: TableColumn[], width: number): number[] {
  const fixed = columns.reduce((sum, column) => sum + (column.width ?? 0), 0);
  const flexible = columns.filter((column) => column.width === undefined).length;
  const gaps = GAP * Math.max(0, columns.length - 1);
  const share = flexible > 0 ? Math.max(1, Math.floor((width - fixed - gaps) / flexible)) : 0;
  return columns.map((column) => column.width ?? share);
}

const toneColor = (tone: CellTone | undefined, theme: Theme) => (tone ? theme[tone] : undefined);

/** A window of rows that keeps the selection in view. */
function bodyWindow(count: number, maxRows: number, selected: number | undefined) {
  if (count <= maxRows || selected === undefined) return { start: 0, end: Math.min(count, maxRows) };
  const start = Math.min(Math.max(0, selected - maxRows + 1), count - maxRows);
  return { start, end: start + maxRows };
}

export const Table = memo(function Table({ columns, rows, width, maxRows, selected }: TableProps) {
  const theme = useTheme();
  const widths = columnWidths(columns, width);
  const { start, end } = bodyWindow(rows.length, maxRows, selected);
  const cellText = (cell: Cell | undefined) => (typeof cell === 'string' ? cell : (cell?.text ?? ''));
  return (
    <Box flexDirection="column" width={width} overflow="hidden">
      <Text wrap="truncate" bold color={theme.muted}>
        {columns.map((column, i) => padTo(column.title, widths[i], column.align)).join(' '.repeat(GAP))}
      </Text>
      {rows.slice(start, end).map((row, offset) => {
        const index = start + offset;
        return (
          <Text key={index} wrap="truncate" inverse={index === selected}>
            {columns.map((column, i) => {
              const cell = row[column.key];
              const styled = typeof cell === 'object' ? cell : undefined;
              return (
                <Text key={column.key} color={toneColor(styled?.tone, theme)} bold={styled?.bold}>
                  {i > 0 ? ' '.repeat(GAP) : ''}
                  {padTo(cellText(cell), widths[i], column.align)}
                </Text>
              );
            })}
          </Text>
        );
      })}
      {rows.length > end - start ? (
        <Text color={theme.muted} wrap="truncate">
          {start > 0 ? `↑ ${start} more ` : ''}
          {end < rows.length ? `↓ ${rows.length - end} more` : ''}
        </Text>
      ) : null}
    </Box>
  );
});
