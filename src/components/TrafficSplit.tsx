import { Box, Text } from 'ink';
import { memo } from 'react';
import { useTheme } from '../terminal/theme.js';

export interface TrafficSplitProps {
  stableVersion: string;
  canaryVersion: string;
  /** Percent of requests on the canary, as read from AWS. */
  canaryPercent: number;
  width: number;
  /** What the journal expected, when the live split differs from it (drift after a resume). */
  expectedPercent?: number;
}

/** stable v41 90% ████████████████░░ 10% canary v42 */
export const TrafficSplit = memo(function TrafficSplit(props: TrafficSplitProps) {
  const { stableVersion, canaryVersion, canaryPercent, width, expectedPercent } = props;
  const theme = useTheme();
  const percent = Math.min(100, Math.max(0, canaryPercent));
  const left = `stable ${stableVersion} ${100 - percent}% `;
  const right = ` ${percent}% canary ${canaryVersion}`;
  const barWidth = Math.max(10, width - left.length - right.length);
  const canaryCells = Math.round((barWidth * percent) / 100);
  const drift = expectedPercent !== undefined && expectedPercent !== percent;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        {left}
        <Text color={theme.ok}>{'█'.repeat(barWidth - canaryCells)}</Text>
        <Text color={theme.info}>{'░'.repeat(canaryCells)}</Text>
        {right}
      </Text>
      {drift ? (
        <Text wrap="truncate" color={theme.warn} bold>
          ! drift: the journal expected {expectedPercent}% on the canary, AWS says {percent}%
        </Text>
      ) : null}
    </Box>
  );
});
