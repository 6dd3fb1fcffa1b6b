import { Box, Text } from 'ink';
import { type Cell, Table } from '../components/Table.js';
import { declaredInputs, GONOGO_INPUTS } from '../core/runbook/gonogo-sources.js';
import type { GonogoStep } from '../core/runbook/schema.js';
import { decideFor } from '../core/session/gates.js';
import { stepsBehindFailingInputs } from '../core/session/gonogo-inputs.js';
import { currentStep, stepDefinition } from '../core/session/selectors.js';
import { useTheme } from '../terminal/theme.js';
import type { ScreenProps } from './types.js';

const VERDICT: Record<string, Cell> = {
  ok: { text: '✓ ok', tone: 'ok' },
  watch: { text: '! watch', tone: 'warn', bold: true },
  fail: { text: '✗ FAIL', tone: 'danger', bold: true },
  missing: { text: '? missing', tone: 'danger', bold: true },
};

/** What `r` does here: run again the steps behind the failing inputs (gonogo-inputs.ts), then decide. */
function rerunHint({ state, promotion }: ScreenProps, gate: GonogoStep): string {
  const titles = stepsBehindFailingInputs(state, state.gonogo?.rows ?? [], promotion, gate).map(
    (id) => stepDefinition(promotion, id)?.title ?? id,
  );
  return titles.length > 0
    ? `r: run ${titles.join(', ')} again and decide again`
    : 'r: decide again once something above has changed';
}

/** The matrix, the decision and what would change it: recorded when decided, else a live preview. */
export function GoNoGo(props: ScreenProps) {
  const { state, runbook, promotion, now, width, height } = props;
  const theme = useTheme();
  const step =
    state.steps.find((s) => s.kind === 'gonogo' && s.id === currentStep(state)?.id) ??
    state.steps.find((s) => s.kind === 'gonogo');
  const def = step ? stepDefinition(promotion, step.id) : undefined;
  if (!step || def?.kind !== 'gonogo') return <Text>No go/no-go in this promotion.</Text>;
  const recorded = state.gonogo?.step === step.id ? state.gonogo : undefined;
  const result = recorded ?? decideFor(runbook, promotion, state, def, now);
  const undeclared = GONOGO_INPUTS.filter((input) => !declaredInputs(def).includes(input));
  const color = result.decision === 'NO-GO' ? theme.danger : result.decision === 'GO' ? theme.ok : theme.warn;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold wrap="truncate">
        {def.title}
      </Text>
      <Text wrap="truncate">
        Decision:{' '}
        <Text bold color={color} inverse={!theme.colors}>
          {` ${result.decision} `}
        </Text>
        <Text dimColor>
          {recorded
            ? ` recorded ${new Date(recorded.at).toISOString().slice(11, 16)} UTC`
            : ' (preview: not decided yet)'}
        </Text>
      </Text>
      <Table
        columns={[
          { key: 'input', title: 'input', width: 12 },
          { key: 'value', title: 'value', width: 14 },
          { key: 'limit', title: 'limit', width: 14 },
          { key: 'verdict', title: 'verdict', width: 10 },
          { key: 'reason', title: 'reason' },
        ]}
        rows={result.rows.map((row) => ({
          input: row.input,
          value: row.value,
          limit: row.limit,
          verdict: VERDICT[row.verdict] ?? row.verdict,
          reason: row.reason,
        }))}
        width={width}
        maxRows={6}
      />
      {undeclared.length > 0 ? (
        <Text dimColor wrap="truncate">
          Not an input of this go/no-go (the runbook does not declare it): {undeclared.join(', ')}
        </Text>
      ) : null}
      {result.whatWouldChange.length > 0 ? (
        <>
          <Text bold wrap="truncate">
            What would change it
          </Text>
          {result.whatWouldChange.map((line) => (
            <Text key={line} wrap="truncate">
              • {line}
            </Text>
          ))}
        </>
      ) : null}
      {result.decision === 'NO-GO' && step.status === 'failed' ? (
        <>
          <Text bold wrap="wrap">
            {rerunHint(props, def)}
          </Text>
          <Text bold wrap="wrap">
            A: abandon the session (with a reason, journaled and in the report)
          </Text>
        </>
      ) : null}
    </Box>
  );
}
