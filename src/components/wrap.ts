/**
 * How many rows Ink gives a wrapped line of plain text, so a screen that lets a sentence wrap can
 * take those rows from something that can give them up (a chart, a table) instead of losing its
 * bottom row (the abort key). Ink wraps with wrap-ansi (hard, no trimming); this counts the same
 * way: words move whole to the next row, a word longer than a row is cut across rows, and each
 * space between words takes a column even at the end of a row.
 */
export function wrappedRows(text: string, width: number): number {
  const columns = Math.max(1, Math.floor(width));
  let rows = 0;
  for (const line of text.split('\n')) rows += lineRows(line, columns);
  return rows;
}

function lineRows(line: string, columns: number): number {
  let rows = 1;
  let used = 0;
  const words = line.split(' ');
  words.forEach((word, index) => {
    const length = [...word].length;
    if (index > 0) {
      if (used >= columns) {
        rows++;
        used = 0;
      }
      used++;
    }
    if (length > columns) {
      const thisRow = 1 + Math.floor((length - (columns - used) - 1) / columns);
      const nextRow = Math.floor((length - 1) / columns);
      if (nextRow < thisRow) {
        rows++;
        used = 0;
      }
      for (let i = 0; i < length; i++) {
        used++;
        if (used === columns && i < length - 1) {
          rows++;
          used = 0;
        }
      }
      return;
    }
    if (used + length > columns && used > 0 && length > 0) {
      rows++;
      used = 0;
    }
    used += length;
  });
  return rows;
}
