import { formatWindow } from '../gates/window.js';
import { formatDuration } from '../runbook/duration.js';
import type { Variables } from '../runbook/interpolate.js';
import type { Runbook } from '../runbook/schema.js';
import { environmentVariables, promotionVariables } from '../runbook/variables.js';
import { progressVariables } from './progress-figures.js';
import { canaryStepOf, environmentOf, evidenceValues, latestEvidence } from './selectors.js';
import type { SessionState } from './state.js';

function utc(ms: number | undefined): string {
  if (ms === undefined) return 'n/a';
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The values a runbook's ${...} placeholders take in this session at this moment. */
export function sessionVariables(
  runbook: Runbook,
  state: SessionState,
  now: number,
  envId?: string,
): Variables {
  const env = environmentOf(runbook, envId ?? state.meta.to);
  const passed = evidenceValues(state, 'tests-passed').reduce((a, b) => a + b, 0);
  const coverage = latestEvidence(state, 'coverage');
  const roleTitle = (id: string) => runbook.roles.find((r) => r.id === id)?.title ?? id;
  const approvals = state.approvals.map((a) => `${roleTitle(a.role)} ${a.approver}`);
  const promotion = runbook.promotions.find((p) => p.id === state.meta.promotionId);
  const vars: Variables = {
    ...(env ? environmentVariables(env) : {}),
    ...(promotion ? promotionVariables(runbook, promotion) : {}),
    version: state.meta.version,
    previousVersion: state.meta.previousVersion ?? 'the previous version',
    ticket: state.meta.ticket ?? 'no ticket',
    risk: state.meta.risk,
    sessionId: state.meta.sessionId,
    conductor: state.meta.conductor,
    window: state.meta.window ? formatWindow(state.meta.window) : 'not declared',
    testCount: passed || 'n/a',
    coverage: coverage === undefined ? 'n/a' : String(coverage),
    duration: formatDuration(Math.max(0, now - state.meta.createdAt)),
    // The live figures (stage, weight, error rate, p95, verdict...) of the latest judged sample.
    ...progressVariables(state, promotion && canaryStepOf(promotion), now),
    approvals: approvals.length ? approvals.join(', ') : 'none',
    approvers: [...new Set(state.approvals.map((a) => roleTitle(a.role)))].join(', ') || 'none',
    reason: state.rollback?.reason ?? state.summary ?? '',
    incidentSummary: state.rollback
      ? `${state.rollback.trigger} rollback: ${state.rollback.reason}`
      : 'no incident',
    now: utc(now),
  };
  return vars;
}
