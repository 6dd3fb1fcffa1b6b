import { Box, Text } from 'ink';
import { memo } from 'react';
import { useTheme } from '../terminal/theme.js';

export interface HeaderEnvironment {
  name: string;
  account: string;
  region: string;
  /** Production gets the red name: the one place a mistake costs customers. */
  production: boolean;
}

export interface HeaderProps {
  runbook: string;
  version: string;
  from: string;
  to: string;
  /** The environment being acted on now (usually the target of the edge). */
  environment: HeaderEnvironment;
  sessionId: string;
  rehearsal?: { scenario: string; speed: number };
  /**
   * The session's clock (epoch ms): a rehearsal's accelerated time, so its "now" is seen beside
   * the window. Shown in UTC, the zone every window is written in.
   */
  now?: number;
  width: number;
}

/** "20:14:05 UTC". */
export function headerClock(now: number): string {
  return `${new Date(now).toISOString().slice(11, 19)} UTC`;
}

/** Two fixed rows: what is being promoted where, then where the keys act and as which session. */
export const Header = memo(function Header(props: HeaderProps) {
  const { runbook, version, from, to, environment, sessionId, rehearsal, now, width } = props;
  const theme = useTheme();
  return (
    <Box flexDirection="column" height={2} width={width} overflow="hidden">
      <Text wrap="truncate">
        <Text bold>{runbook}</Text> {version} · {from} → {to}
        {rehearsal ? (
          <Text color={theme.warn} bold inverse={!theme.colors}>
            {'  '}REHEARSAL {rehearsal.scenario} ×{rehearsal.speed}
          </Text>
        ) : null}
      </Text>
      <Box width={width} height={1}>
        <Box flexGrow={1} flexShrink={1} overflow="hidden">
          <Text wrap="truncate">
            <Text
              bold
              color={environment.production ? theme.prod : theme.info}
              inverse={environment.production}
            >
              {` ${environment.name} `}
            </Text>{' '}
            account {environment.account} · {environment.region}
            <Text color={theme.muted}> · session {sessionId}</Text>
          </Text>
        </Box>
        {now !== undefined ? (
          <Box flexShrink={0}>
            <Text bold={rehearsal !== undefined}> {headerClock(now)}</Text>
          </Box>
        ) : null}
      </Box>
    </Box>
  );
});
