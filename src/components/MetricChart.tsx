import { Box, Text } from 'ink';
import { memo, useMemo } from 'react';
import { type Theme, useTheme } from '../terminal/theme.js';
import {
  type ChartLayer,
  type ChartLayout,
  type ChartSection,
  type ChartThreshold,
  formatValue,
  layoutChart,
} from './chart/plot.js';
import { formatClock } from './format.js';

export type { ChartSection, ChartThreshold } from './chart/plot.js';

export interface MetricChartProps {
  title: string;
  unit: '%' | 'ms';
  width: number;
  /** Rows the whole chart takes: title, plot, legend and time axis. */
  height: number;
  canary: ReadonlyArray<number | null>;
  baseline: ReadonlyArray<number | null>;
  thresholds: ReadonlyArray<ChartThreshold>;
  /** Samples the whole axis will hold, so the plot fills from the left as the canary runs. */
  slots?: number;
  /** Duration the full width stands for, for the time axis (when there are no sections). */
  spanMs?: number;
  /** The stages along the axis: their boundaries are marked and their names label the axis. */
  sections?: ReadonlyArray<ChartSection>;
}

function layerColor(layer: ChartLayer, theme: Theme): string | undefined {
  switch (layer) {
    case 'canary':
      return theme.info;
    case 'baseline':
      // The terminal's own foreground: legible on a dark and on a light background alike.
      return undefined;
    case 'boundary':
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
  const { title, unit, width, height, canary, baseline, thresholds, slots, spanMs, sections } = props;
  const theme = useTheme();
  const plotRows = Math.max(2, height - 3);
  const layout = useMemo(
    () => layoutChart({ unit, width, rows: plotRows, canary, baseline, thresholds, slots, sections }),
    [unit, width, plotRows, canary, baseline, thresholds, slots, sections],
  );
  const latestCanary = lastValue(canary);
  const latestBaseline = lastValue(baseline);
  const show = (value: number | undefined) => (value === undefined ? 'no data' : formatValue(value, unit, 0));
  const axisPad = ' '.repeat(layout.labelColumns);
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
            <Text key={s} color={layerColor(segment.layer, theme)} bold={segment.layer === 'canary'}>
              {segment.text}
            </Text>
          ))}
        </Text>
      ))}
      <Text wrap="truncate">
        <Text color={theme.info}>── canary {show(latestCanary)}</Text>
        {'  '}
        <Text>══ baseline {show(latestBaseline)}</Text>
        {'  '}┄ limits
      </Text>
      <Text wrap="truncate" color={theme.muted}>
        {axisPad}
        <TimeAxis layout={layout} spanMs={spanMs} />
      </Text>
    </Box>
  );
});

/**
 * The time axis: the stages' names where each begins (the current one marked ▸ and bold), or the
 * span's start and end. A name that would run into the next is left out, never overprinted.
 */
function TimeAxis({ layout, spanMs }: { layout: ChartLayout; spanMs?: number }) {
  if (layout.sections.length === 0) {
    const start = '0:00';
    const end = spanMs !== undefined ? formatClock(spanMs) : 'stage';
    const gap = Math.max(1, layout.plotColumns - start.length - end.length);
    return (
      <>
        {start}
        {' '.repeat(gap)}
        {end}
      </>
    );
  }
  const parts: Array<{ text: string; current: boolean }> = [];
  let used = 0;
  layout.sections.forEach((section, i) => {
    const text = section.current ? `▸${section.label}` : section.label;
    const next = layout.sections[i + 1]?.column ?? layout.plotColumns;
    const at = Math.max(section.column, used === 0 ? 0 : used + 1);
    if (at + text.length > Math.min(next, layout.plotColumns) && !section.current) return;
    parts.push({ text: ' '.repeat(at - used), current: false }, { text, current: section.current });
    used = at + text.length;
  });
  return (
    <>
      {parts.map((part, i) =>
        part.current ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: axis parts are positions
          <Text key={i} bold>
            {part.text}
          </Text>
        ) : (
          part.text
        ),
      )}
    </>
  );
}
