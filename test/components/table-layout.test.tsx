import { describe, expect, it } from 'vitest';
import {
  type Cell,
  columnWidths,
  Table,
  type TableColumn,
  tableLayout,
  tableRows,
  WRAP_MIN_COLUMNS,
} from '../../src/components/Table.js';
import { frameOf, stripAnsi } from './render-helpers.js';

const columns: TableColumn[] = [
  { key: 'target', title: 'target', fit: true },
  { key: 'requests', title: 'requests', fit: true },
  { key: 'why', title: 'why', wrap: true },
];
const WHY =
  'Error rate 1.6% over the no-go limit of 1.0% for 3 samples in a row; p95 260 ms (+30% vs baseline 200 ms) over the no-go limit of +10%.';
const rows: Array<Record<string, Cell>> = [
  { target: 'bbws-prod-product-lambda prod', requests: '12345 / 98765', why: WHY },
  { target: 'bbws-prod-api prod', requests: '10 / 30', why: '' },
];

/** The frame's lines with trailing spaces trimmed, and the whole of it as one spaced line. */
async function drawn(width: number, maxLines?: number, body = rows) {
  const frame = stripAnsi(
    await frameOf(<Table columns={columns} rows={body} width={width} maxRows={5} maxLines={maxLines} />),
  );
  const lines = frame.split('\n').map((line) => line.trimEnd());
  return { lines, joined: lines.join(' ').replace(/\s+/g, ' ') };
}

describe('Table: columns sized to their content, a sentence that wraps', () => {
  it('draws names and counts whole beside room to spare, the why taking the rest and wrapping', async () => {
    const { lines, joined } = await drawn(90);
    expect(lines[0]).toMatch(/^target\s+requests\s+why$/);
    expect(lines[1].startsWith('bbws-prod-product-lambda prod 12345 / 98765 Error rate')).toBe(true);
    // The fitted columns are as wide as their widest cell, not a share of the width.
    expect(columnWidths(columns, 90, rows).slice(0, 2)).toEqual([29, 13]);
    expect(joined).toContain(WHY);
    expect(joined).not.toContain('…');
    // The wrapped rows stay in the why column.
    expect(lines[2].startsWith(' '.repeat(44))).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(90);
    expect(lines.length).toBe(tableRows({ columns, rows, width: 90, maxRows: 5 }));
  });

  it('puts the why under its row, indented, when the rest of the row is too narrow for it', async () => {
    const layout = tableLayout(columns, rows, 60);
    expect(layout.wrap?.under).toBe(true);
    expect(60 - 29 - 13 - 2).toBeLessThan(WRAP_MIN_COLUMNS);
    const { lines, joined } = await drawn(60);
    expect(lines[1]).toBe('bbws-prod-product-lambda prod 12345 / 98765');
    expect(lines[2].startsWith('  Error rate 1.6%')).toBe(true);
    expect(joined).toContain(WHY);
    // A row without a why takes one line.
    expect(lines.at(-1)).toBe('bbws-prod-api prod            10 / 30');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
    expect(lines.length).toBe(tableRows({ columns, rows, width: 60, maxRows: 5 }));
  });

  it('gives up columns from the widest fitted column when the row cannot fit', async () => {
    const widths = columnWidths(columns.slice(0, 2), 30, rows);
    expect(widths).toEqual([16, 13]);
    const frame = stripAnsi(
      await frameOf(<Table columns={columns.slice(0, 2)} rows={rows} width={30} maxRows={5} />),
    );
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(30);
    expect(frame).toContain('bbws-prod-produ… 12345 / 98765');
  });

  it('shows whole rows within its lines and says how many more there are', async () => {
    const three = [...rows, { target: 'bbws-prod-order-lambda prod', requests: '5 / 15', why: '' }];
    // The first row takes 4 lines (its why wraps to 3 under it): with the "more" line, 5.
    const { lines, joined } = await drawn(60, 5, three);
    expect(joined).toContain(WHY);
    expect(joined).not.toContain('bbws-prod-api prod');
    expect(lines.at(-1)).toBe('↓ 2 more');
    expect(lines.length).toBe(1 + 5);
    expect(tableRows({ columns, rows: three, width: 60, maxRows: 5, maxLines: 5 })).toBe(1 + 5);
    // A row that does not fit whole is not drawn: what is below the table stays on the screen.
    const tight = await drawn(60, 3, three);
    expect(tight.lines).toEqual(['target                        requests', '↓ 3 more']);
  });
});
