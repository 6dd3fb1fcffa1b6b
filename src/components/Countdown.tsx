import { Text } from 'ink';
import { useTheme } from '../terminal/theme.js';
import { formatClock } from './format.js';

export interface CountdownProps {
  /** What is counting down: 'Hold at 25%', 'Auto-rollback', 'Approval expires'. */
  label: string;
  remainingMs: number;
  /** A countdown that ends in something the person may want to stop (auto-rollback). */
  danger?: boolean;
  paused?: boolean;
}

export function Countdown({ label, remainingMs, danger = false, paused = false }: CountdownProps) {
  const theme = useTheme();
  return (
    <Text wrap="truncate">
      {label}:{' '}
      <Text bold color={danger ? theme.danger : undefined}>
        {formatClock(remainingMs)}
      </Text>{' '}
      left{paused ? ' (paused)' : ''}
    </Text>
  );
}
