import { interpolate } from '../core/runbook/interpolate.js';
import type { CommandStep, Promotion, Runbook } from '../core/runbook/schema.js';
import { stepEnvironment } from '../core/session/selectors.js';
import type { SessionState } from '../core/session/state.js';
import { sessionVariables } from '../core/session/variables.js';

export interface CommandFacts {
  /** The exact argv, placeholders filled in as the engine will fill them. */
  argv: string[];
  /** The environment variables the command gets beyond the inherited ones. */
  env: Record<string, string>;
  account: string;
  environment: string;
  production: boolean;
}

/** What a person must see before a command that changes an environment runs. */
export function commandFacts(
  runbook: Runbook,
  promotion: Promotion,
  state: SessionState,
  step: CommandStep,
  now: number,
): CommandFacts {
  const env = stepEnvironment(runbook, promotion, step.id);
  const vars = sessionVariables(runbook, state, now, env.id);
  return {
    argv: step.run.map((arg) => interpolate(arg, vars)),
    env: {
      ENVIRONMENT: env.id,
      AWS_REGION: env.region,
      ...(env.profile ? { AWS_PROFILE: env.profile } : {}),
      ...Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, interpolate(v, vars)])),
    },
    account: state.identity[env.id]?.account ?? env.accountId,
    environment: env.title,
    production: env.production,
  };
}

/** An argv as a person would type it: arguments with spaces or quotes are quoted. */
export function shellLine(argv: readonly string[]): string {
  return argv
    .map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
