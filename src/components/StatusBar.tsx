import { Text } from 'ink';
import { memo } from 'react';
import { useTheme } from '../terminal/theme.js';
import { formatAge } from './format.js';

export interface StatusBarProps {
  /** The live split as last read from AWS; undefined before the first read. */
  traffic?: { stableVersion: string; canaryVersion: string; canaryPercent: number; readAgoMs: number };
  /** Age of the last metrics poll; undefined when nothing is being polled. */
  lastPollAgoMs?: number;
  /** Older than this, the poll age is shown as a warning. */
  pollStaleAfterMs?: number;
  /** Age of the last durable journal write; undefined before the first. */
  journalSavedAgoMs?: number;
  /** Set when the last journal write failed: nothing else matters as much. */
  journalError?: string;
}

export const StatusBar = memo(function StatusBar(props: StatusBarProps) {
  const { traffic, lastPollAgoMs, pollStaleAfterMs = 120_000, journalSavedAgoMs, journalError } = props;
  const theme = useTheme();
  const stale = lastPollAgoMs !== undefined && lastPollAgoMs > pollStaleAfterMs;
  return (
    <Text wrap="truncate" color={theme.muted}>
      {traffic ? (
        <Text>
          traffic (AWS, {formatAge(traffic.readAgoMs)}): {traffic.stableVersion} {100 - traffic.canaryPercent}
          % · {traffic.canaryVersion} {traffic.canaryPercent}%
        </Text>
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
