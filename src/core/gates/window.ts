import { formatDuration } from '../runbook/duration.js';
import type { Promotion } from '../runbook/schema.js';
import { stageTimeLeft } from '../session/selectors.js';
import type { SessionState } from '../session/state.js';

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
const DASH = String.raw`\s*(?:-|–|to)\s*`;
/** "2026-11-29 20:00-22:00" or "2026-11-29 23:00 - 2026-11-30 01:00", optionally followed by a zone. */
const WRITTEN = new RegExp(
  String.raw`^${DATE}[ T]${TIME}${DASH}(?:${DATE}[ T])?${TIME}(?:\s*${ZONE})?$`,
  'i',
);
/** "02:00-04:00": today, optionally followed by a zone. */
const TIMES_ONLY = new RegExp(String.raw`^${TIME}${DASH}${TIME}(?:\s*${ZONE})?$`, 'i');
/** One end of an ISO interval: "2026-11-29T20:00Z", "2026-11-29T20:00:00+02:00". */
const ISO_POINT = new RegExp(String.raw`^${DATE}T${TIME}(?::(\d{2}))?(?:\.\d+)?${ZONE}$`, 'i');

const DAY = 24 * 3_600_000;

/**
 * What the start form's window field says it accepts; every form it names is read by parseWindow.
 * A runbook has no time zone of its own, so a window without one is UTC.
 */
export const WINDOW_HINT = 'HH:MM-HH:MM UTC, today; 22:00-02:00 ends next day';

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
  year: string | number,
  month: string | number,
  day: string | number,
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

const EXAMPLE =
  'write it like "02:00-04:00" (today, UTC), "2026-11-29 20:00-22:00" (UTC) or "2026-11-29T20:00Z/2026-11-29T22:00Z"';

/**
 * "02:00-04:00" read at `now`: today in the zone (UTC unless one is written), an end at or before
 * the start meaning the next day. A window across midnight that opened yesterday and is still open
 * ("22:00-02:00" typed at 01:00) is that one, not tonight's.
 */
function todaysWindow(m: RegExpExecArray, now: number): MaintenanceWindow | string {
  const offset = zoneOffsetMinutes(m[5]);
  if (offset === undefined)
    return `"${m[5]}" is not a time zone I can read; use UTC, Z or an offset like +02:00.`;
  const today = new Date(now + offset * 60_000);
  const [y, mo, d] = [today.getUTCFullYear(), today.getUTCMonth() + 1, today.getUTCDate()];
  const start = toEpoch(y, mo, d, m[1], m[2], offset);
  let end = toEpoch(y, mo, d, m[3], m[4], offset);
  if (start === undefined || end === undefined)
    return `"${m[0].trim()}" contains a time that does not exist; ${EXAMPLE}.`;
  if (end === start) return `The window "${m[0].trim()}" starts and ends at the same time; give its end.`;
  if (end < start) {
    end += DAY;
    if (now >= start - DAY && now < end - DAY) return { start: start - DAY, end: end - DAY };
  }
  return { start, end };
}

/** "2026-11-30 02:00-04:00": the date a window given as times only would need to be tomorrow's. */
function tomorrowExample(window: MaintenanceWindow): string {
  const from = utcMinute(window.start + DAY);
  const to = utcMinute(window.end + DAY);
  return `${from.day} ${from.time}-${to.time}`;
}

/**
 * Read a window the conductor typed. Returns the window, or one sentence saying what is wrong.
 * A window that has already ended is refused: it could never let traffic move.
 */
export function parseWindow(text: string, now: number): MaintenanceWindow | string {
  const input = text.trim();
  let window: MaintenanceWindow | undefined;
  let timesOnly = false;

  const times = TIMES_ONLY.exec(input);
  if (times) {
    const today = todaysWindow(times, now);
    if (typeof today === 'string') return today;
    window = today;
    timesOnly = true;
  } else if (input.includes('/')) {
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
    let end = m[6]
      ? toEpoch(m[6], m[7], m[8], m[9], m[10], offset)
      : toEpoch(m[1], m[2], m[3], m[9], m[10], offset);
    if (start === undefined || end === undefined) {
      return `"${input}" contains a date or time that does not exist; ${EXAMPLE}.`;
    }
    // One date and an end before the start ("2026-11-29 23:00-01:00"): the end is the next day.
    if (!m[6] && end < start) end += DAY;
    window = { start, end };
  }

  if (window.end <= window.start) {
    return `The window ${formatWindow(window)} ends before it starts; give an end after its start.`;
  }
  if (window.end <= now) {
    return timesOnly
      ? `Today's window ${formatWindow(window)} has already ended; for tomorrow's give the date (e.g. "${tomorrowExample(window)}").`
      : `The window ${formatWindow(window)} has already ended; declare one that is still to come.`;
  }
  return window;
}

/**
 * How long the canary still needs, as planned: the holds of its stages still to run (what is left of
 * the current one) and the monitoring after it (what is left of a running one). Extensions already
 * granted count; pauses do not.
 */
export function canaryTimeLeft(state: SessionState, promotion: Promotion, now: number): number {
  let left = 0;
  for (const phase of promotion.phases) {
    for (const step of phase.steps) {
      const status = state.steps.find((s) => s.id === step.id)?.status;
      if (status === 'passed' || status === 'skipped') continue;
      if (step.kind === 'canary') {
        if (state.canary?.step === step.id && state.canary.promoted) continue;
        const stages = state.canary?.step === step.id ? state.canary.stages : [];
        const current = stages.at(-1);
        step.stages.forEach((stage, index) => {
          if (!current || index > current.index) left += stage.hold;
          else if (index === current.index && current.completedAt === undefined)
            left += stageTimeLeft(current, now);
        });
      } else if (step.kind === 'monitor') {
        const running = state.canary?.monitor?.step === step.id ? state.canary.monitor : undefined;
        left += running ? Math.max(0, running.startedAt + running.durationMs - now) : step.duration;
      }
    }
  }
  return left;
}

export interface WindowWarning {
  kind: 'warn' | 'danger';
  text: string;
}

/**
 * What the canary and checklist screens say about the maintenance window: that it has closed, or
 * that it will close before the canary's planned end (a canary that has not started yet starts no
 * earlier than the window opens). Nothing once the session or its rollback is over, and nothing for
 * a promotion without a canary or a session without a window (the traffic guard speaks of those).
 */
export function windowWarning(
  state: SessionState,
  promotion: Promotion,
  now: number,
): WindowWarning | undefined {
  const window = state.meta.window;
  if (!window || state.status === 'completed' || state.rollback) return undefined;
  if (!promotion.phases.some((phase) => phase.steps.some((step) => step.kind === 'canary'))) return undefined;
  const left = canaryTimeLeft(state, promotion, now);
  if (left === 0) return undefined;
  const override = state.meta.windowOverride ? ` (overridden: "${state.meta.windowOverride.reason}")` : '';
  if (now >= window.end) {
    const ago = now - window.end < 60_000 ? 'just now' : `${formatDuration(now - window.end)} ago`;
    return {
      kind: 'danger',
      text: `The maintenance window closed ${ago}${override}; the canary still needs ${formatDuration(left)} (window ${formatWindow(window)}).`,
    };
  }
  const started = state.canary !== undefined && state.canary.stages.length > 0;
  const plannedEnd = (started ? now : Math.max(now, window.start)) + left;
  if (plannedEnd <= window.end) return undefined;
  return {
    kind: 'warn',
    text: `The maintenance window closes in ${formatDuration(window.end - now)}, ${formatDuration(plannedEnd - window.end)} before the canary's planned end${override} (${formatDuration(left)} of holds and monitoring left; window ${formatWindow(window)}).`,
  };
}
