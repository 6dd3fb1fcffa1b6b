import { Box, Text } from 'ink';
import { type ReactNode, useMemo } from 'react';
import { Banner } from '../components/Banner.js';
import { Countdown } from '../components/Countdown.js';
import { MetricChart } from '../components/MetricChart.js';
import { type Cell, Table } from '../components/Table.js';
import { VerdictBadge, verdictText } from '../components/VerdictBadge.js';
import { realTimeRemaining } from '../core/canary/stage.js';
import type { CanaryStep } from '../core/runbook/schema.js';
import type { SampleState, SessionState } from '../core/session/state.js';
import { useTheme } from '../terminal/theme.js';
import { badgeVerdict, formatMs, formatPct, sampleBadges, stageSeries } from './series.js';

/** The two charts side by side: error rate and p95, canary against baseline, with the band lines. */
export function ChartPair(props: {
  samples: readonly SampleState[];
  bands: CanaryStep['bands'];
  slots: number;
  spanMs: number;
  width: number;
  height: number;
}) {
  const { samples, bands, slots, spanMs, width, height } = props;
  // The charts are memoised on their props: new series only when a sample arrives, not every tick.
  const series = useMemo(() => stageSeries(samples, bands), [samples, bands]);
  const half = Math.floor((width - 1) / 2);
  return (
    <Box width={width} height={height} overflow="hidden">
      <MetricChart
        title="error rate (%)"
        unit="%"
        width={half}
        height={height}
        canary={series.errorCanary}
        baseline={series.errorBaseline}
        thresholds={series.errorThresholds}
        slots={slots}
        spanMs={spanMs}
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

/** The latest sample per target: values, request counts, verdict and why. */
export function TargetTable({
  sample,
  width,
  maxRows,
}: {
  sample?: SampleState;
  width: number;
  maxRows: number;
}) {
  const rows = (sample?.targets ?? []).map((t) => {
    const verdict: Cell = {
      text: verdictText(badgeVerdict(t.verdict)),
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
      why: t.reasons.join('; '),
    };
  });
  return (
    <Table
      columns={[
        { key: 'target', title: 'target', width: 22 },
        { key: 'err', title: 'err canary/base', width: 15 },
        { key: 'p95', title: 'p95 canary/base', width: 15 },
        { key: 'req', title: 'requests', width: 11 },
        { key: 'verdict', title: 'verdict', width: 13 },
        { key: 'why', title: 'why' },
      ]}
      rows={rows}
      width={width}
      maxRows={maxRows}
    />
  );
}

/** The armed automatic rollback: its countdown and h to hold, or who held it. */
export function AutoRollbackLine({ state, now }: { state: SessionState; now: number }) {
  const theme = useTheme();
  const armed = state.canary?.autoRollback;
  if (!armed) return null;
  if (armed.heldBy) {
    return (
      <Text wrap="truncate" color={theme.warn} bold>
        {`! Automatic rollback HELD by ${armed.heldBy}: ${armed.heldReason ?? 'reason to follow'}. x still rolls back at once.`}
      </Text>
    );
  }
  return (
    <Text wrap="truncate">
      <Countdown
        label={`AUTO-ROLLBACK (${armed.reason})`}
        remainingMs={realTimeRemaining(armed.deadline, now, armed.speed)}
        danger
      />
      <Text bold> · h: hold it</Text>
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
        <Text key={line} wrap="truncate">
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
}): ReactNode[] {
  const { def, version, environment, account, production, dangerColor } = props;
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
      enter: start the canary
    </Text>,
  ];
}
