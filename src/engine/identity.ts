import { identityChecksDue, identityVerdict, unansweredSentence } from '../core/gates/identity.js';
import type { Environment } from '../core/runbook/schema.js';
import type { IdentityCheckReason } from '../core/session/events.js';
import type { StepState } from '../core/session/state.js';
import type { Conductor } from './conductor.js';

/**
 * Carries out core/gates/identity.ts: asks STS who each environment's credentials are, journals
 * the check (identity.checked) and, on a wrong or unknown account, halts the session with one
 * sentence before anything of that environment runs. Returns false when the step must not run.
 */
export async function ensureIdentity(
  c: Conductor,
  step: StepState,
  options: { starting?: boolean } = {},
): Promise<boolean> {
  for (const due of identityChecksDue(c.runbook, c.promotion, c.state, step.id, options)) {
    if (!(await checkIdentity(c, due.env, due.reason, step))) return false;
  }
  return true;
}

/** One check of one environment, journaled either way. False: refused (the session halted) or interrupted. */
export async function checkIdentity(
  c: Conductor,
  env: Environment,
  reason: IdentityCheckReason,
  step?: StepState,
): Promise<boolean> {
  const aws = c.awsFor(env);
  const signal = c.signal;
  const base = {
    env: env.id,
    expected: env.accountId,
    ...(env.profile !== undefined && { profile: env.profile }),
    reason,
    ...(step && { phase: step.phaseId, step: step.id }),
  };
  let answer: { account: string; arn: string };
  try {
    answer = await aws.verifyIdentity(signal);
  } catch (error) {
    if (signal.aborted) return false;
    const message = aws.describeError(error, 'sts:GetCallerIdentity');
    c.dispatch({ type: 'identity.checked', at: c.now(), ...base, account: null, ok: false, error: message });
    c.dispatch({ type: 'session.halted', at: c.now(), reason: unansweredSentence(env, message) });
    return false;
  }
  if (signal.aborted) return false;
  const verdict = identityVerdict(env, answer);
  c.dispatch({
    type: 'identity.checked',
    at: c.now(),
    ...base,
    account: answer.account,
    arn: answer.arn,
    ok: verdict.ok,
  });
  if (!verdict.ok) {
    c.dispatch({ type: 'session.halted', at: c.now(), reason: verdict.sentence });
    return false;
  }
  return true;
}
