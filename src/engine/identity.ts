import { identityChecksDue, identityVerdict, unansweredSentence } from '../core/gates/identity.js';
import type { Environment } from '../core/runbook/schema.js';
import type { IdentityCheckReason } from '../core/session/events.js';
import type { StepState } from '../core/session/state.js';
import type { EngineContext } from './context.js';

const STS_CALL = 'sts:GetCallerIdentity';

/**
 * Carries out core/gates/identity.ts: asks STS who each environment's credentials are, journals
 * the check (identity.checked) and, on a wrong or unknown account, halts the session with one
 * sentence before anything of that environment runs. Returns false when the step must not run.
 */
export async function ensureIdentity(
  c: EngineContext,
  step: StepState,
  options: { starting?: boolean } = {},
): Promise<boolean> {
  for (const due of identityChecksDue(c.runbook, c.promotion, c.state, step.id, options)) {
    if (!(await checkIdentity(c, due.env, due.reason, step))) return false;
  }
  return true;
}

/**
 * One check of one environment, journaled either way. False: refused (the session halted),
 * interrupted, or STS did not answer for a passing reason (throttling, a dropped connection, a
 * server fault): that is counted and shown like every retried AWS error (engine/retry.ts), the
 * wait done here unless `wait` is false, and the check is asked again; it does not halt.
 */
export async function checkIdentity(
  c: EngineContext,
  env: Environment,
  reason: IdentityCheckReason,
  step?: StepState,
  options: { wait?: boolean } = {},
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
    if (aws.isRetryable?.(error) && !aws.isCredentialsError?.(error)) {
      c.recordAwsError(STS_CALL, error, env);
      if (options.wait !== false) await c.backOff(STS_CALL, step?.id, env);
      return false;
    }
    const message = aws.describeError(error, STS_CALL);
    c.dispatch({ type: 'identity.checked', at: c.now(), ...base, account: null, ok: false, error: message });
    c.dispatch({ type: 'session.halted', at: c.now(), reason: unansweredSentence(env, message) });
    return false;
  }
  if (signal.aborted) return false;
  c.recordAwsSuccess(STS_CALL, env);
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
