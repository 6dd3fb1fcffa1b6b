import { Box, Text } from 'ink';
import { memo, useMemo } from 'react';
import { type Theme, useTheme } from '../terminal/theme.js';
import { type ChartLayer, type ChartThreshold, formatValue, layoutChart } from './chart/plot.js';
import { formatClock } from './format.js';

export type { ChartThreshold } from './chart/plot.js';

export interface MetricChartProps {
  title: string;
  unit: '%' | 'ms';
  width: number;
  /** Rows the whole chart takes: title, plot, legend and time axis. */
  height: number;
  canary: ReadonlyArray<number | null>;
  baseline: ReadonlyArray<number | null>;
  thresholds: ReadonlyArray<ChartThreshold>;
  /** Samples the whole stage will hold, so the plot fills from the left as the stage runs. */
  slots?: number;
  /** Duration the full width stands for (the stage's hold), for the time axis. */
  spanMs?: number;
}

function layerColor(layer: ChartLayer, theme: Theme): string | undefined {
  switch (layer) {
    case 'canary':
      return theme.info;
    case 'baseline':
      return theme.muted;
    case 'pass':
      return theme.ok;
    case 'nogo':
      return theme.warn;
    case 'rollback':
      return theme.danger;
    default:
      return undefined;
  }
}

const lastValue = (series: ReadonlyArray<number | null>) =>
  [...series].reverse().find((value): value is number => value !== null && Number.isFinite(value));

export const MetricChart = memo(function MetricChart(props: MetricChartProps) {
  const { title, unit, width, height, canary, baseline, thresholds, slots, spanMs } = props;
  const theme = useTheme();
  const plotRows = Math.max(2, height - 3);
  const layout = useMemo(
    () => layoutChart({ unit, width, rows: plotRows, canary, baseline, thresholds, slots }),
    [unit, width, plotRows, canary, baseline, thresholds, slots],
  );
  const latestCanary = lastValue(canary);
  const latestBaseline = lastValue(baseline);
  const show = (value: number | undefined) => (value === undefined ? 'no data' : formatValue(value, unit, 0));
  const axisPad = ' '.repeat(layout.labelColumns);
  const start = '0:00';
  const end = spanMs !== undefined ? formatClock(spanMs) : 'stage';
  const axisGap = Math.max(1, layout.plotColumns - start.length - end.length);

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold wrap="truncate">
        {title}
        {latestCanary === undefined && latestBaseline === undefined ? (
          <Text color={theme.muted}> · waiting for the first samples</Text>
        ) : null}
      </Text>
      {layout.rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: chart rows are positions
        <Text key={index} wrap="truncate">
          {row.map((segment, s) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: segments are positions in the row
            <Text key={s} color={layerColor(segment.layer, theme)}>
              {segment.text}
            </Text>
          ))}
        </Text>
      ))}
      <Text wrap="truncate">
        <Text color={theme.info}>── canary {show(latestCanary)}</Text>
        {'  '}
        <Text color={theme.muted}>·· baseline {show(latestBaseline)}</Text>
        {'  '}┄ limits
      </Text>
      <Text wrap="truncate" color={theme.muted}>
        {axisPad}
        {start}
        {' '.repeat(axisGap)}
        {end}
      </Text>
    </Box>
  );
});
