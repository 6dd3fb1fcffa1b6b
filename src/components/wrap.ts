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

/**
 * A sentence cut into the rows it is drawn on at `width`, for a place that draws the rows itself
 * (a table's wrapped column). The rows break where Ink breaks them (as many as wrappedRows counts),
 * but a row never starts with the space at which the row before it filled up: Ink draws that space,
 * and a column of wrapped reasons then has rows one column to the right of the others.
 */
export function wrapLines(text: string, width: number): string[] {
  const columns = Math.max(1, Math.floor(width));
  return text.split('\n').flatMap((line) => lineWrapped(line, columns));
}

function lineWrapped(line: string, columns: number): string[] {
  const rows = [''];
  let used = 0;
  const newRow = () => {
    rows.push('');
    used = 0;
  };
  const put = (text: string, width: number) => {
    rows[rows.length - 1] += text;
    used += width;
  };
  line.split(' ').forEach((word, index) => {
    const chars = [...word];
    if (index > 0) {
      // The row filled up exactly at this space: Ink carries the space to the next row. It still
      // counts here (the breaks stay Ink's), but it is not drawn.
      if (used >= columns) {
        newRow();
        used = 1;
      } else put(' ', 1);
    }
    if (chars.length > columns) {
      // A word longer than a row is cut across rows, starting on a fresh row when that saves one.
      const thisRow = 1 + Math.floor((chars.length - (columns - used) - 1) / columns);
      const nextRow = Math.floor((chars.length - 1) / columns);
      if (nextRow < thisRow && used > 0) newRow();
      chars.forEach((char, i) => {
        put(char, 1);
        if (used === columns && i < chars.length - 1) newRow();
      });
      return;
    }
    if (used + chars.length > columns && used > 0 && chars.length > 0) {
      // The word goes to the next row; the space before it stays at the end of this one.
      newRow();
    }
    put(word, chars.length);
  });
  return rows.map((row) => row.replace(/ +$/, ''));
}
