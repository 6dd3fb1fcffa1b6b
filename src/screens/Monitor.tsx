import { Box, Text } from 'ink';
import { Banner } from '../components/Banner.js';
import { Countdown } from '../components/Countdown.js';
import { type Cell, type CellTone, Table } from '../components/Table.js';
import { currentStep, stepDefinition, trafficShifted } from '../core/session/selectors.js';
import { canaryStepOf } from './Canary.js';
import { AbortLine, AutoRollbackLine, ChartPair, SampleStrip, TargetTable } from './CanaryPanels.js';
import type { ScreenProps } from './types.js';

/** Extended monitoring after promotion: the canary's charts over the window, plus its extra metrics. */
export function Monitor(props: ScreenProps) {
  const { state, promotion, now, width, height } = props;
  const canaryDef = canaryStepOf(props);
  const monitor = state.canary?.monitor;
  const stepId = monitor?.step ?? currentStep(state)?.id;
  const def = stepId ? stepDefinition(promotion, stepId) : undefined;
  if (!canaryDef || def?.kind !== 'monitor') return <Text>No monitoring step here.</Text>;
  const samples = monitor?.samples ?? [];
  const last = samples.at(-1);
  const shifted = trafficShifted(state);
  const extraRows = def.extraMetrics.map((metric) => {
    const value = last?.extra?.find((e) => e.id === metric.id)?.value;
    const over: CellTone =
      value !== null && value !== undefined
        ? metric.rollbackAbove !== undefined && value > metric.rollbackAbove
          ? 'danger'
          : metric.max !== undefined && value > metric.max
            ? 'warn'
            : 'ok'
        : 'muted';
    const cell: Cell = {
      text:
        value === null || value === undefined
          ? 'no data'
          : `${Number(value.toFixed(value < 10 ? 2 : 0))}${metric.unit ? ` ${metric.unit}` : ''}`,
      tone: over,
      bold: over === 'danger',
    };
    return {
      metric: metric.title,
      value: cell,
      max: metric.max !== undefined ? String(metric.max) : '—',
      rollback: metric.rollbackAbove !== undefined ? String(metric.rollbackAbove) : '—',
    };
  });
  const targetRows = Math.min(3, last?.targets.length ?? 1);
  const warning = state.warnings.filter((w) => w.startsWith('Monitoring:')).at(-1);
  const fixed =
    1 +
    (state.canary?.autoRollback ? 1 : 0) +
    (warning ? 1 : 0) +
    1 +
    (1 + targetRows) +
    (1 + extraRows.length) +
    (shifted ? 1 : 0);
  const chartHeight = Math.max(5, height - fixed);
  const spanMs = monitor?.durationMs ?? def.duration;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate">
        <Text bold>{def.title}</Text>{' '}
        {monitor ? (
          <Countdown label="window" remainingMs={monitor.startedAt + monitor.durationMs - now} />
        ) : (
          <Text dimColor>starting</Text>
        )}
      </Text>
      <AutoRollbackLine state={state} now={now} />
      {warning ? <Banner kind="warn" text={warning} /> : null}
      <ChartPair
        samples={samples}
        bands={canaryDef.bands}
        slots={Math.max(2, Math.ceil(spanMs / def.period))}
        spanMs={spanMs}
        width={width}
        height={chartHeight}
      />
      <SampleStrip samples={samples} sustained={canaryDef.sustained} width={width} />
      <TargetTable sample={last} width={width} maxRows={targetRows} />
      <Table
        columns={[
          { key: 'metric', title: 'extra metric', width: 30 },
          { key: 'value', title: 'latest', width: 18 },
          { key: 'max', title: 'watch above', width: 12 },
          { key: 'rollback', title: 'roll back above' },
        ]}
        rows={extraRows}
        width={width}
        maxRows={Math.max(1, extraRows.length)}
      />
      <AbortLine shifted={shifted} />
    </Box>
  );
}
