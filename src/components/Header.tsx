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
  width: number;
}

/** Two fixed rows: what is being promoted where, then where the keys act and as which session. */
export const Header = memo(function Header(props: HeaderProps) {
  const { runbook, version, from, to, environment, sessionId, rehearsal, width } = props;
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
      <Text wrap="truncate">
        <Text bold color={environment.production ? theme.prod : theme.info} inverse={environment.production}>
          {` ${environment.name} `}
        </Text>{' '}
        account {environment.account} · {environment.region}
        <Text color={theme.muted}> · session {sessionId}</Text>
      </Text>
    </Box>
  );
});
