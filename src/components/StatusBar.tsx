import { Text } from 'ink';
import { memo } from 'react';
import { metricsStaleAfterMs } from '../core/canary/stage.js';
import { useTheme } from '../terminal/theme.js';
import { formatAge } from './format.js';

/**
 * Every age here is in the session's clock milliseconds, the clock the header shows: wall time in
 * production, a rehearsal's accelerated clock (at ×60, "40s ago" is two thirds of a real second).
 */
export interface StatusBarProps {
  /** The live split as last read from AWS; undefined before the first read. */
  traffic?: { stableVersion: string; canaryVersion: string; canaryPercent: number; readAgoMs: number };
  /** The promotion has no canary step: there is no split to read, and "not read yet" would wait forever. */
  noSplit?: boolean;
  /** Age of the last metrics poll; undefined when nothing is being polled. */
  lastPollAgoMs?: number;
  /** Older than this, the poll age is shown as a warning: two poll periods (metricsStaleAfterMs). */
  pollStaleAfterMs?: number;
  /** Age of the last durable journal write; undefined before the first. */
  journalSavedAgoMs?: number;
  /** Set when the last journal write failed: nothing else matters as much. */
  journalError?: string;
}

/** The runbook's default poll period, for a bar drawn without the step's own. */
const DEFAULT_POLL_PERIOD_MS = 60_000;

export const StatusBar = memo(function StatusBar(props: StatusBarProps) {
  const {
    traffic,
    noSplit,
    lastPollAgoMs,
    pollStaleAfterMs = metricsStaleAfterMs(DEFAULT_POLL_PERIOD_MS),
    journalSavedAgoMs,
    journalError,
  } = props;
  const theme = useTheme();
  const stale = lastPollAgoMs !== undefined && lastPollAgoMs > pollStaleAfterMs;
  return (
    <Text wrap="truncate" color={theme.muted}>
      {traffic ? (
        <Text>
          traffic (AWS, {formatAge(traffic.readAgoMs)}): {traffic.stableVersion} {100 - traffic.canaryPercent}
          % · {traffic.canaryVersion} {traffic.canaryPercent}%
        </Text>
      ) : noSplit ? (
        <Text>traffic: not split (no canary step)</Text>
      ) : (
        <Text>traffic: not read yet</Text>
      )}
      {lastPollAgoMs !== undefined ? (
        <Text color={stale ? theme.warn : undefined} bold={stale}>
          {' │ '}metrics {formatAge(lastPollAgoMs)}
          {stale ? ' (STALE)' : ''}
        </Text>
      ) : null}
      {journalError ? (
        <Text color={theme.danger} bold>
          {' │ '}journal NOT saved: {journalError}
        </Text>
      ) : journalSavedAgoMs !== undefined ? (
        <Text>
          {' │ '}journal saved {formatAge(journalSavedAgoMs)}
        </Text>
      ) : null}
    </Text>
  );
});
