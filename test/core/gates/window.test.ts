import { describe, expect, it } from 'vitest';
import {
  formatWindow,
  type MaintenanceWindow,
  parseWindow,
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

  it('refuses a window that ends before it starts, suggesting the two-date form', () => {
    expect(parseWindow('2026-11-29 23:00-01:00', dayBefore)).toBe(
      'The window 2026-11-29 23:00-01:00 UTC ends before it starts; for a window across midnight give both dates (e.g. "2026-11-29 23:00 - 2026-11-30 01:00").',
    );
    expect(typeof parseWindow('2026-11-29 20:00-20:00', dayBefore)).toBe('string');
  });

  it('refuses impossible dates and times, unreadable text and unknown zones', () => {
    expect(parseWindow('2026-02-30 20:00-22:00', dayBefore)).toMatch(/does not exist/);
    expect(parseWindow('2026-11-29 24:00-25:00', dayBefore)).toMatch(/does not exist/);
    expect(parseWindow('tonight after dinner', dayBefore)).toBe(
      '"tonight after dinner" is not a window I can read; write it like "2026-11-29 20:00-22:00" (UTC) or "2026-11-29T20:00Z/2026-11-29T22:00Z".',
    );
    expect(parseWindow('2026-11-29 20:00-22:00 +19:00', dayBefore)).toMatch(/is not a time zone I can read/);
  });

  it('refuses a window that has already ended', () => {
    expect(parseWindow('2026-11-29 20:00-22:00', end)).toBe(
      'The window 2026-11-29 20:00-22:00 UTC has already ended; declare one that is still to come.',
    );
    expect(parseWindow('2026-11-29 20:00-22:00', end - 1)).toEqual(window);
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
