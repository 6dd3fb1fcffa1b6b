import { Text } from 'ink';
import { memo } from 'react';
import { useTheme } from '../terminal/theme.js';
import { formatClock } from './format.js';

export interface StripStage {
  percent: number;
  state: 'done' | 'current' | 'todo' | 'failed';
}

export interface StageStripProps {
  stages: StripStage[];
  /** Time left in the current stage's hold. */
  remainingMs?: number;
  paused?: boolean;
}

/** 10% ✓ → [25%] → 50% → 100%   hold 07:42 left */
export const StageStrip = memo(function StageStrip({ stages, remainingMs, paused }: StageStripProps) {
  const theme = useTheme();
  return (
    <Text wrap="truncate">
      {stages.map((stage, index) => {
        const label =
          stage.state === 'current'
            ? `[${stage.percent}%]`
            : stage.state === 'done'
              ? `${stage.percent}% ✓`
              : stage.state === 'failed'
                ? `${stage.percent}% ✗`
                : `${stage.percent}%`;
        const color =
          stage.state === 'done'
            ? theme.ok
            : stage.state === 'failed'
              ? theme.danger
              : stage.state === 'todo'
                ? theme.muted
                : theme.info;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: the stages are the runbook's, in order; an adopted weight may equal another's
          <Text key={index}>
            {index > 0 ? ' → ' : ''}
            <Text color={color} bold={stage.state === 'current'}>
              {label}
            </Text>
          </Text>
        );
      })}
      {remainingMs !== undefined ? (
        <Text>
          {'   '}hold <Text bold>{formatClock(remainingMs)}</Text> left{paused ? ' (paused)' : ''}
        </Text>
      ) : null}
    </Text>
  );
});
