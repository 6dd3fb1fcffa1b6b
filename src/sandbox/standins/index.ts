import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIOS } from '../scenarios.js';
import type { StandinNames } from '../standin-names.js';

/**
 * The stand-in tools live beside this module as plain executable scripts. From a build (dist/) the
 * scripts are not copied, so fall back to the checkout's src/ folder.
 */
function standinFolder(name: 'bin' | 'aws-bin'): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, name)];
  for (let dir = here; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      candidates.push(join(dir, 'src', 'sandbox', 'standins', name));
      break;
    }
  }
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0];
}

/** The folder of stand-ins for terraform, pytest, python (-m pytest), npm and jira. */
export function standinPath(): string {
  return standinFolder('bin');
}

/** The folder holding the AWS CLI stand-in, put on PATH only when no AWS CLI is installed. */
export function awsStandinPath(): string {
  return standinFolder('aws-bin');
}

/** The first executable called `name` on a PATH, if any. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(resolve(dir), name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface StandinEnvOptions {
  /** The sandbox scenario (CONDUCTOR_SCENARIO); coverage-drop makes the test runners report 72%. */
  scenario: string;
  /** Clock speed of the rehearsal: stand-in delays are divided by it. */
  clockSpeed: number;
  /** PATH to put the stand-ins in front of; default process.env.PATH. */
  path?: string;
  /** Line coverage to report; default the scenario's, else 85. */
  coverage?: number;
  /** Invocations that should fail, e.g. ['pytest', 'terraform-plan', 'npm-test', 'aws-dynamodb']. */
  fail?: string[];
  /** Use the AWS CLI stand-in even when a real one is installed. */
  forceAwsStandin?: boolean;
  /** The runbook's names the stand-ins print (functions, tables, buckets, accounts); default none. */
  names?: StandinNames;
}

/**
 * Variables for a rehearsed command: the stand-ins first on PATH, the scenario and clock speed they
 * read. Merge them over the step's own environment. The AWS CLI stand-in comes in only when no AWS
 * CLI is installed: a real one talks to the sandbox through the standard endpoint variables.
 */
export function standinEnv(options: StandinEnvOptions): Record<string, string> {
  const path = options.path ?? process.env.PATH ?? '';
  const awsInstalled = findOnPath('aws', path) !== undefined;
  const front = [standinPath(), ...(!awsInstalled || options.forceAwsStandin ? [awsStandinPath()] : [])];
  const coverage = options.coverage ?? SCENARIOS[options.scenario]?.coverage;
  return {
    PATH: [...front, path].filter(Boolean).join(delimiter),
    CONDUCTOR_SCENARIO: options.scenario,
    CONDUCTOR_CLOCK_SPEED: String(options.clockSpeed),
    ...(coverage !== undefined ? { CONDUCTOR_STANDIN_COVERAGE: String(coverage) } : {}),
    ...(options.fail?.length ? { CONDUCTOR_STANDIN_FAIL: options.fail.join(',') } : {}),
    ...(options.names ? { CONDUCTOR_STANDIN_NAMES: JSON.stringify(options.names) } : {}),
  };
}
