/** Small text formatters shared by the components. Pure: times arrive as numbers. */

import { safeText } from '../core/text/safe-text.js';

/** 462000 -> '07:42'; an hour or more -> '1:02:03'. Negative counts as zero. */
export function formatClock(ms: number): string {
  const totalSeconds = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${two(minutes)}:${two(seconds)}`;
}

/** How long ago, coarse enough to read at a glance: 'just now', '12s ago', '3m ago', '2h ago'. */
export function formatAge(ms: number): string {
  if (ms < 1000) return 'just now';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  return `${Math.floor(minutes / 60)}h ago`;
}

/** Cut to `width` characters, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

export function padTo(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = truncate(text, width);
  return align === 'right' ? cut.padStart(width) : cut.padEnd(width);
}

/**
 * Output of a child process may carry colours, cursor moves or a clear-screen. Drawn raw, those
 * would tear the full-screen frame, so they are removed (by the one filter, safeText) and tabs
 * become spaces.
 */
export function sanitizeLine(line: string): string {
  return safeText(line).replace(/\t/g, '  ');
}
