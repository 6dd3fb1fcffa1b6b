import { formatDuration } from '../runbook/duration.js';

/**
 * How the report writes times, numbers and table cells. Times are printed in a fixed UTC offset
 * passed in (the reader's zone is not known to pure code), so the same journal gives the same text.
 */

const pad = (n: number) => String(n).padStart(2, '0');

/** "UTC", "UTC+2", "UTC-5:30". */
export function zoneName(utcOffsetMinutes: number): string {
  if (utcOffsetMinutes === 0) return 'UTC';
  const sign = utcOffsetMinutes > 0 ? '+' : '-';
  const abs = Math.abs(utcOffsetMinutes);
  const minutes = abs % 60;
  return `UTC${sign}${Math.floor(abs / 60)}${minutes ? `:${pad(minutes)}` : ''}`;
}

/** "2025-12-25 14:00:00" in the given offset (the seed's 6.4 style, without the zone). */
export function formatTime(ms: number, utcOffsetMinutes: number): string {
  const d = new Date(ms + utcOffsetMinutes * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}`;
}

/** "2025-12-25 14:00:00 UTC+2". */
export function formatZonedTime(ms: number, utcOffsetMinutes: number): string {
  return `${formatTime(ms, utcOffsetMinutes)} ${zoneName(utcOffsetMinutes)}`;
}

/** "14:00:00", for tables whose date is obvious from the header. */
export function formatClock(ms: number, utcOffsetMinutes: number): string {
  return formatTime(ms, utcOffsetMinutes).slice(11);
}

export function isoTime(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

export function durationText(ms: number | undefined): string {
  return ms === undefined ? '-' : formatDuration(Math.max(0, ms));
}

export function percentText(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return `${Number(value.toFixed(value < 1 ? 3 : 2))}%`;
}

export function msText(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return `${Math.round(value)} ms`;
}

/** A value safe inside a Markdown table cell: no pipes breaking columns, no line breaks. */
export function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '-';
  return String(value).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>): string[] {
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

/** The last part of a path: a log file is named, its folder is the session's. */
export function baseName(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1];
}

/**
 * Slack incoming-webhook URLs are secrets. Notification texts never hold one by design; this is
 * the last line of defence so a report can be shared.
 */
export function withoutWebhooks(text: string): string {
  return text.replace(/https?:\/\/hooks\.slack(?:-gov)?\.com\/\S*/gi, '[webhook URL removed]');
}
