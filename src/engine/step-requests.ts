/**
 * A runbook step as it is run in an environment: every `${...}` filled with the session's values,
 * and, for a command, the environment variables it runs with. One place for both the promotion's
 * steps and the rollback procedure's, so a rollback command is pointed exactly where its step says.
 *
 * A placeholder without a value never reaches a process or a request: building the request throws
 * an UnresolvedVariableError naming it, before anything starts, and the runner fails the step with it.
 */
import {
  interpolate,
  shellUnsafePlaceholders,
  unresolvedPlaceholders,
  type Variables,
} from '../core/runbook/interpolate.js';
import type { CommandStep, Environment, HttpStep, LoadStep } from '../core/runbook/schema.js';
import { unresolvedSentence } from '../core/runbook/variables.js';
import type { EngineContext } from './context.js';

/** A step's `${...}` that has no value: its message is the one sentence the step fails with. */
export class UnresolvedVariableError extends Error {
  constructor(
    readonly names: string[],
    message: string,
  ) {
    super(message);
    this.name = 'UnresolvedVariableError';
  }
}

function requireValues(
  texts: Array<string | undefined>,
  vars: Variables,
  env: Environment | undefined,
  consequence: string,
): void {
  const names = unresolvedPlaceholders(
    texts.filter((text): text is string => text !== undefined),
    vars,
  );
  if (names.length > 0) throw new UnresolvedVariableError(names, unresolvedSentence(names, env, consequence));
}

export function commandRequest(
  c: EngineContext,
  def: CommandStep,
  env: Environment,
  vars: Variables = c.variables(env),
): { step: CommandStep; env: Record<string, string> } {
  requireValues([...def.run, def.cwd, ...Object.values(def.env)], vars, env, 'the command was not started');
  // Values never become code: in a shell line a value is pasted as text, so it must be plain words.
  const unsafe = def.shell ? shellUnsafePlaceholders(def.run, vars) : [];
  if (unsafe.length > 0)
    throw new Error(
      `${unsafe.map((name) => `\${${name}}`).join(', ')} holds characters a shell would run (quotes, $, ;, &, |, ...), so this shell command was not started; run it without shell: true (each argument passed as it is), or correct the value.`,
    );
  return {
    step: {
      ...def,
      run: def.run.map((arg) => interpolate(arg, vars)),
      cwd: def.cwd ? interpolate(def.cwd, vars) : def.cwd,
      env: Object.fromEntries(Object.entries(def.env).map(([k, v]) => [k, interpolate(v, vars)])),
    },
    env: {
      ENVIRONMENT: env.id,
      AWS_REGION: env.region,
      ...(env.profile ? { AWS_PROFILE: env.profile } : {}),
      ...(c.options.commandEnv?.(env) ?? {}),
    },
  };
}

/** `env` is the environment the step acts on: it names the field an unresolved `${...}` lacks. */
export function httpRequest(def: HttpStep, vars: Variables, env?: Environment): HttpStep {
  requireValues([def.url, def.body, ...Object.values(def.headers)], vars, env, 'no request was sent');
  return {
    ...def,
    url: interpolate(def.url, vars),
    headers: Object.fromEntries(Object.entries(def.headers).map(([k, v]) => [k, interpolate(v, vars)])),
    body: def.body ? interpolate(def.body, vars) : def.body,
  };
}

export function loadRequest(def: LoadStep, vars: Variables, env?: Environment): LoadStep {
  requireValues([def.url], vars, env, 'no load was sent');
  return { ...def, url: interpolate(def.url, vars) };
}
