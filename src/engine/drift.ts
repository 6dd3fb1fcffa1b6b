import type { TrafficLambda, TrafficSnapshot } from '../core/session/events.js';
import type { SessionState } from '../core/session/state.js';
import type { EngineContext } from './context.js';

const close = (a: number, b: number) => Math.abs(a - b) < 0.5;

/** The percent of a Lambda alias's traffic on the canary version. */
function canaryPercentOfAlias(lambda: TrafficLambda, canaryVersion: string): number {
  if (lambda.primaryVersion === canaryVersion) return 100 - lambda.additionalWeight * 100;
  if (lambda.additionalVersion === canaryVersion) return lambda.additionalWeight * 100;
  return 0;
}

/** What differs between the live split and what the journal says is live; empty when they agree. */
export function driftDetails(state: SessionState, live: TrafficSnapshot): string[] {
  const target = state.rollbackTarget;
  if (!target) return [];
  // A rollback under way moves the split back on purpose: what is read meanwhile is not drift (the
  // revert is sent until AWS reads back the stable version, then compared).
  if (state.rollback && state.rollback.revertedAt === undefined) return [];
  const details: string[] = [];
  const promoted = state.canary?.promoted === true;
  const rolledBack = state.rollback?.revertedAt !== undefined;
  // Resource by resource, as the journal last set or adopted it (a mixed split adopted stays mixed).
  const recordedSplit = promoted || rolledBack ? undefined : state.recordedSplit;
  const expectedPercent =
    promoted || rolledBack ? 0 : (recordedSplit?.apiGateway?.canaryPercent ?? state.recordedWeight);
  if (live.apiGateway && target.apiGateway) {
    if (!close(live.apiGateway.canaryPercent, expectedPercent)) {
      details.push(
        `API Gateway stage ${live.apiGateway.stage}: canary at ${live.apiGateway.canaryPercent}% live, ${expectedPercent}% in the journal`,
      );
    }
  }
  for (const lambda of live.lambdas) {
    const recorded = target.lambdas.find((l) => l.functionName === lambda.functionName);
    if (!recorded) continue;
    const expectedPrimary = promoted ? recorded.canaryVersion : recorded.stableVersion;
    const liveCanaryPct = canaryPercentOfAlias(lambda, recorded.canaryVersion);
    const set = recordedSplit?.lambdas.find((l) => l.functionName === lambda.functionName);
    const expectedCanaryPct = promoted
      ? 100
      : rolledBack
        ? 0
        : set
          ? canaryPercentOfAlias(set, recorded.canaryVersion)
          : state.recordedWeight;
    if (
      lambda.primaryVersion !== expectedPrimary &&
      !(expectedCanaryPct === 100 && close(liveCanaryPct, 100))
    ) {
      details.push(
        `${lambda.functionName}:${lambda.alias} serves version ${lambda.primaryVersion} live, ${expectedPrimary} in the journal`,
      );
    } else if (!close(liveCanaryPct, expectedCanaryPct)) {
      details.push(
        `${lambda.functionName}:${lambda.alias}: ${Number(liveCanaryPct.toFixed(1))}% on version ${recorded.canaryVersion} live, ${expectedCanaryPct}% in the journal`,
      );
    }
  }
  return details;
}

/**
 * On resume (and attach): read the live split and compare it with the journal before going on.
 * False when it could not be read: the failure is counted (engine/retry.ts) and the loop reads
 * again after a wait (`driftCheckDue`).
 */
export async function checkDrift(c: EngineContext): Promise<boolean> {
  const target = c.state.rollbackTarget;
  if (!target) {
    c.driftCheckDue = false;
    return true;
  }
  try {
    const live = await c.awsFor().readTrafficSplit(target, c.signal);
    c.recordAwsSuccess('read traffic split');
    c.driftCheckDue = false;
    c.dispatch({ type: 'traffic.read', at: c.now(), split: live });
    const details = driftDetails(c.state, live);
    if (details.length > 0) {
      c.dispatch({
        type: 'drift.detected',
        at: c.now(),
        recordedWeight: c.state.recordedWeight,
        live,
        details,
      });
    }
    return true;
  } catch (error) {
    c.driftCheckDue = true;
    if (!c.signal.aborted) c.recordAwsError('read traffic split', error);
    return false;
  }
}
