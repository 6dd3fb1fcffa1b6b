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
  /** A rehearsal the autopilot drives: its stand-ins answer, so the badge says so. */
  autopilot?: boolean;
  /**
   * A rehearsal whose runbook aws commands get the AWS CLI stand-in's canned answers (the DynamoDB
   * and S3 emulators are not installed): said beside the badge, not only in the journal view.
   */
  awsStandin?: boolean;
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

/**
 * Two fixed rows: what is being promoted where, then where the keys act and as which session. At 80
 * columns both keep what must not be missed: REHEARSAL on the first, the PROD badge on the second.
 */
export const Header = memo(function Header(props: HeaderProps) {
  const { runbook, version, from, to, environment, sessionId, rehearsal, autopilot, awsStandin, now, width } =
    props;
  const theme = useTheme();
  return (
    <Box flexDirection="column" height={2} width={width} overflow="hidden">
      {/* On a narrow terminal the runbook's title gives way; the version, the edge and REHEARSAL stay. */}
      <Box width={width} height={1}>
        <Box flexShrink={1} overflow="hidden">
          <Text wrap="truncate" bold>
            {runbook}
          </Text>
        </Box>
        <Box flexShrink={0}>
          <Text wrap="truncate">
            {' '}
            {version} · {from} → {to}
          </Text>
        </Box>
        {rehearsal ? (
          <Box flexShrink={0}>
            <Text wrap="truncate">
              {'  '}
              <Text color={theme.warn} bold inverse={!theme.colors}>
                REHEARSAL {rehearsal.scenario} ×{rehearsal.speed}
                {autopilot ? ' AUTOPILOT' : ''}
              </Text>
              {awsStandin ? <Text color={theme.warn}> aws stand-in</Text> : null}
            </Text>
          </Box>
        ) : null}
      </Box>
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
