import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { Banner } from '../components/Banner.js';
import { StageStrip, type StripStage } from '../components/StageStrip.js';
import { TrafficSplit } from '../components/TrafficSplit.js';
import { windowWarning } from '../core/gates/window.js';
import type { CanaryStep } from '../core/runbook/schema.js';
import { currentStage, stageTimeLeft, stepEnvironment, trafficShifted } from '../core/session/selectors.js';
import type { SessionState } from '../core/session/state.js';
import { useTheme } from '../terminal/theme.js';
import {
  AbortLine,
  AutoRollbackLine,
  ChartPair,
  canaryStartRows,
  DriftPanel,
  SampleStrip,
  TargetTable,
} from './CanaryPanels.js';
import { canaryPercentOf } from './series.js';
import type { ScreenProps } from './types.js';

export function canaryStepOf(props: Pick<ScreenProps, 'promotion'>): CanaryStep | undefined {
  for (const phase of props.promotion.phases)
    for (const step of phase.steps) if (step.kind === 'canary') return step;
  return undefined;
}

function stripStages(def: CanaryStep, state: SessionState): StripStage[] {
  const stage = currentStage(state);
  const failed = state.rollback !== undefined;
  return def.stages.map((s, index) => {
    if (state.canary?.promoted) return { percent: s.weight, state: 'done' };
    if (!stage || index > stage.index) return { percent: s.weight, state: 'todo' };
    if (index < stage.index) return { percent: s.weight, state: 'done' };
    if (failed) return { percent: s.weight, state: 'failed' };
    return { percent: s.weight, state: stage.completedAt !== undefined ? 'done' : 'current' };
  });
}

/** The staged canary: where it stands, what the metrics say, what happens next, and the way out. */
export function Canary(props: ScreenProps) {
  const { state, now, waiting, width, height } = props;
  const theme = useTheme();
  const def = canaryStepOf(props);
  if (!def) return <Text>No canary in this promotion.</Text>;
  const stage = currentStage(state);
  const shifted = trafficShifted(state);
  const split = state.lastSplit;
  const samples = stage?.samples ?? [];
  const spanMs = stage ? stage.holdMs + stage.extendedMs : (def.stages[0]?.hold ?? def.period);
  const slots = Math.max(2, Math.ceil(spanMs / def.period));
  const lastSample = samples.at(-1);
  const targetRows = Math.min(4, lastSample?.targets.length ?? 1);

  const alerts: ReactNode[] = [];
  if (state.drift && !state.drift.resolved) alerts.push(<DriftPanel key="drift" state={state} />);
  if (state.canary?.autoRollback) alerts.push(<AutoRollbackLine key="auto" state={state} now={now} />);
  if (stage?.decision) {
    alerts.push(
      <Banner
        key="decision"
        kind={stage.decision.action === 'halt' ? 'danger' : 'warn'}
        text={`Stage ${stage.index + 1} (${stage.weight}%) needs a decision: ${stage.decision.reason}`}
      />,
      <Text key="decide" bold wrap="truncate">
        enter: decide (
        {stage.decision.action === 'halt'
          ? 'roll back / investigate'
          : 'extend / advance / roll back / investigate'}
        )
      </Text>,
    );
  }
  if (waiting?.kind === 'canary-start') {
    const env = stepEnvironment(props.runbook, props.promotion, def.id);
    alerts.push(
      ...canaryStartRows({
        def,
        version: state.meta.version,
        environment: env.title,
        account: state.identity[env.id]?.account ?? env.accountId,
        production: env.production,
        dangerColor: theme.danger,
      }),
    );
  }
  if (waiting?.kind === 'traffic-guard') {
    alerts.push(
      <Banner key="guard" kind="warn" text={`Traffic will not move: ${waiting.message}`} />,
      <Text key="guard-fix" bold wrap="truncate">
        enter: record the change ticket, the window, or override the window with a reason
      </Text>,
    );
  }
  if (stage?.pausedBy === 'metrics-stale')
    alerts.push(
      <Banner
        key="stale"
        kind="warn"
        text="Metrics are stale: the hold timer is stopped until fresh data arrives."
      />,
    );
  if (waiting?.kind === 'halted' && !stage?.decision)
    alerts.push(<Banner key="halted" kind="warn" text={waiting.message} />);
  if (state.status === 'halted')
    alerts.push(<Banner key="session-halted" kind="danger" text={state.summary ?? 'halted'} />);
  // The traffic guard's own banner already names a closed window.
  const windowNote =
    waiting?.kind === 'traffic-guard' ? undefined : windowWarning(state, props.promotion, now);
  if (windowNote) alerts.push(<Banner key="window" kind={windowNote.kind} text={windowNote.text} />);

  const alertRows =
    alerts.length + (state.drift && !state.drift.resolved ? state.drift.details.length + 1 : 0);
  const fixedRows = 1 + 1 + alertRows + 1 + (1 + targetRows) + (shifted ? 1 : 0);
  const chartHeight = Math.max(5, height - fixedRows);
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
        samples={samples}
        bands={def.bands}
        slots={slots}
        spanMs={spanMs}
        width={width}
        height={chartHeight}
      />
      <SampleStrip samples={samples} sustained={def.sustained} width={width} />
      <TargetTable sample={lastSample} width={width} maxRows={targetRows} />
      <AbortLine shifted={shifted} />
    </Box>
  );
}
