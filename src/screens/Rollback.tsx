import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import { Banner, bannerRows } from '../components/Banner.js';
import { type Cell, Table } from '../components/Table.js';
import { TrafficSplit } from '../components/TrafficSplit.js';
import { wrappedRows } from '../components/wrap.js';
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
  const { state, promotion, now, width, height, files, waiting } = props;
  const theme = useTheme();
  const rollback = state.rollback;
  if (!rollback) return <Text>No rollback in progress.</Text>;
  const done = rollback.completedAt !== undefined;
  // The reason is never cut: it wraps, and the table below gives up the rows it takes.
  const why = `why: ${rollback.reason} · ${TRIGGER[rollback.trigger] ?? rollback.trigger} · by ${rollback.by} · ${
    rollback.completedAt !== undefined
      ? `took ${formatDuration(rollback.completedAt - rollback.startedAt)}`
      : `${formatDuration(now - rollback.startedAt)} so far`
  }`;
  const whyRows = wrappedRows(why, width);
  // AWS refused the revert or has not answered: said here, on the rollback itself, with the next try.
  const retrying =
    rollback.revertedAt === undefined && waiting?.kind === 'retrying' ? waiting.message : undefined;
  const records = new Map(rollback.steps.map((s) => [s.step, s]));
  // What the procedure leaves to the person is a task: said whole, once the rollback is done.
  const tasks = done
    ? promotion.rollback.steps.filter(
        (step) => step.kind === 'manual' && records.get(step.id)?.outcome === 'skipped',
      )
    : [];
  const taskRows = tasks.reduce(
    (sum, task) => sum + wrappedRows(`  ☐ ${task.title}`, width),
    tasks.length > 0 ? 1 : 0,
  );
  // The summary says what happened and why: it wraps too.
  const summaryKind = rollback.verified ? 'info' : 'warn';
  const summaryRows = done && rollback.summary ? bannerRows(summaryKind, rollback.summary, width) : 0;
  // A step waiting for the previous engine's run of its command: why, said whole below the table.
  const orphanWait = !done && waiting?.kind === 'orphan' ? waiting.message : undefined;
  const orphanRows = orphanWait ? wrappedRows(orphanWait, width) : 0;
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
      } else if (retrying) {
        status = { text: '! retrying', tone: 'danger', bold: true };
        detail = 'AWS has not confirmed the revert yet';
        runningMarked = true;
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
    } else if (waiting?.kind === 'orphan' && waiting.step === step.id) {
      // The previous engine's run of this command still runs: waited for, said here.
      status = { text: '! waiting', tone: 'warn', bold: true };
      detail = 'the previous engine’s run still runs';
      runningMarked = true;
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
      <Text wrap="wrap">{why}</Text>
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
      ) : retrying ? (
        <Text wrap="wrap" bold color={theme.danger}>
          {retrying}
        </Text>
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
        maxRows={Math.max(
          3,
          height -
            6 -
            whyRows -
            summaryRows -
            taskRows -
            orphanRows -
            (split?.lambdas.length ?? 0) -
            (retrying ? 2 : 0),
        )}
      />
      {orphanWait ? (
        <Text wrap="wrap" bold color={theme.warn}>
          {orphanWait}
        </Text>
      ) : null}
      {done && rollback.summary ? <Banner kind={summaryKind} text={rollback.summary} wrap /> : null}
      {tasks.length > 0 ? <Text bold>Left to you (the runbook's manual rollback steps):</Text> : null}
      {tasks.map((task) => (
        <Text key={task.id} wrap="wrap">
          {'  '}☐ {task.title}
        </Text>
      ))}
      {done && files && files.length > 0 ? (
        <Text wrap="truncate" dimColor>
          report files: {files.join(', ')}
        </Text>
      ) : null}
    </Box>
  );
}
