import { Box, Text } from 'ink';
import { type Cell, Table } from '../components/Table.js';
import { formatDuration } from '../core/runbook/duration.js';
import { useTheme } from '../terminal/theme.js';
import type { ScreenProps } from './types.js';

export interface SummaryProps extends ScreenProps {
  /** Report files written for the session (the session directory's listing). */
  files?: readonly string[];
  /** Where those files are. */
  dir?: string;
}

/** How it ended, how long each part took, and where the report is. */
export function Summary(props: SummaryProps) {
  const { state, width, height, files, dir } = props;
  const theme = useTheme();
  const outcome = state.outcome ?? (state.status === 'completed' ? 'completed' : state.status);
  const good = outcome === 'promoted';
  const total = state.lastEventAt - state.meta.createdAt;
  const rows = state.phases.map((phase) => {
    const status: Cell =
      phase.status === 'done'
        ? { text: '✓ done', tone: 'ok' }
        : phase.status === 'current'
          ? { text: '▶ stopped here', tone: 'warn' }
          : { text: '· not reached', tone: 'muted' };
    const took =
      phase.startedAt !== undefined && phase.endedAt !== undefined
        ? formatDuration(phase.endedAt - phase.startedAt)
        : '';
    return { status, phase: phase.title, took };
  });
  const stages = state.canary?.stages ?? [];
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate" bold color={good ? theme.ok : theme.danger} inverse={!theme.colors}>
        {` ${outcome.toUpperCase()} `}
      </Text>
      <Text wrap="wrap">{state.summary ?? ''}</Text>
      <Text wrap="truncate">
        total {formatDuration(Math.max(0, total))} · {state.approvals.length} approvals ·{' '}
        {state.notifications.length} notifications · {state.retries} AWS retries
        {stages.length > 0
          ? ` · canary ${stages.map((s) => `${s.weight}% ${s.verdict ?? '…'}`).join(' → ')}`
          : ''}
      </Text>
      <Table
        columns={[
          { key: 'status', title: 'status', width: 15 },
          { key: 'phase', title: 'phase' },
          { key: 'took', title: 'took', width: 10 },
        ]}
        rows={rows}
        width={width}
        maxRows={Math.max(3, height - 6 - Math.min(3, files?.length ?? 0))}
      />
      {files && files.length > 0 ? (
        <Text wrap="truncate">
          report files{dir ? ` in ${dir}` : ''}: {files.join(', ')}
        </Text>
      ) : (
        <Text dimColor wrap="truncate">
          no report files written yet
        </Text>
      )}
      <Text bold wrap="truncate">
        enter or q: leave
      </Text>
    </Box>
  );
}
