import { Box, Text } from 'ink';
import { memo } from 'react';
import { type Theme, useTheme } from '../terminal/theme.js';
import { padTo } from './format.js';
import { wrapLines } from './wrap.js';

export type CellTone = 'ok' | 'warn' | 'danger' | 'muted';
export type Cell = string | { text: string; tone?: CellTone; bold?: boolean };

export interface TableColumn {
  key: string;
  title: string;
  /** Fixed width; columns without one share what is left. */
  width?: number;
  /**
   * As wide as its widest cell (or its title): a name or a count is whole beside room to spare.
   * When the row would not fit, the widest of these gives up columns first.
   */
  fit?: boolean;
  /**
   * The sentence of the row (a reason): takes the rest of the row and wraps, never cut. Narrower
   * than WRAP_MIN_COLUMNS it would be a tall thin strip, so it goes under its row, indented.
   */
  wrap?: boolean;
  align?: 'left' | 'right';
}

export interface TableProps {
  columns: TableColumn[];
  rows: Array<Record<string, Cell>>;
  width: number;
  /** Rows of the body shown at most (the header row comes on top). */
  maxRows: number;
  /** Lines of the body drawn at most, the "more" line included (a wrapped row takes several). */
  maxLines?: number;
  selected?: number;
}

const GAP = 1;
/** A wrapped column narrower than this goes under its row. */
export const WRAP_MIN_COLUMNS = 30;
/** The indent of a sentence drawn under its row. */
const UNDER_INDENT = 2;
/** A column that fits its content gives up columns down to this (or its title, if shorter). */
const FIT_MIN_COLUMNS = 6;

const cellText = (cell: Cell | undefined) => (typeof cell === 'string' ? cell : (cell?.text ?? ''));
const textWidth = (text: string) => [...text].length;

/** The widths of the columns drawn on the row (a wrapped column under its row is not one of them). */
export function columnWidths(
  columns: TableColumn[],
  width: number,
  rows: ReadonlyArray<Record<string, Cell>> = [],
): number[] {
  const content = columns.map((column) =>
    column.fit
      ? Math.max(textWidth(column.title), ...rows.map((row) => textWidth(cellText(row[column.key]))))
      : (column.width ?? 0),
  );
  const flexible = columns.filter((column) => column.width === undefined && !column.fit).length;
  const gaps = GAP * Math.max(0, columns.length - 1);
  // The widest fitted column gives up a column at a time until the row fits (a flexible column keeps one).
  const floor = content.map((w) => Math.min(w, FIT_MIN_COLUMNS));
  let over = content.reduce((sum, w) => sum + w, 0) + gaps + flexible - width;
  while (over > 0) {
    let widest = -1;
    columns.forEach((column, i) => {
      if (column.fit && content[i] > floor[i] && (widest < 0 || content[i] > content[widest])) widest = i;
    });
    if (widest < 0) break;
    content[widest]--;
    over--;
  }
  const used = content.reduce((sum, w) => sum + w, 0) + gaps;
  const share = flexible > 0 ? Math.max(1, Math.floor((width - used) / flexible)) : 0;
  return columns.map((column, i) => (column.width === undefined && !column.fit ? share : content[i]));
}

/** How the table is drawn at a width: the columns on the row, their widths, and the sentence's place. */
export interface TableLayout {
  columns: TableColumn[];
  widths: number[];
  /** The wrapped column, if any, and whether it goes under its row. */
  wrap?: { column: TableColumn; width: number; under: boolean };
}

export function tableLayout(
  columns: TableColumn[],
  rows: ReadonlyArray<Record<string, Cell>>,
  width: number,
): TableLayout {
  const wrapped = columns.find((column) => column.wrap);
  if (!wrapped) return { columns, widths: columnWidths(columns, width, rows) };
  const inline = columnWidths(columns, width, rows);
  const inlineWidth = inline[columns.indexOf(wrapped)];
  if (inlineWidth >= WRAP_MIN_COLUMNS)
    return { columns, widths: inline, wrap: { column: wrapped, width: inlineWidth, under: false } };
  const onRow = columns.filter((column) => column !== wrapped);
  return {
    columns: onRow,
    widths: columnWidths(onRow, width, rows),
    wrap: { column: wrapped, width: Math.max(1, width - UNDER_INDENT), under: true },
  };
}

/** The lines a row takes: one, or as many as its wrapped sentence needs. */
function rowLines(layout: TableLayout, row: Record<string, Cell>): number {
  if (!layout.wrap) return 1;
  const text = cellText(row[layout.wrap.column.key]);
  if (layout.wrap.under) return 1 + (text ? wrapLines(text, layout.wrap.width).length : 0);
  return text ? wrapLines(text, layout.wrap.width).length : 1;
}

/** The rows of the body shown: a window that keeps the selection in view, as many whole rows as the lines allow. */
function bodyWindow(
  lines: readonly number[],
  maxRows: number,
  selected: number | undefined,
  maxLines = Number.POSITIVE_INFINITY,
) {
  const count = lines.length;
  let start = 0;
  let end = Math.min(count, maxRows);
  if (count > maxRows && selected !== undefined) {
    start = Math.min(Math.max(0, selected - maxRows + 1), count - maxRows);
    end = start + maxRows;
  }
  const drawn = (to: number) =>
    lines.slice(start, to).reduce((sum, n) => sum + n, 0) + (start > 0 || to < count ? 1 : 0);
  // Whole rows only: none at all rather than one that pushes what is below the table off the screen.
  while (end > start && drawn(end) > maxLines) end--;
  return { start, end };
}

/** Rows the table takes at `width`: its header, each row shown (wrapped) and the "more" line. */
export function tableRows(props: Omit<TableProps, 'selected'> & { selected?: number }): number {
  const layout = tableLayout(props.columns, props.rows, props.width);
  const lines = props.rows.map((row) => rowLines(layout, row));
  const { start, end } = bodyWindow(lines, props.maxRows, props.selected, props.maxLines);
  const more = end - start < props.rows.length ? 1 : 0;
  return 1 + lines.slice(start, end).reduce((sum, n) => sum + n, 0) + more;
}

const toneColor = (tone: CellTone | undefined, theme: Theme) => (tone ? theme[tone] : undefined);

export const Table = memo(function Table({ columns, rows, width, maxRows, maxLines, selected }: TableProps) {
  const theme = useTheme();
  const layout = tableLayout(columns, rows, width);
  const { widths, wrap } = layout;
  const onRow = layout.columns;
  const { start, end } = bodyWindow(
    rows.map((row) => rowLines(layout, row)),
    maxRows,
    selected,
    maxLines,
  );
  const styleOf = (cell: Cell | undefined) => {
    const styled = typeof cell === 'object' ? cell : undefined;
    return { color: toneColor(styled?.tone, theme), bold: styled?.bold };
  };
  const sentence = (row: Record<string, Cell>, inverse: boolean) =>
    wrap ? (
      <Text wrap="wrap" inverse={inverse} {...styleOf(row[wrap.column.key])}>
        {wrapLines(cellText(row[wrap.column.key]), wrap.width).join('\n')}
      </Text>
    ) : null;
  return (
    <Box flexDirection="column" width={width} overflow="hidden">
      <Text wrap="truncate" bold color={theme.muted}>
        {onRow.map((column, i) => padTo(column.title, widths[i], column.align)).join(' '.repeat(GAP))}
      </Text>
      {rows.slice(start, end).map((row, offset) => {
        const index = start + offset;
        const inverse = index === selected;
        if (wrap && !wrap.under)
          // The sentence wraps in its column: each cell is a box of its width, side by side.
          return (
            <Box key={index} width={width}>
              {onRow.map((column, i) => (
                <Box key={column.key} width={widths[i]} marginLeft={i > 0 ? GAP : 0} flexShrink={0}>
                  {column === wrap.column ? (
                    sentence(row, inverse)
                  ) : (
                    <Text wrap="truncate" inverse={inverse} {...styleOf(row[column.key])}>
                      {padTo(cellText(row[column.key]), widths[i], column.align)}
                    </Text>
                  )}
                </Box>
              ))}
            </Box>
          );
        const line = (
          <Text key={index} wrap="truncate" inverse={inverse}>
            {onRow.map((column, i) => (
              <Text key={column.key} {...styleOf(row[column.key])}>
                {i > 0 ? ' '.repeat(GAP) : ''}
                {padTo(cellText(row[column.key]), widths[i], column.align)}
              </Text>
            ))}
          </Text>
        );
        if (!wrap || !cellText(row[wrap.column.key])) return line;
        return (
          <Box key={index} flexDirection="column" width={width}>
            {line}
            <Box paddingLeft={UNDER_INDENT} width={width}>
              {sentence(row, inverse)}
            </Box>
          </Box>
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
