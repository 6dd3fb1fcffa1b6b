import { Box, Text } from 'ink';
import { Banner } from '../components/Banner.js';
import { formatClock } from '../components/format.js';
import { type Cell, Table } from '../components/Table.js';
import { roleListsSigners } from '../core/approvals/signed-roles.js';
import type { RoleStatus } from '../core/gates/approvals.js';
import type { ApprovalStep } from '../core/runbook/schema.js';
import { approvalStatusOf, roleTitles } from '../core/session/gates.js';
import { currentStep, stepDefinition } from '../core/session/selectors.js';
import { useTheme } from '../terminal/theme.js';
import type { ScreenProps } from './types.js';

/** The approval step on screen: the current step when it is one, else the last approval gate. */
export function approvalStepOf(props: Pick<ScreenProps, 'state' | 'promotion'>): ApprovalStep | undefined {
  const current = currentStep(props.state);
  const def = current ? stepDefinition(props.promotion, current.id) : undefined;
  if (def?.kind === 'approval') return def;
  const last = [...props.state.steps].reverse().find((s) => s.kind === 'approval');
  const lastDef = last ? stepDefinition(props.promotion, last.id) : undefined;
  return lastDef?.kind === 'approval' ? lastDef : undefined;
}

function _utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The countdown a tired person can compare at a glance: "47:00:00 left", or EXPIRED. */
function expiryCell(role: RoleStatus, now: number): Cell {
  if (role.expiresAt === undefined) return { text: '—', tone: 'muted' };
  if (role.state === 'expired') return { text: 'EXPIRED', tone: 'danger', bold: true };
  const left = role.expiresAt - now;
  return { text: `${formatClock(left)} left`, tone: left < 3_600_000 ? 'warn' : undefined };
}

/** Who approved when, and until when: "@jane.doe 12-01 22:00 → 12-03 22:00 UTC". */
function approvedByCell(role: RoleStatus): string {
  if (!role.approval) return '';
  const short = (ms: number) => new Date(ms).toISOString().slice(5, 16).replace('T', ' ');
  const until = role.expiresAt !== undefined ? ` → ${short(role.expiresAt)} UTC` : '';
  return `${role.approval.approver} ${short(role.approval.at)}${until}`;
}

const STATE_CELL: Record<RoleStatus['state'], Cell> = {
  approved: { text: '✓ approved', tone: 'ok' },
  missing: { text: '· waiting', tone: 'warn', bold: true },
  expired: { text: '✗ expired', tone: 'danger', bold: true },
  invalid: { text: '✗ not valid', tone: 'danger', bold: true },
};

export function Approval(props: ScreenProps) {
  const { state, runbook, now, width, height } = props;
  const theme = useTheme();
  const def = approvalStepOf(props);
  if (!def) return <Text>No approval gate in this promotion.</Text>;
  const status = approvalStatusOf(runbook, state, def, now);
  const titles = roleTitles(runbook);
  const refusal = state.refusals.filter((r) => r.step === def.id).at(-1);
  const latestApproval = state.approvals.filter((a) => a.step === def.id).at(-1);
  const refusalIsLatest = refusal && (!latestApproval || refusal.at >= latestApproval.at);
  const escalation = status.escalate?.text ?? state.escalations.filter((e) => e.step === def.id).at(-1)?.text;
  // Who may approve, which role and why are sentences: they wrap, never cut.
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold wrap="wrap">
        {def.title}
      </Text>
      <Text wrap="wrap" dimColor>
        risk {state.meta.risk} · approvals last {formatClock(def.expiry)}
        {def.separationOfDuties ? ` · the conductor (${state.meta.conductor}) may not approve` : ''}
      </Text>
      <Table
        columns={[
          { key: 'role', title: 'role', fit: true },
          { key: 'state', title: 'state', fit: true },
          { key: 'expiry', title: 'expires in', fit: true },
          { key: 'who', title: 'approved by, at → until', wrap: true },
        ]}
        rows={status.roles.map((role) => ({
          role: titles[role.role] ?? role.role,
          state: STATE_CELL[role.state],
          who: approvedByCell(role),
          expiry: expiryCell(role, now),
        }))}
        width={width}
        maxRows={6}
      />
      {status.roles
        .filter((role) => !role.why.startsWith('required by'))
        .map((role) => (
          <Text key={`why-${role.role}`} wrap="wrap" dimColor>
            {titles[role.role] ?? role.role}: {role.why}
            {role.approval
              ? ` · "${role.approval.comment}"${role.approval.reference ? ` (${role.approval.reference})` : ''}`
              : ''}
          </Text>
        ))}
      {status.roles.map((role) => {
        const title = titles[role.role] ?? role.role;
        if (role.approval?.signed)
          return (
            <Text key={`sig-${role.role}`} wrap="wrap" dimColor>
              {title}: signed by {role.approval.signer} · key {role.approval.fingerprint}
            </Text>
          );
        if (role.state === 'approved' || !roleListsSigners(runbook, role.role)) return null;
        return (
          <Text key={`sig-${role.role}`} wrap="wrap">
            {title} must sign: conductor approve {state.meta.sessionId} --role {role.role}
          </Text>
        );
      })}
      {status.satisfied ? (
        <Text color={theme.ok} bold wrap="truncate">
          ✓ Every required role has approved.
        </Text>
      ) : (
        // A missing role is already in the table; what else keeps the gate closed is spelled out.
        status.problems
          .filter((problem) => !problem.includes('has not approved yet'))
          .map((problem) => (
            <Text key={problem} wrap="wrap" color={theme.warn}>
              ! {problem}
            </Text>
          ))
      )}
      {escalation ? (
        <Text wrap="wrap" color={theme.danger} bold>
          ✗ ESCALATE: {escalation}
        </Text>
      ) : null}
      {refusalIsLatest && refusal ? (
        <Banner kind="warn" text={`Not recorded: ${refusal.reason}`} wrap />
      ) : null}
      {def.documentation.length > 0 ? (
        <Text wrap="wrap" dimColor>
          approvers look for: {def.documentation.join(' · ')}
        </Text>
      ) : null}
      {!status.satisfied ? (
        <Text bold wrap="wrap">
          {status.roles.some((r) => r.state !== 'approved' && roleListsSigners(runbook, r.role))
            ? 'a or enter: paste a signed token (or type an approval for a role without signers)'
            : 'a or enter: record an approval (approver, role, comment, reference)'}
        </Text>
      ) : null}
    </Box>
  );
}
