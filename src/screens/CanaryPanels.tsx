import { Box, Text } from 'ink';
import { type ReactNode, useMemo } from 'react';
import { Banner } from '../components/Banner.js';
import { Countdown } from '../components/Countdown.js';
import { formatClock } from '../components/format.js';
import { type ChartSection, MetricChart } from '../components/MetricChart.js';
import { type Cell, Table, type TableColumn, type TableProps, tableRows } from '../components/Table.js';
import { VerdictBadge, verdictText } from '../components/VerdictBadge.js';
import { wrappedRows } from '../components/wrap.js';
import { realTimeRemaining } from '../core/canary/stage.js';
import type { CanaryStep } from '../core/runbook/schema.js';
import type { SampleState, SessionState } from '../core/session/state.js';
import { useTheme } from '../terminal/theme.js';
import { chartedTarget, chartTargets, formatMs, formatPct, sampleBadges, stageSeries } from './series.js';

/** The two charts side by side: error rate and p95, canary against baseline, with the band lines. */
export function ChartPair(props: {
  /** One per slot of the time axis; null where there is no sample (yet). */
  samples: readonly (SampleState | null)[];
  bands: CanaryStep['bands'];
  slots: number;
  spanMs?: number;
  /** The stages along the time axis (the canary), or none (monitoring: one span). */
  sections?: ReadonlyArray<ChartSection>;
  /** The target charted; the first when not given. */
  targetId?: string;
  width: number;
  height: number;
}) {
  const { samples, bands, slots, spanMs, sections, targetId, width, height } = props;
  // The charts are memoised on their props: new series only when a sample arrives, not every tick.
  const series = useMemo(() => stageSeries(samples, bands, targetId), [samples, bands, targetId]);
  const present = useMemo(() => samples.filter((s): s is SampleState => s !== null), [samples]);
  const targets = chartTargets(present);
  const charted = chartedTarget(present.at(-1), targetId);
  const which =
    targets.length > 1 && charted
      ? ` · ${targets.findIndex((t) => t.id === charted.targetId) + 1}/${targets.length} ${charted.label}`
      : '';
  const half = Math.floor((width - 1) / 2);
  return (
    <Box width={width} height={height} overflow="hidden">
      <MetricChart
        title={`error rate (%)${which}`}
        unit="%"
        width={half}
        height={height}
        canary={series.errorCanary}
        baseline={series.errorBaseline}
        thresholds={series.errorThresholds}
        slots={slots}
        spanMs={spanMs}
        sections={sections}
      />
      <Box width={1} />
      <MetricChart
        title={`p95 (ms)${series.baselineP95 !== undefined ? ` · lines vs baseline ${Math.round(series.baselineP95)}ms` : ''}`}
        unit="ms"
        width={width - half - 1}
        height={height}
        canary={series.p95Canary}
        baseline={series.p95Baseline}
        thresholds={series.p95Thresholds}
        slots={slots}
        spanMs={spanMs}
        sections={sections}
      />
    </Box>
  );
}

/** Each sample's verdict, newest last, as many as fit. */
export function SampleStrip({
  samples,
  sustained,
  width,
}: {
  samples: readonly SampleState[];
  sustained: number;
  width: number;
}) {
  const badges = sampleBadges(samples, sustained);
  const prefix = `samples (${samples.length}): `;
  let used = prefix.length;
  const shown: typeof badges = [];
  for (let i = badges.length - 1; i >= 0; i--) {
    const cost = verdictText(badges[i].verdict, badges[i].breaches).length + 1;
    if (used + cost > width) break;
    used += cost;
    shown.unshift(badges[i]);
  }
  return (
    <Text wrap="truncate">
      <Text dimColor>{prefix}</Text>
      {samples.length === 0 ? <Text dimColor>none yet</Text> : null}
      {shown.map((badge) => (
        <Text key={badge.at}>
          <VerdictBadge verdict={badge.verdict} breaches={badge.breaches} />{' '}
        </Text>
      ))}
    </Text>
  );
}

const TARGET_COLUMNS: TableColumn[] = [
  { key: 'target', title: 'target', fit: true },
  { key: 'err', title: 'err canary/base', fit: true },
  { key: 'p95', title: 'p95 canary/base', fit: true },
  { key: 'req', title: 'requests', fit: true },
  { key: 'verdict', title: 'verdict', fit: true },
  { key: 'why', title: 'why', wrap: true },
];

/** Which targets say why: every one, those that do not pass, or none (the row still shows the verdict). */
type WhyShown = 'all' | 'not-passing' | 'none';

function targetRowsOf(sample: SampleState | undefined, why: WhyShown): Array<Record<string, Cell>> {
  return (sample?.targets ?? []).map((t) => {
    const verdict: Cell = {
      text: verdictText(t.verdict),
      tone:
        t.verdict === 'PASS' ? 'ok' : t.verdict === 'NO-GO' || t.verdict === 'ROLLBACK' ? 'danger' : 'warn',
      bold: t.verdict === 'NO-GO' || t.verdict === 'ROLLBACK',
    };
    return {
      target: t.label,
      err: `${formatPct(t.canary.errorRatePct)} / ${formatPct(t.baseline.errorRatePct)}`,
      p95: `${formatMs(t.canary.p95Ms)} / ${formatMs(t.baseline.p95Ms)}`,
      req: `${t.canary.requests} / ${t.baseline.requests}`,
      verdict,
      why: why === 'all' || (why === 'not-passing' && t.verdict !== 'PASS') ? t.reasons.join('; ') : '',
    };
  });
}

export interface TargetTableProps {
  sample?: SampleState;
  width: number;
  /** Targets shown at most. */
  maxRows: number;
  /** Lines of the body at most (a wrapped why takes several); one a target when not given. */
  maxLines?: number;
  /**
   * Lines of the body within which the why of a passing target is said too (it only repeats the
   * limits); beyond them the rows go to the charts and only a target that does not pass says why.
   */
  passingWhyLines?: number;
}

/**
 * The table as drawn: target names, values and request counts whole, the why taking the rest of
 * the row and wrapping (under its row when the rest is narrow). The one place that decides it, so
 * a screen counts the rows it takes (targetTableRows) from what is drawn.
 */
export function targetTable(props: TargetTableProps): TableProps {
  const { sample, width, maxRows } = props;
  const maxLines = props.maxLines ?? maxRows;
  const passingWhyLines = props.passingWhyLines ?? maxLines;
  const shown = Math.min(maxRows, sample?.targets.length ?? 0);
  const table = (why: WhyShown): TableProps => ({
    columns: TARGET_COLUMNS,
    rows: targetRowsOf(sample, why),
    width,
    maxRows,
    maxLines,
  });
  // The lines the shown targets take with their whys, all of them drawn.
  const body = (t: TableProps) => tableRows({ ...t, maxRows: shown, maxLines: Number.POSITIVE_INFINITY }) - 1;
  const all = table('all');
  if (body(all) <= passingWhyLines) return all;
  // A why that does not fit is left out whole, never cut: the verdict on its row stays.
  const notPassing = table('not-passing');
  return body(notPassing) <= maxLines ? notPassing : table('none');
}

/** Rows the target table takes (its header included). */
export function targetTableRows(props: TargetTableProps): number {
  return tableRows(targetTable(props));
}

/** The latest sample per target: values, request counts, verdict and why. */
export function TargetTable(props: TargetTableProps) {
  return <Table {...targetTable(props)} />;
}

/** The armed automatic rollback as one sentence: its countdown and h to hold it, or who held it and why. */
export function autoRollbackSentence(state: SessionState, now: number, readOnly = false): string | undefined {
  const armed = state.canary?.autoRollback;
  if (!armed) return undefined;
  if (armed.heldBy)
    return `! Automatic rollback HELD by ${armed.heldBy}: ${armed.heldReason ?? 'reason to follow'}.${readOnly ? '' : ' x still rolls back at once.'}`;
  const left = formatClock(realTimeRemaining(armed.deadline, now, armed.speed));
  return `AUTO-ROLLBACK (${armed.reason}): ${left} left${readOnly ? '' : ' · h: hold it'}`;
}

/** Rows the automatic-rollback line takes at `width` (its reason wraps, never cut). */
export function autoRollbackRows(state: SessionState, now: number, width: number, readOnly = false): number {
  const sentence = autoRollbackSentence(state, now, readOnly);
  return sentence === undefined ? 0 : wrappedRows(sentence, width);
}

/** The armed automatic rollback: its countdown and h to hold (not on a watcher's screen), or who held it. */
export function AutoRollbackLine({
  state,
  now,
  readOnly = false,
}: {
  state: SessionState;
  now: number;
  readOnly?: boolean;
}) {
  const theme = useTheme();
  const armed = state.canary?.autoRollback;
  if (!armed) return null;
  if (armed.heldBy) {
    return (
      <Text wrap="wrap" color={theme.warn} bold>
        {autoRollbackSentence(state, now, readOnly)}
      </Text>
    );
  }
  return (
    <Text wrap="wrap">
      <Countdown
        label={`AUTO-ROLLBACK (${armed.reason})`}
        remainingMs={realTimeRemaining(armed.deadline, now, armed.speed)}
        danger
      />
      {readOnly ? null : <Text bold> · h: hold it</Text>}
    </Text>
  );
}

/** The red abort key, always visible while traffic is on the new version. */
export function AbortLine({ shifted }: { shifted: boolean }) {
  const theme = useTheme();
  if (!shifted) return null;
  return (
    <Text wrap="truncate">
      <Text color={theme.danger} bold inverse={!theme.colors}>
        x ABORT & ROLL BACK
      </Text>
      <Text dimColor> sends traffic back to the stable version now, no question asked</Text>
    </Text>
  );
}

/** Rows the drift panel takes at `width`: its banner, each detail (wrapped, never cut) and the choices. */
export function driftRows(state: SessionState, width: number): number {
  const drift = state.drift;
  if (!drift || drift.resolved) return 0;
  return 2 + drift.details.reduce((sum, line) => sum + wrappedRows(`  ${line}`, width), 0);
}

export function DriftPanel({ state }: { state: SessionState }) {
  const drift = state.drift;
  if (!drift || drift.resolved) return null;
  const live =
    drift.live.apiGateway?.canaryPercent ?? Math.round((drift.live.lambdas[0]?.additionalWeight ?? 0) * 100);
  return (
    <Box flexDirection="column">
      <Banner
        kind="danger"
        text={`DRIFT: the journal says ${drift.recordedWeight}% on the new version, AWS says ${live}%.`}
      />
      {drift.details.map((line) => (
        <Text key={line} wrap="wrap">
          {'  '}
          {line}
        </Text>
      ))}
      <Text bold wrap="truncate">
        enter: adopt the live split · re-apply {drift.recordedWeight}% · roll back
      </Text>
    </Box>
  );
}

/** What the first traffic change touches: one line per target. */
export function canaryTargetLines(def: CanaryStep): string[] {
  const lines: string[] = [];
  const api = def.targets.apiGateway;
  if (api) lines.push(`API Gateway ${api.apiName} (${api.restApiId}) stage ${api.stage}`);
  for (const lambda of def.targets.lambdas) lines.push(`Lambda ${lambda.functionName} alias ${lambda.alias}`);
  return lines;
}

/**
 * The question before the first traffic moves (`start: manual`): the stage weight, every target and
 * the account, and enter to start. One row per element, so the screen can count them.
 */
export function canaryStartRows(props: {
  def: CanaryStep;
  version: string;
  environment: string;
  account: string;
  production: boolean;
  dangerColor?: string;
  /** A watcher's screen: the conductor answers, not this screen. */
  readOnly?: boolean;
}): ReactNode[] {
  const { def, version, environment, account, production, dangerColor, readOnly } = props;
  const weight = def.stages[0]?.weight ?? 0;
  return [
    <Banner
      key="start"
      kind="warn"
      text={`Start the canary? ${weight}% of ${environment} traffic moves to ${version}.`}
    />,
    ...canaryTargetLines(def).map((line) => (
      <Text key={`target-${line}`} wrap="truncate">
        {'  '}
        {line} → {weight}%
      </Text>
    )),
    <Text key="start-account" bold wrap="truncate" color={production ? dangerColor : undefined}>
      {'  '}AWS account {account} ({environment})
    </Text>,
    <Text key="start-enter" bold wrap="truncate">
      {readOnly ? 'waiting for the conductor to start the canary' : 'enter: start the canary'}
    </Text>,
  ];
}
