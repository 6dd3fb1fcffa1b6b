// Shared by the rehearsal's stand-in tools: scenario, clock speed, pacing, coverage reports.
// Plain JavaScript so the stand-ins run from a checkout without a build.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const scenario = process.env.CONDUCTOR_SCENARIO || 'healthy';

/** How many clock ms pass per real ms: a rehearsal at speed 60 makes a 12 s test run take 0.2 s. */
export const speed =
  Number(process.env.CONDUCTOR_CLOCK_SPEED) > 0 ? Number(process.env.CONDUCTOR_CLOCK_SPEED) : 1;

/** Line coverage the test runners report: the scenario's, unless the rehearsal passes one. */
export function coveragePct() {
  const given = Number(process.env.CONDUCTOR_STANDIN_COVERAGE);
  if (process.env.CONDUCTOR_STANDIN_COVERAGE && Number.isFinite(given)) return given;
  return scenario === 'coverage-drop' ? 72 : 85;
}

/** Tool-level faults: CONDUCTOR_STANDIN_FAIL=pytest,terraform-plan makes those invocations fail. */
export function failing(what) {
  return (process.env.CONDUCTOR_STANDIN_FAIL || '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
    .includes(what);
}

/** Wait `ms` of the rehearsal's clock. */
export function pause(ms) {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms / speed)));
}

export async function say(lines, gapMs = 0) {
  for (const line of lines) {
    process.stdout.write(`${line}\n`);
    if (gapMs) await pause(gapMs);
  }
}

export function shout(lines) {
  for (const line of lines) process.stderr.write(`${line}\n`);
}

export function writeFile(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Statements and covered counts that give exactly `pct` percent. */
export function coverageCounts(pct, statements = 2800) {
  return { statements, covered: Math.round((statements * pct) / 100) };
}

/** istanbul json-summary, as jest --coverageReporters=json-summary writes it. */
export function istanbulSummary(pct) {
  const metric = (total) => {
    const covered = Math.round((total * pct) / 100);
    return { total, covered, skipped: 0, pct };
  };
  return `${JSON.stringify({
    total: { lines: metric(1240), statements: metric(1300), functions: metric(200), branches: metric(400) },
  })}\n`;
}

/** coverage.py's JSON report (pytest --cov-report=json). */
export function coveragePyJson(pct) {
  const { statements, covered } = coverageCounts(pct);
  return `${JSON.stringify(
    {
      meta: {
        format: 3,
        version: '7.6.1',
        timestamp: new Date().toISOString(),
        branch_coverage: false,
        show_contexts: false,
      },
      files: {},
      totals: {
        covered_lines: covered,
        num_statements: statements,
        percent_covered: pct,
        percent_covered_display: String(Math.round(pct)),
        missing_lines: statements - covered,
        excluded_lines: 0,
      },
    },
    null,
    2,
  )}\n`;
}

/** Cobertura XML as coverage.py writes it (pytest --cov-report=xml). */
export function cobertura(pct) {
  const { statements, covered } = coverageCounts(pct);
  const rate = (pct / 100).toFixed(4);
  return `<?xml version="1.0" ?>
<coverage version="7.6.1" timestamp="${Date.now()}" lines-valid="${statements}" lines-covered="${covered}" line-rate="${rate}" branches-covered="0" branches-valid="0" branch-rate="0" complexity="0">
\t<sources>
\t\t<source>${process.cwd()}/src</source>
\t</sources>
\t<packages>
\t\t<package name="." line-rate="${rate}" branch-rate="0" complexity="0">
\t\t\t<classes/>
\t\t</package>
\t</packages>
</coverage>
`;
}

/** Values of `--name=value` or `--name value` flags. */
export function flagValues(args, name) {
  const values = [];
  args.forEach((arg, index) => {
    if (arg.startsWith(`${name}=`)) values.push(arg.slice(name.length + 1));
    else if (arg === name && index + 1 < args.length) values.push(args[index + 1]);
  });
  return values;
}

/**
 * What the rehearsal passes of the runbook (CONDUCTOR_STANDIN_NAMES, see src/sandbox/standin-names.ts):
 * its id and, per environment, the account, region, profile and the names its commands use. Run
 * outside a rehearsal, the stand-ins know no names and print none.
 */
function runbookNames() {
  try {
    const parsed = JSON.parse(process.env.CONDUCTOR_STANDIN_NAMES || '');
    if (parsed && Array.isArray(parsed.environments)) return parsed;
  } catch {
    // not given, or not JSON: no names
  }
  return { project: 'app', environments: [] };
}

export const names = runbookNames();

/** A name as a Terraform resource name or an issue key part: letters, digits and underscores. */
export function identifier(name) {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * The environment a command acts on: the runbook environment whose profile AWS_PROFILE names (an
 * AWS call goes where the profile points), else the one ENVIRONMENT names (the phase's).
 */
export function environment() {
  const profile = process.env.AWS_PROFILE;
  const id = process.env.ENVIRONMENT;
  const found =
    (profile && names.environments.find((env) => env.profile === profile)) ||
    (id && names.environments.find((env) => env.id === id));
  return found || { id: id || 'default', functions: [], tables: [], buckets: [] };
}
