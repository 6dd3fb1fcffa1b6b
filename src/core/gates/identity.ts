import type { Environment, Promotion, Runbook, Step } from '../runbook/schema.js';
import type { IdentityCheckReason } from '../session/events.js';
import { stepDefinition, stepEnvironment } from '../session/selectors.js';
import type { SessionState } from '../session/state.js';

/**
 * Identity before touch: THE place that decides when STS GetCallerIdentity must be asked, with an
 * environment's credentials, before a step may act. The engine only carries the decision out.
 *
 * A check is due for an environment a step acts on (its phase's, and any other whose AWS profile
 * the step names) when:
 * - no check of that environment has passed in the step's phase (the first step of a phase, of
 *   any kind: nothing of the phase runs, not even a notice, before its account is proven);
 * - the last check refused, or the session was resumed, or an AWS call with those credentials
 *   failed for want of valid credentials, since the last check passed;
 * - the step is dangerous and about to start (credentials can be switched underneath at any
 *   moment, so a dangerous step never relies on an earlier check).
 * Rolling back is never held for a check: a rollback is always safe and must not wait.
 */

export interface IdentityCheckDue {
  env: Environment;
  reason: IdentityCheckReason;
}

/** AWS profiles a command names: AWS_PROFILE in its env, `--profile X` in its arguments. */
function namedProfiles(step: Step): string[] {
  if (step.kind !== 'command') return [];
  const names: string[] = [];
  if (step.env.AWS_PROFILE) names.push(step.env.AWS_PROFILE);
  const text = step.run.join(' ');
  for (const match of text.matchAll(/--profile(?:=|\s+)["']?([A-Za-z0-9_.@-]+)/g)) names.push(match[1]);
  return names;
}

/**
 * The environments a step acts on: its phase's (stepEnvironment), then every other environment
 * whose profile the step names (a SIT-phase `terraform plan` with AWS_PROFILE=bbws-prod acts on PROD).
 */
export function environmentsOfStep(runbook: Runbook, promotion: Promotion, stepId: string): Environment[] {
  const own = stepEnvironment(runbook, promotion, stepId);
  const step = stepDefinition(promotion, stepId);
  const envs = [own];
  for (const profile of step ? namedProfiles(step) : []) {
    const named = runbook.environments.find((e) => e.profile !== undefined && e.profile === profile);
    if (named && !envs.includes(named)) envs.push(named);
  }
  return envs;
}

export function isDangerousStep(step: Step | undefined): boolean {
  return step?.kind === 'command' && step.dangerous;
}

/**
 * The checks due before `stepId` may act, in order (its phase's environment first); empty when
 * every environment it touches is proven. `starting`: the step is about to start now (a runner
 * asks right before it starts one), which is when a dangerous step is checked again.
 */
export function identityChecksDue(
  runbook: Runbook,
  promotion: Promotion,
  state: SessionState,
  stepId: string,
  options: { starting?: boolean } = {},
): IdentityCheckDue[] {
  const step = state.steps.find((s) => s.id === stepId);
  if (!step) return [];
  const dangerous = options.starting === true && isDangerousStep(stepDefinition(promotion, stepId));
  const due: IdentityCheckDue[] = [];
  environmentsOfStep(runbook, promotion, stepId).forEach((env, index) => {
    const ownPhase = index === 0;
    const clearance = state.identityClearance[env.id];
    if (clearance && !clearance.clear) due.push({ env, reason: clearance.since });
    else if (clearance?.phase !== step.phaseId) due.push({ env, reason: ownPhase ? 'phase' : 'profile' });
    else if (dangerous) due.push({ env, reason: 'dangerous' });
  });
  return due;
}

/** The verdict on what STS answered: ok only for the runbook's account. */
export function identityVerdict(
  env: Environment,
  answer: { account: string; arn?: string },
): { ok: true } | { ok: false; sentence: string } {
  if (answer.account === env.accountId) return { ok: true };
  return { ok: false, sentence: refusalSentence(env, answer.account || '(none)', answer.arn) };
}

function credentialsOf(env: Environment): string {
  return env.profile ? `profile ${env.profile}` : 'the default credentials (no profile)';
}

/** One sentence: both account ids, the profile, and what to do. */
export function refusalSentence(env: Environment, account: string, arn?: string): string {
  const who = arn ? ` (${arn})` : '';
  const login = env.profile ? `\`aws sso login --profile ${env.profile}\`` : 'fresh credentials';
  return `Refusing to touch ${env.title}: the credentials of ${credentialsOf(env)} are for account ${account}${who}, but the runbook says ${env.title} is account ${env.accountId}; switch to ${env.title}'s credentials (${login}) and resume the session.`;
}

/** STS did not answer: nothing of the environment runs until it does. */
export function unansweredSentence(env: Environment, error: string): string {
  return `Refusing to touch ${env.title} (account ${env.accountId}, ${credentialsOf(env)}) because its identity could not be checked: ${error.replace(/\.$/, '')}; resume the session once STS answers.`;
}
