import { Box, Text } from 'ink';
import { Banner, bannerRows } from '../components/Banner.js';
import { Countdown } from '../components/Countdown.js';
import { type Cell, type CellTone, Table } from '../components/Table.js';
import { canaryStepOf, currentStep, stepDefinition, trafficShifted } from '../core/session/selectors.js';
import {
  AbortLine,
  AutoRollbackLine,
  autoRollbackRows,
  ChartPair,
  SampleStrip,
  TargetTable,
} from './CanaryPanels.js';
import { chartedTargetId } from './series.js';
import type { ScreenProps } from './types.js';

/** Extended monitoring after promotion: the canary's charts over the window, plus its extra metrics. */
export function Monitor(props: ScreenProps) {
  const { state, promotion, now, width, height } = props;
  const canaryDef = canaryStepOf(promotion);
  const monitor = state.canary?.monitor;
  const stepId = monitor?.step ?? currentStep(state)?.id;
  const def = stepId ? stepDefinition(promotion, stepId) : undefined;
  if (!canaryDef || def?.kind !== 'monitor') return <Text>No monitoring step here.</Text>;
  const samples = monitor?.samples ?? [];
  const last = samples.at(-1);
  // A watcher's screen draws no key it cannot press: x is not offered there.
  const shifted = trafficShifted(state) && !props.readOnly;
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
    autoRollbackRows(state, now, width, props.readOnly) +
    (warning ? bannerRows('warn', warning, width) : 0) +
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
      <AutoRollbackLine state={state} now={now} readOnly={props.readOnly} />
      {warning ? <Banner kind="warn" text={warning} wrap /> : null}
      <ChartPair
        samples={samples}
        targetId={chartedTargetId(samples, props.chartTarget)}
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
