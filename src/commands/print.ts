import { safeText } from '../core/text/safe-text.js';

/**
 * What a subcommand writes to the terminal. Runbook text, journal values and AWS messages end up
 * in these lines, so each goes through safeText: no escape sequence from outside reaches the
 * terminal (an OSC 52 in a title would write the clipboard).
 */
export function printOut(text: string): void {
  process.stdout.write(safeText(text));
}

export function printErr(text: string): void {
  process.stderr.write(safeText(text));
}
