import { Box, Text } from 'ink';
import { memo } from 'react';
import { useTheme } from '../terminal/theme.js';
import { padTo } from './format.js';

export type PhaseState = 'done' | 'current' | 'todo' | 'failed';

export interface RailPhase {
  id: string;
  title: string;
  state: PhaseState;
  /** Already formatted: '14:02' when started, '6m' when done. */
  time?: string;
}

export interface PhaseRailProps {
  phases: RailPhase[];
  width: number;
  height: number;
}

const SYMBOL: Record<PhaseState, string> = { done: '✓', current: '▶', todo: '·', failed: '✗' };

/** What the rail may take at 120 columns and below: the charts beside it need the rest. */
export const RAIL_MIN_COLUMNS = 24;
/** Columns a time takes at least ('28m59s'): a phase that ends does not widen the rail. */
const TIME_COLUMNS = 6;

/**
 * The rail's width: the longest phase title with its symbol and time, up to a share of the
 * terminal. The main panel keeps at least what it has at 120 columns (95) and the rail takes at
 * most 35% (a 60-character title and its time at 200 columns), and 24 columns at 120.
 */
export function railWidth(phases: readonly RailPhase[], columns: number): number {
  const time = Math.max(TIME_COLUMNS, ...phases.map((phase) => phase.time?.length ?? 0));
  const longest = Math.max(0, ...phases.map((phase) => [...phase.title].length));
  const content = 2 + longest + 1 + time;
  const share = Math.max(RAIL_MIN_COLUMNS, Math.min(Math.floor(columns * 0.35), columns - 96));
  return Math.min(content, share);
}

/** The rows to show when the phases do not fit: a window that keeps the current one in view. */
export function railWindow(phases: RailPhase[], height: number): { start: number; end: number } {
  if (phases.length <= height) return { start: 0, end: phases.length };
  const focus = Math.max(
    0,
    phases.findIndex((phase) => phase.state === 'current' || phase.state === 'failed'),
  );
  const start = Math.min(Math.max(0, focus - Math.floor(height / 2)), phases.length - height);
  return { start, end: start + height };
}

export const PhaseRail = memo(function PhaseRail({ phases, width, height }: PhaseRailProps) {
  const theme = useTheme();
  const { start, end } = railWindow(phases, height);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {phases.slice(start, end).map((phase) => {
        const time = phase.time ?? '';
        const titleWidth = Math.max(1, width - 2 - (time ? time.length + 1 : 0));
        const color =
          phase.state === 'done'
            ? theme.ok
            : phase.state === 'failed'
              ? theme.danger
              : phase.state === 'todo'
                ? theme.muted
                : undefined;
        return (
          <Text key={phase.id} wrap="truncate" color={color} bold={phase.state === 'current'}>
            {SYMBOL[phase.state]} {padTo(phase.title, titleWidth)}
            {time ? ` ${time}` : ''}
          </Text>
        );
      })}
    </Box>
  );
});
