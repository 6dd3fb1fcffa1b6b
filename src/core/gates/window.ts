import { formatDuration } from '../runbook/duration.js';

/**
 * The maintenance window of a PROD session: traffic moves only inside it, unless the conductor
 * overrides with a recorded reason (issue #3).
 *
 * Decisions taken where the seed is silent:
 * - The window is [start, end): at exactly `end` it is closed.
 * - Written times without a zone are UTC. Core cannot know the operator's zone without I/O, and a
 *   guess would differ between laptops; every message repeats the window in UTC so a wrong zone shows.
 * - An override needs a non-blank reason; a blank one is no override.
 */
export interface MaintenanceWindow {
  /** Epoch ms, inclusive. */
  start: number;
  /** Epoch ms, exclusive. */
  end: number;
}

export interface WindowStatus {
  open: boolean;
  message: string;
  opensIn?: number;
  closesIn?: number;
}

function utcMinute(ms: number): { day: string; time: string } {
  const iso = new Date(ms).toISOString();
  return { day: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/** "2026-11-29 20:00-22:00 UTC", or with both dates when the window crosses midnight. */
export function formatWindow(window: MaintenanceWindow): string {
  const from = utcMinute(window.start);
  const to = utcMinute(window.end);
  return from.day === to.day
    ? `${from.day} ${from.time}-${to.time} UTC`
    : `${from.day} ${from.time} - ${to.day} ${to.time} UTC`;
}

export function windowStatus(
  window: MaintenanceWindow | undefined,
  now: number,
  override?: { reason: string },
): WindowStatus {
  const overrideReason = override?.reason.trim();
  const inside = window !== undefined && now >= window.start && now < window.end;
  if (inside) {
    return {
      open: true,
      message: `Inside the maintenance window ${formatWindow(window)}; it closes in ${formatDuration(window.end - now)}.`,
      closesIn: window.end - now,
    };
  }
  if (overrideReason) {
    const where = window
      ? `outside the maintenance window ${formatWindow(window)}`
      : 'without a maintenance window';
    return { open: true, message: `Traffic may move ${where}: overridden, reason "${overrideReason}".` };
  }
  if (window === undefined) {
    return {
      open: false,
      message:
        'No maintenance window is declared; declare one (e.g. 2026-11-29 20:00-22:00) or override with a reason.',
    };
  }
  if (now < window.start) {
    return {
      open: false,
      message: `The maintenance window ${formatWindow(window)} opens in ${formatDuration(window.start - now)}; traffic waits until then, or override with a reason.`,
      opensIn: window.start - now,
    };
  }
  return {
    open: false,
    message: `The maintenance window ${formatWindow(window)} closed ${now - window.end < 60_000 ? 'just now' : `${formatDuration(now - window.end)} ago`}; declare a new window or override with a reason.`,
  };
}

const DATE = String.raw`(\d{4})-(\d{2})-(\d{2})`;
const TIME = String.raw`(\d{1,2}):(\d{2})`;
const ZONE = String.raw`(Z|UTC|GMT|(?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?)`;
/** "2026-11-29 20:00-22:00" or "2026-11-29 23:00 - 2026-11-30 01:00", optionally followed by a zone. */
const WRITTEN = new RegExp(
  String.raw`^${DATE}[ T]${TIME}\s*(?:-|–|to)\s*(?:${DATE}[ T])?${TIME}(?:\s*${ZONE})?$`,
  'i',
);
/** One end of an ISO interval: "2026-11-29T20:00Z", "2026-11-29T20:00:00+02:00". */
const ISO_POINT = new RegExp(String.raw`^${DATE}T${TIME}(?::(\d{2}))?(?:\.\d+)?${ZONE}$`, 'i');

/** Offset of a zone in minutes east of UTC; undefined when unreadable. */
function zoneOffsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined) return 0;
  const text = zone.toUpperCase().replace(/^(UTC|GMT)/, '');
  if (text === '' || text === 'Z') return 0;
  const match = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(text);
  if (!match) return undefined;
  const hours = Number(match[2]);
  const minutes = Number(match[3] ?? 0);
  if (hours > 14 || minutes > 59) return undefined;
  return (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** Epoch ms of a wall-clock time in a zone; undefined for impossible dates such as 2026-02-30 or 25:00. */
function toEpoch(
  year: string,
  month: string,
  day: string,
  hour: string,
  minute: string,
  offsetMinutes: number,
): number | undefined {
  const [y, mo, d, h, mi] = [year, month, day, hour, minute].map(Number);
  if (h > 23 || mi > 59 || mo < 1 || mo > 12 || d < 1) return undefined;
  const utc = Date.UTC(y, mo - 1, d, h, mi);
  if (new Date(utc).getUTCDate() !== d) return undefined;
  return utc - offsetMinutes * 60_000;
}

const EXAMPLE = 'write it like "2026-11-29 20:00-22:00" (UTC) or "2026-11-29T20:00Z/2026-11-29T22:00Z"';

/**
 * Read a window the conductor typed. Returns the window, or one sentence saying what is wrong.
 * A window that has already ended is refused: it could never let traffic move.
 */
export function parseWindow(text: string, now: number): MaintenanceWindow | string {
  const input = text.trim();
  let window: MaintenanceWindow | undefined;

  if (input.includes('/')) {
    const [from, to, ...rest] = input.split('/').map((part) => part.trim());
    const a = ISO_POINT.exec(from);
    const b = ISO_POINT.exec(to ?? '');
    if (rest.length > 0 || !a || !b) {
      return `"${input}" is not a window I can read: each end of an ISO window needs a date, a time and a zone; ${EXAMPLE}.`;
    }
    const offsetA = zoneOffsetMinutes(a[7]);
    const offsetB = zoneOffsetMinutes(b[7]);
    const start = offsetA === undefined ? undefined : toEpoch(a[1], a[2], a[3], a[4], a[5], offsetA);
    const end = offsetB === undefined ? undefined : toEpoch(b[1], b[2], b[3], b[4], b[5], offsetB);
    if (start === undefined || end === undefined) {
      return `"${input}" contains a date, time or zone that does not exist; ${EXAMPLE}.`;
    }
    window = { start, end };
  } else {
    const m = WRITTEN.exec(input);
    if (!m) return `"${input}" is not a window I can read; ${EXAMPLE}.`;
    // Groups: 1-3 start date, 4-5 start time, 6-8 optional end date, 9-10 end time, 11 zone.
    const offset = zoneOffsetMinutes(m[11]);
    if (offset === undefined)
      return `"${m[11]}" is not a time zone I can read; use UTC, Z or an offset like +02:00.`;
    const start = toEpoch(m[1], m[2], m[3], m[4], m[5], offset);
    const end = m[6]
      ? toEpoch(m[6], m[7], m[8], m[9], m[10], offset)
      : toEpoch(m[1], m[2], m[3], m[9], m[10], offset);
    if (start === undefined || end === undefined) {
      return `"${input}" contains a date or time that does not exist; ${EXAMPLE}.`;
    }
    window = { start, end };
  }

  if (window.end <= window.start) {
    return `The window ${formatWindow(window)} ends before it starts; for a window across midnight give both dates (e.g. "2026-11-29 23:00 - 2026-11-30 01:00").`;
  }
  if (window.end <= now) {
    return `The window ${formatWindow(window)} has already ended; declare one that is still to come.`;
  }
  return window;
}
