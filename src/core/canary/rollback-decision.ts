/**
 * The rollback decision tree of seed 10.2 as a pure function. The seed draws three trees (critical
 * issue, error rate, performance); here they are walked in that order and `path` records every
 * question and answer so the screen and the incident summary can show how the decision was reached.
 *
 * Decisions taken where the seed is ambiguous:
 * - Critical and P1 -> IMMEDIATE ROLLBACK, nothing else is asked. P1 implies critical (10.1 lists P1
 *   failures under critical ones), so `p1` alone also rolls back at once.
 * - Critical but not P1 -> "proceed to P2 check": the error-rate and performance trees (10.1 lists
 *   p95 > 2x baseline and error rate > 5% as P2). If neither breaches, the issue is still real, so it
 *   goes to the 15-minute monitoring branch rather than straight to CONTINUE.
 * - Not critical -> the error-rate and performance trees still apply (a metric breach is an issue
 *   whoever flagged it); if neither breaches, the monitoring branch: unknown outcome -> MONITOR 15 MIN,
 *   persists -> ROLLBACK, resolves -> CONTINUE MONITORING.
 * - Error rate: "> 5%" investigates; exactly 5% continues. Root cause unknown yet -> INVESTIGATE,
 *   known -> FIX, not found -> ROLLBACK. p95: "> 2x" investigates; temporary spike -> CONTINUE,
 *   persistent -> ROLLBACK, not yet known -> INVESTIGATE.
 * - When both metric trees give an answer, the more cautious one wins:
 *   ROLLBACK > INVESTIGATE > FIX > CONTINUE.
 */
export type RollbackAction =
  | 'IMMEDIATE ROLLBACK'
  | 'ROLLBACK'
  | 'MONITOR 15 MIN'
  | 'CONTINUE MONITORING'
  | 'INVESTIGATE'
  | 'FIX'
  | 'CONTINUE';

export interface RollbackDecisionInput {
  critical: boolean;
  p1: boolean;
  /** After 15 minutes of monitoring: true persists, false resolved, undefined not yet known. */
  issuePersistsAfterMonitoring?: boolean;
  errorRatePct?: number;
  /** true known (fix forward), false not found (roll back), undefined still investigating. */
  rootCauseKnown?: boolean;
  /** Canary p95 divided by baseline p95. */
  p95OverBaselineFactor?: number;
  /** true a temporary spike, false persistent, undefined not yet known. */
  spikeTemporary?: boolean;
}

export interface RollbackDecision {
  action: RollbackAction;
  path: string[];
}

const ERROR_RATE_LIMIT_PCT = 5;
const P95_FACTOR_LIMIT = 2;

/** Higher is more cautious; used when two metric trees both answer. */
const CAUTION: Record<RollbackAction, number> = {
  'IMMEDIATE ROLLBACK': 6,
  ROLLBACK: 5,
  INVESTIGATE: 4,
  FIX: 3,
  'MONITOR 15 MIN': 2,
  'CONTINUE MONITORING': 1,
  CONTINUE: 0,
};

function errorRateTree(input: RollbackDecisionInput, path: string[]): RollbackAction | undefined {
  const rate = input.errorRatePct;
  if (rate === undefined) return undefined;
  if (rate <= ERROR_RATE_LIMIT_PCT) {
    path.push(`Error rate high? ${rate}% is not above ${ERROR_RATE_LIMIT_PCT}% -> continue`);
    return undefined;
  }
  path.push(`Error rate high? ${rate}% > ${ERROR_RATE_LIMIT_PCT}% -> INVESTIGATE`);
  if (input.rootCauseKnown === undefined) {
    path.push('Root cause known? not yet -> INVESTIGATE');
    return 'INVESTIGATE';
  }
  if (input.rootCauseKnown) {
    path.push('Root cause known? yes -> FIX');
    return 'FIX';
  }
  path.push('Root cause known? no -> ROLLBACK');
  return 'ROLLBACK';
}

function performanceTree(input: RollbackDecisionInput, path: string[]): RollbackAction | undefined {
  const factor = input.p95OverBaselineFactor;
  if (factor === undefined) return undefined;
  const shown = `${Number(factor.toFixed(2))}x`;
  if (factor <= P95_FACTOR_LIMIT) {
    path.push(`Performance degraded? p95 ${shown} baseline is within ${P95_FACTOR_LIMIT}x -> continue`);
    return undefined;
  }
  path.push(`Performance degraded? p95 ${shown} baseline > ${P95_FACTOR_LIMIT}x -> INVESTIGATE`);
  if (input.spikeTemporary === undefined) {
    path.push('Spike temporary or persistent? not yet known -> INVESTIGATE');
    return 'INVESTIGATE';
  }
  if (input.spikeTemporary) {
    path.push('Spike temporary? yes -> CONTINUE');
    return 'CONTINUE';
  }
  path.push('Spike persistent? yes -> ROLLBACK');
  return 'ROLLBACK';
}

function monitoringBranch(input: RollbackDecisionInput, path: string[]): RollbackAction {
  if (input.issuePersistsAfterMonitoring === undefined) {
    path.push('Monitor for 15 minutes -> MONITOR 15 MIN');
    return 'MONITOR 15 MIN';
  }
  if (input.issuePersistsAfterMonitoring) {
    path.push('Monitored 15 minutes: issue persists -> ROLLBACK');
    return 'ROLLBACK';
  }
  path.push('Monitored 15 minutes: issue resolved -> CONTINUE MONITORING');
  return 'CONTINUE MONITORING';
}

export function rollbackDecision(input: RollbackDecisionInput): RollbackDecision {
  const path: string[] = [];
  if (input.critical || input.p1) {
    path.push(
      input.critical
        ? 'Critical issue detected? yes'
        : 'Critical issue detected? yes (a P1 issue is critical)',
    );
    if (input.p1) {
      path.push('P1 severity? yes -> IMMEDIATE ROLLBACK');
      return { action: 'IMMEDIATE ROLLBACK', path };
    }
    path.push('P1 severity? no -> proceed to P2 check');
  } else {
    path.push('Critical issue detected? no');
  }

  const answers = [errorRateTree(input, path), performanceTree(input, path)].filter(
    (a): a is RollbackAction => a !== undefined,
  );
  if (answers.length > 0) {
    const action = answers.reduce((a, b) => (CAUTION[b] > CAUTION[a] ? b : a));
    if (answers.length > 1) path.push(`Most cautious answer -> ${action}`);
    return { action, path };
  }
  return { action: monitoringBranch(input, path), path };
}
