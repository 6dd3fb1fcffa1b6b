import { describe, expect, it } from 'vitest';
import {
  formatWindow,
  type MaintenanceWindow,
  parseWindow,
  WINDOW_HINT,
  windowStatus,
} from '../../../src/core/gates/window.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const start = Date.UTC(2026, 10, 29, 20, 0);
const end = Date.UTC(2026, 10, 29, 22, 0);
const window: MaintenanceWindow = { start, end };
const dayBefore = start - 24 * HOUR;

describe('parseWindow', () => {
  it('reads the short form as UTC', () => {
    expect(parseWindow('2026-11-29 20:00-22:00', dayBefore)).toEqual(window);
    expect(parseWindow(' 2026-11-29 20:00 - 22:00 UTC ', dayBefore)).toEqual(window);
    expect(parseWindow('2026-11-29 20:00 to 22:00', dayBefore)).toEqual(window);
  });

  it('reads a zone offset after the times', () => {
    // 22:00-00:00 at UTC+2 is 20:00-22:00 UTC.
    expect(parseWindow('2026-11-29 22:00-23:59 +02:00', dayBefore)).toEqual({ start, end: end - MIN });
    expect(parseWindow('2026-11-29 22:00-23:00 UTC+2', dayBefore)).toEqual({ start, end: start + HOUR });
  });

  it('reads a window across midnight when both dates are given', () => {
    expect(parseWindow('2026-11-29 23:00 - 2026-11-30 01:00', dayBefore)).toEqual({
      start: Date.UTC(2026, 10, 29, 23),
      end: Date.UTC(2026, 10, 30, 1),
    });
  });

  it('reads an ISO interval with zones', () => {
    expect(parseWindow('2026-11-29T20:00Z/2026-11-29T22:00Z', dayBefore)).toEqual(window);
    expect(parseWindow('2026-11-29T22:00:00+02:00/2026-11-30T00:00:00+02:00', dayBefore)).toEqual(window);
  });

  it('refuses an ISO interval without zones, since its meaning would depend on the laptop', () => {
    const result = parseWindow('2026-11-29T20:00/2026-11-29T22:00', dayBefore);
    expect(result).toMatch(/each end of an ISO window needs a date, a time and a zone/);
  });

  it('reads one date with an end before the start as ending the next day', () => {
    expect(parseWindow('2026-11-29 23:00-01:00', dayBefore)).toEqual({
      start: Date.UTC(2026, 10, 29, 23),
      end: Date.UTC(2026, 10, 30, 1),
    });
  });

  it('refuses a window that ends before it starts or has no length', () => {
    expect(parseWindow('2026-11-29 23:00 - 2026-11-28 01:00', dayBefore)).toBe(
      'The window 2026-11-29 23:00 - 2026-11-28 01:00 UTC ends before it starts; give an end after its start.',
    );
    expect(typeof parseWindow('2026-11-29 20:00-20:00', dayBefore)).toBe('string');
    expect(parseWindow('02:00-02:00', dayBefore)).toBe(
      'The window "02:00-02:00" starts and ends at the same time; give its end.',
    );
  });

  it('refuses impossible dates and times, unreadable text and unknown zones', () => {
    expect(parseWindow('2026-02-30 20:00-22:00', dayBefore)).toMatch(/does not exist/);
    expect(parseWindow('2026-11-29 24:00-25:00', dayBefore)).toMatch(/does not exist/);
    expect(parseWindow('tonight after dinner', dayBefore)).toBe(
      '"tonight after dinner" is not a window I can read; write it like "02:00-04:00" (today, UTC), "2026-11-29 20:00-22:00" (UTC) or "2026-11-29T20:00Z/2026-11-29T22:00Z".',
    );
    expect(parseWindow('25:00-26:00', dayBefore)).toMatch(/does not exist/);
    expect(parseWindow('2026-11-29 20:00-22:00 +19:00', dayBefore)).toMatch(/is not a time zone I can read/);
  });

  it('refuses a window that has already ended', () => {
    expect(parseWindow('2026-11-29 20:00-22:00', end)).toBe(
      'The window 2026-11-29 20:00-22:00 UTC has already ended; declare one that is still to come.',
    );
    expect(parseWindow('2026-11-29 20:00-22:00', end - 1)).toEqual(window);
  });
});

describe('parseWindow: times only, today in UTC', () => {
  // 2026-11-29 00:30 UTC: a night shift begins.
  const midnight = Date.UTC(2026, 10, 29, 0, 30);

  it('reads 02:00-04:00 as today, UTC', () => {
    expect(parseWindow('02:00-04:00', midnight)).toEqual({
      start: Date.UTC(2026, 10, 29, 2),
      end: Date.UTC(2026, 10, 29, 4),
    });
    expect(parseWindow(' 2:00 - 4:00 UTC ', midnight)).toEqual({
      start: Date.UTC(2026, 10, 29, 2),
      end: Date.UTC(2026, 10, 29, 4),
    });
  });

  it('reads 22:00-02:00 as tonight, ending tomorrow', () => {
    expect(parseWindow('22:00-02:00', midnight + 12 * HOUR)).toEqual({
      start: Date.UTC(2026, 10, 29, 22),
      end: Date.UTC(2026, 10, 30, 2),
    });
  });

  it('reads 22:00-02:00 typed at 01:00 as the window open since yesterday 22:00', () => {
    const one = Date.UTC(2026, 10, 29, 1);
    expect(parseWindow('22:00-02:00', one)).toEqual({
      start: Date.UTC(2026, 10, 28, 22),
      end: Date.UTC(2026, 10, 29, 2),
    });
    // At 03:00 yesterday's has closed: tonight's is meant.
    expect(parseWindow('22:00-02:00', one + 2 * HOUR)).toEqual({
      start: Date.UTC(2026, 10, 29, 22),
      end: Date.UTC(2026, 10, 30, 2),
    });
  });

  it('reads the times in a zone written after them, today in that zone', () => {
    // 23:30 UTC on the 28th is already the 29th at +02:00: 02:00-04:00 there is 00:00-02:00 UTC.
    expect(parseWindow('02:00-04:00 +02:00', Date.UTC(2026, 10, 28, 23, 30))).toEqual({
      start: Date.UTC(2026, 10, 29, 0),
      end: Date.UTC(2026, 10, 29, 2),
    });
  });

  it("refuses today's window once it has ended, saying how to give tomorrow's", () => {
    expect(parseWindow('02:00-04:00', Date.UTC(2026, 10, 29, 5))).toBe(
      'Today\'s window 2026-11-29 02:00-04:00 UTC has already ended; for tomorrow\'s give the date (e.g. "2026-11-30 02:00-04:00").',
    );
  });

  it('accepts what the start form hint shows', () => {
    expect(WINDOW_HINT).toBe('HH:MM-HH:MM UTC, today; 22:00-02:00 ends next day');
    const noon = Date.UTC(2026, 10, 29, 12);
    // The hint's shape, filled in, and its example.
    expect(parseWindow('HH:MM-HH:MM UTC'.replace('HH:MM', '20:00').replace('HH:MM', '23:00'), noon)).toEqual({
      start: Date.UTC(2026, 10, 29, 20),
      end: Date.UTC(2026, 10, 29, 23),
    });
    const example = /(\d\d:\d\d-\d\d:\d\d) ends next day/.exec(WINDOW_HINT)?.[1] ?? '';
    expect(parseWindow(example, noon)).toEqual({
      start: Date.UTC(2026, 10, 29, 22),
      end: Date.UTC(2026, 10, 30, 2),
    });
  });
});

describe('windowStatus', () => {
  it('is closed before the window, saying when it opens', () => {
    const status = windowStatus(window, start - 90 * MIN);
    expect(status).toEqual({
      open: false,
      opensIn: 90 * MIN,
      message:
        'The maintenance window 2026-11-29 20:00-22:00 UTC opens in 1h30m; traffic waits until then, or override with a reason.',
    });
  });

  it('is open from the first millisecond, saying when it closes', () => {
    expect(windowStatus(window, start)).toMatchObject({ open: true, closesIn: 2 * HOUR });
    const status = windowStatus(window, end - 15 * MIN);
    expect(status.open).toBe(true);
    expect(status.message).toBe(
      'Inside the maintenance window 2026-11-29 20:00-22:00 UTC; it closes in 15m.',
    );
  });

  it('is closed at exactly the end', () => {
    const status = windowStatus(window, end);
    expect(status.open).toBe(false);
    expect(status.message).toContain('closed just now;');
    expect(windowStatus(window, end + 10 * MIN).message).toBe(
      'The maintenance window 2026-11-29 20:00-22:00 UTC closed 10m ago; declare a new window or override with a reason.',
    );
  });

  it('is closed without a declared window', () => {
    const status = windowStatus(undefined, start);
    expect(status.open).toBe(false);
    expect(status.message).toMatch(/^No maintenance window is declared/);
  });

  it('opens to an override with a reason, and repeats the reason', () => {
    const status = windowStatus(window, end + HOUR, { reason: 'P1 hotfix, CAB approved by phone' });
    expect(status.open).toBe(true);
    expect(status.message).toBe(
      'Traffic may move outside the maintenance window 2026-11-29 20:00-22:00 UTC: overridden, reason "P1 hotfix, CAB approved by phone".',
    );
    expect(windowStatus(undefined, start, { reason: 'emergency' }).message).toBe(
      'Traffic may move without a maintenance window: overridden, reason "emergency".',
    );
  });

  it('ignores an override without a reason', () => {
    expect(windowStatus(window, end + HOUR, { reason: '  ' }).open).toBe(false);
  });
});

describe('formatWindow', () => {
  it('shows both dates when the window crosses midnight', () => {
    expect(formatWindow({ start: Date.UTC(2026, 10, 29, 23), end: Date.UTC(2026, 10, 30, 1) })).toBe(
      '2026-11-29 23:00 - 2026-11-30 01:00 UTC',
    );
  });
});
