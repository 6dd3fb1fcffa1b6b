/**
 * A runbook step as it is run in an environment: every `${...}` filled with the session's values,
 * and, for a command, the environment variables it runs with. One place for both the promotion's
 * steps and the rollback procedure's, so a rollback command is pointed exactly where its step says.
 */
import { interpolate, type Variables } from '../core/runbook/interpolate.js';
import type { CommandStep, Environment, HttpStep, LoadStep } from '../core/runbook/schema.js';
import type { Conductor } from './conductor.js';

export function commandRequest(
  c: Conductor,
  def: CommandStep,
  env: Environment,
  vars: Variables = c.variables(env),
): { step: CommandStep; env: Record<string, string> } {
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

export function httpRequest(def: HttpStep, vars: Variables): HttpStep {
  return { ...def, url: interpolate(def.url, vars), body: def.body ? interpolate(def.body, vars) : def.body };
}

export function loadRequest(def: LoadStep, vars: Variables): LoadStep {
  return { ...def, url: interpolate(def.url, vars) };
}
