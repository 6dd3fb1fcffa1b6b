/**
 * Text from outside (a runbook, a command's output, an AWS error, a typed value) must never
 * drive the terminal: an OSC 52 in a runbook title writes the clipboard, an OSC 2 renames the
 * window, a CSI moves the cursor over the frame. This is the ONE filter every such text passes
 * before it is shown or written to a terminal.
 *
 * Removed: ESC-introduced sequences (CSI; OSC ended by BEL or ST; DCS, SOS, PM and APC up to ST;
 * two- and three-byte escapes; a lone ESC), their 8-bit C1 forms, every other C1 control
 * (U+0080-U+009F), DEL and the C0 controls except newline and tab. Everything else, all of
 * printable Unicode included, is kept as it is.
 *
 * A control string stops at its terminator or at the next ESC, whichever comes first (an ESC
 * inside a string cancels it in the terminal too), so text after an OSC 8 link is never eaten by
 * a BEL further on. One left open runs to the end of the text, as it would in the terminal.
 */

const PATTERN = new RegExp(
  [
    // OSC: ESC ] or C1 OSC, up to BEL, ST (ESC \ or C1 ST), or the next ESC.
    '(?:\\u001b\\]|\\u009d)[^\\u0007\\u001b\\u009c]*(?:\\u0007|\\u001b\\\\|\\u009c)?',
    // DCS, SOS, PM, APC: ESC P/X/^/_ or their C1 forms, up to ST or the next ESC.
    '(?:\\u001b[PX^_]|[\\u0090\\u0098\\u009e\\u009f])[^\\u001b\\u009c]*(?:\\u001b\\\\|\\u009c)?',
    // CSI: ESC [ or C1 CSI, parameters, intermediates, a final byte (a cut-off one too).
    '(?:\\u001b\\[|\\u009b)[\\u0030-\\u003f]*[\\u0020-\\u002f]*[\\u0040-\\u007e]?',
    // Other escapes: ESC, intermediates, a final byte (ESC c resets the terminal, ESC ( B ...).
    '\\u001b[\\u0020-\\u002f]*[\\u0030-\\u007e]?',
    // What is left: C0 (but \t and \n), DEL and C1.
    '[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]',
  ].join('|'),
  'g',
);

/** The text with every terminal control sequence and control character removed. Pure. */
export function safeText(text: string): string {
  return text.replace(PATTERN, '');
}

/** A copy of a JSON-like value with every string in it (object keys too) passed through safeText. */
export function safeStrings<T>(value: T): T {
  return cleanValue(value) as T;
}

function cleanValue(value: unknown): unknown {
  if (typeof value === 'string') return safeText(value);
  if (Array.isArray(value)) return value.map(cleanValue);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    // fromEntries defines properties, so a key named __proto__ stays a key.
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [safeText(key), cleanValue(inner)]),
    );
  }
  return value;
}
