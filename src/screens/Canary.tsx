import { Box, Text } from 'ink';
import { type ReactNode, useMemo } from 'react';
import { Banner, type BannerKind, bannerRows } from '../components/Banner.js';
import { StageStrip, type StripStage } from '../components/StageStrip.js';
import { TrafficSplit } from '../components/TrafficSplit.js';
import { wrappedRows } from '../components/wrap.js';
import { stageChoices } from '../core/canary/stage-choices.js';
import { gonogoStepOf } from '../core/evidence/performance.js';
import { windowWarning } from '../core/gates/window.js';
import type { CanaryStep } from '../core/runbook/schema.js';
import {
  canaryStepOf,
  currentStage,
  stageTimeLeft,
  stageWeight,
  stepEnvironment,
  trafficShifted,
} from '../core/session/selectors.js';
import type { SessionState } from '../core/session/state.js';
import { useTheme } from '../terminal/theme.js';
import {
  AbortLine,
  AutoRollbackLine,
  autoRollbackRows,
  ChartPair,
  canaryStartRows,
  DriftPanel,
  driftRows,
  SampleStrip,
  TargetTable,
  targetTableRows,
} from './CanaryPanels.js';
import { canaryPercentOf, canaryTimeline, chartedTargetId } from './series.js';
import type { ScreenProps } from './types.js';

/** The planned stages, each that started at the weight it ran at (a drift adopted moves it). */
export function stripStages(def: CanaryStep, state: SessionState): StripStage[] {
  const stage = currentStage(state);
  const failed = state.rollback !== undefined;
  return def.stages.map((s, index) => {
    const ran = [...(state.canary?.stages ?? [])].reverse().find((st) => st.index === index);
    const percent = ran ? stageWeight(ran) : s.weight;
    if (state.canary?.promoted) return { percent, state: 'done' };
    if (!stage || index > stage.index) return { percent, state: 'todo' };
    if (index < stage.index) return { percent, state: 'done' };
    if (failed) return { percent, state: 'failed' };
    return { percent, state: stage.completedAt !== undefined ? 'done' : 'current' };
  });
}

/** The charts' least height (they shrink to it before a why or an alert is cut). */
const CHART_MIN_ROWS = 5;
/** The charts' height beside which a passing target's why is said too. */
const CHART_ROOMY_ROWS = 10;

/** The staged canary: where it stands, what the metrics say, what happens next, and the way out. */
export function Canary(props: ScreenProps) {
  const { state, now, waiting, width, height } = props;
  const theme = useTheme();
  const def = canaryStepOf(props.promotion);
  // Recomputed when a canary event lands, not on every tick: the charts are memoised on it.
  const canary = state.canary;
  const timeline = useMemo(() => (def ? canaryTimeline(def, canary) : undefined), [def, canary]);
  if (!def || !timeline) return <Text>No canary in this promotion.</Text>;
  const stage = currentStage(state);
  // A watcher's screen draws no key it cannot press: x is not offered there.
  const shifted = trafficShifted(state) && !props.readOnly;
  const answers = !props.readOnly;
  const split = state.lastSplit;
  const samples = stage?.samples ?? [];
  const lastSample = samples.at(-1);
  const targetRows = Math.min(4, lastSample?.targets.length ?? 1);

  const alerts: ReactNode[] = [];
  // Rows the alerts take: a sentence that carries a decision, a reason or a task wraps, never cut,
  // and the charts give up the rows it needs, so the abort line stays on the screen.
  let alertRows = 0;
  const banner = (key: string, kind: BannerKind, text: string) => {
    alerts.push(<Banner key={key} kind={kind} text={text} wrap />);
    alertRows += bannerRows(kind, text, width);
  };
  const sentence = (key: string, text: string) => {
    alerts.push(
      <Text key={key} bold wrap="wrap">
        {text}
      </Text>,
    );
    alertRows += wrappedRows(text, width);
  };
  if (state.drift && !state.drift.resolved) {
    alerts.push(<DriftPanel key="drift" state={state} />);
    alertRows += driftRows(state, width);
  }
  if (state.canary?.autoRollback) {
    alerts.push(<AutoRollbackLine key="auto" state={state} now={now} readOnly={props.readOnly} />);
    alertRows += autoRollbackRows(state, now, width, props.readOnly);
  }
  if (stage?.decision) {
    banner(
      'decision',
      stage.decision.action === 'halt' ? 'danger' : 'warn',
      `Stage ${stage.index + 1} (${stageWeight(stage)}%) needs a decision: ${stage.decision.reason}`,
    );
    // The answers the engine accepts now (the form lists the same), not the ones of the moment
    // the decision was raised: a sample since may have taken advance away.
    const choices = stageChoices(state, stage, def);
    const withheld =
      stage.decision.action !== 'halt' && choices.advanceWithheld
        ? `; advance is not offered: ${choices.advanceWithheld}`
        : '';
    sentence(
      'decide',
      `${answers ? 'enter: decide (' : 'waiting for the conductor to decide ('}${choices.options
        .map((o) => o.label)
        .join(' / ')})${withheld}`,
    );
  }
  if (waiting?.kind === 'canary-start') {
    const env = stepEnvironment(props.runbook, props.promotion, def.id);
    const rows = canaryStartRows({
      def,
      version: state.meta.version,
      environment: env.title,
      account: state.identity[env.id]?.account ?? env.accountId,
      production: env.production,
      dangerColor: theme.danger,
      readOnly: props.readOnly,
    });
    alerts.push(...rows);
    alertRows += rows.length;
  }
  if (waiting?.kind === 'traffic-guard') {
    banner('guard', 'warn', `Traffic will not move: ${waiting.message}`);
    sentence(
      'guard-fix',
      answers
        ? 'enter: record the change ticket, the window, or override the window with a reason'
        : 'waiting for the conductor: change ticket, window, or a window override',
    );
  }
  // A runbook may declare no go/no-go (issue 13): where it would be consulted, say what gates traffic.
  if (
    (waiting?.kind === 'canary-start' || waiting?.kind === 'traffic-guard') &&
    !gonogoStepOf(props.promotion)
  )
    sentence(
      'no-gonogo',
      'No go/no-go in this runbook: approvals, the change ticket and the window gate traffic.',
    );
  if (stage?.pausedBy === 'metrics-stale')
    banner('stale', 'warn', 'Metrics are stale: the hold timer is stopped until fresh data arrives.');
  if (waiting?.kind === 'halted' && !stage?.decision) banner('halted', 'warn', waiting.message);
  if (state.status === 'halted') banner('session-halted', 'danger', state.summary ?? 'halted');
  // The traffic guard's own banner already names a closed window.
  const windowNote =
    waiting?.kind === 'traffic-guard' ? undefined : windowWarning(state, props.promotion, now);
  if (windowNote) banner('window', windowNote.kind, windowNote.text);

  // The stage strip, the split, the alerts, the sample strip and the abort line; the charts and the
  // target table share the rest. The table takes what its rows need (a why wraps, never cut) as long
  // as the charts keep CHART_MIN_ROWS; a passing target's why only while they keep CHART_ROOMY_ROWS.
  const fixedRows = 1 + 1 + alertRows + 1 + (shifted ? 1 : 0);
  const table = {
    sample: lastSample,
    width,
    maxRows: targetRows,
    maxLines: Math.max(1, height - fixedRows - CHART_MIN_ROWS - 1),
    passingWhyLines: height - fixedRows - CHART_ROOMY_ROWS - 1,
  };
  const chartHeight = Math.max(CHART_MIN_ROWS, height - fixedRows - targetTableRows(table));
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <StageStrip
        stages={stripStages(def, state)}
        remainingMs={stage && stage.completedAt === undefined ? stageTimeLeft(stage, now) : undefined}
        paused={stage?.pausedAt !== undefined}
      />
      {split ? (
        <TrafficSplit
          stableVersion={state.meta.previousVersion ?? 'stable'}
          canaryVersion={state.meta.version}
          canaryPercent={canaryPercentOf(split, state.rollbackTarget)}
          width={width}
        />
      ) : (
        <Text dimColor wrap="truncate">
          traffic split: not read from AWS yet
        </Text>
      )}
      {alerts}
      <ChartPair
        samples={timeline.samples}
        targetId={chartedTargetId(timeline.samples, props.chartTarget)}
        bands={def.bands}
        slots={timeline.slots}
        sections={timeline.sections}
        width={width}
        height={chartHeight}
      />
      <SampleStrip samples={samples} sustained={def.sustained} width={width} />
      <TargetTable {...table} />
      <AbortLine shifted={shifted} />
    </Box>
  );
}
