import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import { Banner } from '../components/Banner.js';
import { type Cell, Table } from '../components/Table.js';
import { TrafficSplit } from '../components/TrafficSplit.js';
import { formatDuration } from '../core/runbook/duration.js';
import { useTheme } from '../terminal/theme.js';
import { canaryPercentOf } from './series.js';
import type { ScreenProps } from './types.js';

export interface RollbackProps extends ScreenProps {
  /** Report files written for the session (shown once the rollback is complete). */
  files?: readonly string[];
}

const TRIGGER: Record<string, string> = {
  conductor: 'by hand',
  automatic: 'automatic',
  guard: 'automatic, by the headless guard',
  drift: 'after a traffic drift',
};

/** Each step of the runbook's rollback procedure with its status and timing, and the read-back. */
export function Rollback(props: RollbackProps) {
  const { state, promotion, now, width, height, files } = props;
  const theme = useTheme();
  const rollback = state.rollback;
  if (!rollback) return <Text>No rollback in progress.</Text>;
  const done = rollback.completedAt !== undefined;
  const records = new Map(rollback.steps.map((s) => [s.step, s]));
  let runningMarked = false;
  const rows = promotion.rollback.steps.map((step) => {
    const record = records.get(step.id);
    let status: Cell;
    let detail = '';
    let at = '';
    if (step.kind === 'traffic-revert') {
      if (rollback.revertedAt !== undefined) {
        status = rollback.verified
          ? { text: '✓ reverted', tone: 'ok' }
          : { text: '! unverified', tone: 'warn', bold: true };
        detail = `in ${rollback.revertDurationMs ?? 0} ms${record ? ` · ${record.detail}` : ''}`;
        at = `+${formatDuration(rollback.revertedAt - rollback.startedAt)}`;
      } else {
        status = { text: '▶ sending', bold: true };
        runningMarked = true;
      }
    } else if (record) {
      status =
        record.outcome === 'passed'
          ? { text: '✓ passed', tone: 'ok' }
          : record.outcome === 'failed'
            ? { text: '✗ FAILED', tone: 'danger', bold: true }
            : { text: '- skipped', tone: 'muted' };
      detail = record.detail;
      at = `+${formatDuration(record.at - rollback.startedAt)}`;
    } else if (!done && !runningMarked && rollback.revertedAt !== undefined) {
      status = { text: '▶ running', bold: true };
      runningMarked = true;
    } else {
      status = { text: '· to do', tone: 'muted' };
    }
    return { status, title: step.title, at, detail };
  });
  const split = rollback.split;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate" bold color={theme.danger}>
        {done ? 'ROLLED BACK' : 'ROLLING BACK'} {state.meta.version}
        {!done ? (
          <Text>
            {' '}
            <Spinner type="dots" />
          </Text>
        ) : null}
      </Text>
      <Text wrap="truncate">
        why: {rollback.reason} · {TRIGGER[rollback.trigger] ?? rollback.trigger} · by {rollback.by} ·{' '}
        {formatDuration((rollback.completedAt ?? now) - rollback.startedAt)} so far
      </Text>
      {split ? (
        <>
          <Text wrap="truncate" bold>
            Read back from AWS after the revert ({rollback.verified ? 'verified' : 'NOT verified'}):
          </Text>
          <TrafficSplit
            stableVersion={state.meta.previousVersion ?? 'stable'}
            canaryVersion={state.meta.version}
            canaryPercent={canaryPercentOf(split, state.rollbackTarget)}
            width={width}
          />
          {split.lambdas.map((l) => (
            <Text key={l.functionName} wrap="truncate" dimColor>
              {'  '}
              {l.functionName}:{l.alias} → v{l.primaryVersion}
              {l.additionalVersion
                ? ` + v${l.additionalVersion} ${Math.round(l.additionalWeight * 100)}%`
                : ''}
            </Text>
          ))}
        </>
      ) : (
        <Text wrap="truncate">traffic: revert requests sent, waiting for the read-back</Text>
      )}
      <Table
        columns={[
          { key: 'status', title: 'status', width: 13 },
          { key: 'title', title: 'rollback step' },
          { key: 'at', title: 'at', width: 8 },
          { key: 'detail', title: 'detail', width: Math.floor(width / 3) },
        ]}
        rows={rows}
        width={width}
        maxRows={Math.max(3, height - 8 - (split?.lambdas.length ?? 0))}
      />
      {done && rollback.summary ? (
        <Banner kind={rollback.verified ? 'info' : 'warn'} text={rollback.summary} />
      ) : null}
      {done && files && files.length > 0 ? (
        <Text wrap="truncate" dimColor>
          report files: {files.join(', ')}
        </Text>
      ) : null}
    </Box>
  );
}
