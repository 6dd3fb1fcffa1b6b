import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { ReactElement } from 'react';
import { Banner, bannerRows } from '../components/Banner.js';
import { CommandLog } from '../components/CommandLog.js';
import { formatClock } from '../components/format.js';
import { type Cell, Table } from '../components/Table.js';
import { wrappedRows } from '../components/wrap.js';
import { windowWarning } from '../core/gates/window.js';
import { formatDuration } from '../core/runbook/duration.js';
import { interpolate } from '../core/runbook/interpolate.js';
import type { Step } from '../core/runbook/schema.js';
import { currentStep, stepDefinition, stepEnvironment } from '../core/session/selectors.js';
import type { StepState } from '../core/session/state.js';
import { sessionVariables } from '../core/session/variables.js';
import { useTheme } from '../terminal/theme.js';
import { commandFacts, shellLine } from './command-facts.js';
import { phaseSteps } from './route.js';
import type { ScreenProps } from './types.js';

export interface ChecklistProps extends ScreenProps {
  /** Index into the phase's items. */
  selected: number;
  /** Lines scrolled back in the output pane (0 follows the output). */
  logOffset: number;
  /** Lines of the running command (the engine's liveOutput). */
  liveOutput: readonly string[];
}

const STATUS: Record<StepState['status'], Cell> = {
  pending: { text: '· to do', tone: 'muted' },
  running: { text: '▶ running', bold: true },
  passed: { text: '✓ done', tone: 'ok' },
  failed: { text: '✗ FAILED', tone: 'danger', bold: true },
  skipped: { text: '- skipped', tone: 'muted' },
};

function itemInfo(step: StepState): string {
  const parts: string[] = [];
  if (step.exitCode !== undefined && step.exitCode !== null) parts.push(`exit ${step.exitCode}`);
  if (step.durationMs !== undefined) parts.push(formatDuration(step.durationMs));
  if (step.attempts > 1) parts.push(`try ${step.attempts}`);
  if (step.confirmedBy) parts.push(step.confirmedBy);
  return parts.join(' · ');
}

/** The phase's items, then the selected one in detail: what it is, what it printed, what to press. */
export function Checklist(props: ChecklistProps) {
  const { state, promotion, width, height, selected } = props;
  // Titles may name session values ("PROD change ticket ${ticket} created"): show them filled in.
  const vars = sessionVariables(props.runbook, state, props.now);
  const items = phaseSteps(state).map((s) => ({ ...s, title: interpolate(s.title, vars) }));
  const phase = state.phases.find((p) => p.id === items[0]?.phaseId);
  const done = items.filter((s) => s.status === 'passed' || s.status === 'skipped').length;
  const item = items[Math.min(selected, items.length - 1)];
  const def = item ? stepDefinition(promotion, item.id) : undefined;
  // A command needs room for its output; other items need a few lines of detail.
  const detailWanted = def?.kind === 'command' ? Math.floor(height / 2) + 1 : 6;
  // A window that closes before the canary can end is said before the canary starts.
  const windowNote = windowWarning(state, promotion, props.now);
  const noteRows = windowNote ? bannerRows(windowNote.kind, windowNote.text, width) : 0;
  const tableRows = Math.min(items.length, Math.max(3, height - 3 - noteRows - detailWanted));
  const detailHeight = Math.max(3, height - 2 - noteRows - tableRows - (items.length > tableRows ? 1 : 0));
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold wrap="truncate">
        {phase?.title ?? 'Checklist'}{' '}
        <Text dimColor>
          · {done} of {items.length} done
        </Text>
      </Text>
      {windowNote ? <Banner kind={windowNote.kind} text={windowNote.text} wrap /> : null}
      <Table
        columns={[
          { key: 'status', title: 'status', width: 10 },
          { key: 'title', title: 'item' },
          { key: 'info', title: '', width: Math.min(24, Math.floor(width / 4)) },
        ]}
        rows={items.map((s) => ({ status: STATUS[s.status], title: s.title, info: itemInfo(s) }))}
        width={width}
        maxRows={tableRows}
        selected={Math.min(selected, items.length - 1)}
      />
      {item && def ? <ItemDetail {...props} item={item} def={def} height={detailHeight} /> : null}
    </Box>
  );
}

function ItemDetail(props: ChecklistProps & { item: StepState; def: Step }) {
  const { item, def, state, runbook, promotion, now, waiting, width, height } = props;
  const theme = useTheme();
  const isCurrent = currentStep(state)?.id === item.id;
  const lines: ReactElement[] = [];
  // Rows the lines take beyond one each: what the person is asked to do wraps, never cut.
  let wrappedExtra = 0;
  const waitingHere = waiting?.step === item.id ? waiting : undefined;

  if (def.kind === 'manual') {
    if (def.description) {
      lines.push(
        <Text key="desc" wrap="wrap">
          {def.description}
        </Text>,
      );
      wrappedExtra += wrappedRows(def.description, width) - 1;
    }
    if (item.status === 'passed') {
      lines.push(
        <Text key="by" color={theme.ok} wrap="truncate">
          ✓ confirmed by {item.confirmedBy ?? 'someone'}
          {item.note ? ` · evidence: ${item.note}` : ''}
        </Text>,
      );
    } else if (isCurrent) {
      const ask =
        def.evidence === 'required'
          ? 'space: mark done (an evidence note is required: a link, a ticket or a value)'
          : def.evidence === 'optional'
            ? 'space: mark done (with an optional evidence note)'
            : 'space: mark done';
      lines.push(
        <Text key="ask" bold wrap="wrap">
          {ask}
        </Text>,
      );
    }
    return <Detail title={item.title} width={width} height={height} lines={lines} />;
  }

  if (def.kind === 'command') {
    const facts = commandFacts(runbook, promotion, state, def, now);
    lines.push(
      <Text key="argv" wrap="truncate">
        <Text dimColor>$ </Text>
        {shellLine(facts.argv)}
      </Text>,
    );
    if (waitingHere?.kind === 'traffic-guard') {
      lines.push(
        <Banner key="guard" kind="warn" text={`This changes ${facts.environment}: it will not run yet.`} />,
        <Text key="guard-why" wrap="wrap">
          {waitingHere.message}
        </Text>,
        <Text key="guard-fix" bold wrap="truncate">
          enter: record the change ticket, or override the window with a reason
        </Text>,
        <Text key="guard-acct" wrap="truncate" bold color={facts.production ? theme.danger : undefined}>
          AWS account {facts.account} ({facts.environment})
        </Text>,
      );
    }
    if (waitingHere?.kind === 'dangerous') {
      lines.push(
        <Banner
          key="danger"
          kind="danger"
          text={`DANGEROUS: this changes ${facts.environment}. Enter to review and run.`}
        />,
        // A run after the first says which run it is, and why it is asked again.
        ...(item.attempts > 0
          ? [
              <Text key="danger-again" wrap="wrap">
                {waitingHere.message}
              </Text>,
            ]
          : []),
        <Text key="env" wrap="truncate">
          env{' '}
          {Object.entries(facts.env)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}
        </Text>,
        <Text key="acct" wrap="truncate" bold color={facts.production ? theme.danger : undefined}>
          AWS account {facts.account} ({facts.environment})
        </Text>,
      );
    }
  } else if (def.kind === 'http') {
    lines.push(
      <Text key="url" wrap="truncate">
        {def.method} {urlOf(props, def.url)} expects {def.expectStatus}
      </Text>,
    );
  } else if (def.kind === 'load') {
    lines.push(
      <Text key="url" wrap="truncate">
        load {urlOf(props, def.url)} · {def.concurrency} connections · error rate ≤ {def.maxErrorRatePct}% ·
        p95 ≤ {formatDuration(def.maxP95)}
      </Text>,
    );
  } else if (def.kind === 'notify') {
    lines.push(
      <Text key="tpl" wrap="truncate">
        message {def.template}
      </Text>,
    );
  }

  if (item.status === 'running') {
    const elapsed = item.startedAt !== undefined ? now - item.startedAt : 0;
    lines.push(
      <Text key="run" wrap="truncate">
        <Text color={theme.info}>
          <Spinner type="dots" />
        </Text>{' '}
        running{item.attempts > 1 ? ` (try ${item.attempts})` : ''} · {formatClock(elapsed)}
      </Text>,
    );
    // The previous engine's command still runs: the step waits for it, and says so.
    if (item.command?.orphan)
      lines.push(
        <Text key="orphan" wrap="wrap" color={theme.warn}>
          {item.command.orphan.detail}
          {props.waiting?.kind === 'orphan' && !props.readOnly
            ? ' enter: stop it instead (the step then runs again).'
            : ''}
        </Text>,
      );
  } else if (item.status === 'passed' || item.status === 'failed') {
    const exit = item.exitCode !== undefined && item.exitCode !== null ? `exit ${item.exitCode}` : undefined;
    const took = item.durationMs !== undefined ? formatDuration(item.durationMs) : undefined;
    // Why it failed is a reason: said whole.
    const result = `${item.status === 'failed' ? '✗ failed' : '✓ passed'}${exit ? ` · ${exit}` : ''}${
      took ? ` · ${took}` : ''
    }${item.detail ? ` · ${item.detail}` : ''}`;
    lines.push(
      <Text
        key="result"
        wrap="wrap"
        color={item.status === 'failed' ? theme.danger : theme.ok}
        bold={item.status === 'failed'}
      >
        {result}
      </Text>,
    );
    wrappedExtra += wrappedRows(result, width) - 1;
  }
  for (const evidence of item.evidence) {
    lines.push(
      <Text key={`ev-${evidence.id}`} wrap="truncate" color={evidence.ok ? theme.ok : theme.danger}>
        {evidence.ok ? '✓' : '✗'} {evidence.detail}
      </Text>,
    );
  }
  if (item.status === 'failed') {
    lines.push(
      <Text key="rerun" bold wrap="truncate">
        r: run it again{item.logFile ? ` · full log ${item.logFile}` : ''}
      </Text>,
    );
  }
  const showLog =
    def.kind === 'command' && (item.status === 'running' || (isCurrent && props.liveOutput.length > 0));
  const logHeight = Math.max(2, height - 1 - lines.length - wrappedExtra);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Detail
        title={item.title}
        width={width}
        height={Math.min(height, lines.length + 1 + wrappedExtra)}
        lines={lines}
      />
      {showLog ? (
        <CommandLog
          lines={props.liveOutput}
          height={logHeight}
          width={width}
          scrollOffset={props.logOffset}
        />
      ) : null}
    </Box>
  );
}

/** A step's URL with its placeholders filled in for the environment it runs against. */
function urlOf(props: ChecklistProps & { item: StepState }, url: string): string {
  const env = stepEnvironment(props.runbook, props.promotion, props.item.id);
  return interpolate(url, sessionVariables(props.runbook, props.state, props.now, env.id));
}

function Detail({
  title,
  lines,
  width,
  height,
}: {
  title: string;
  lines: ReactElement[];
  width: number;
  height: number;
}) {
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold underline wrap="truncate">
        {title}
      </Text>
      {lines}
    </Box>
  );
}
