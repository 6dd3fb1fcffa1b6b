// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook placeholders are written ${name} on purpose
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { formatProblem, parseRunbook } from '../../../src/core/runbook/parse.js';
import { fixturesDir } from './bad-fixtures.js';

/** zod's own wording, written for programmers; a runbook author never sees it. */
const LIBRARY_WORDING =
  /Invalid input|Invalid option|Invalid (string|element|key|union|type|value)|expected [a-z]+, received|received [a-z]+\b|Too (small|big)|Unrecognized key|expected record|expected int\b|expected nan|expected (never|tuple|map|set|date)\b|Number must|String must|Array must|Expected /;

type Json = Record<string, unknown>;

/** The minimal runbook with one step of every kind and the optional blocks filled in. */
function richRunbook(): Json {
  const runbook = parse(readFileSync(join(fixturesDir, 'good', 'minimal.yaml'), 'utf8')) as Json;
  const roles = runbook.roles as Json[];
  roles[0].signers = 'keys/tech-lead_allowed_signers';
  const [promotion] = runbook.promotions as Json[];
  const [checks, release] = promotion.phases as { steps: Json[] }[];
  const tests = checks.steps[1];
  tests.evidence = [
    { id: 'cov', fact: 'coverage', from: 'json', path: 'c.json', pointer: 'total.lines.pct', min: 80 },
    { id: 'passed', fact: 'tests-passed', from: 'regex', pattern: '(\\d+) passed' },
  ];
  checks.steps.splice(2, 0, {
    id: 'load',
    title: 'Load',
    kind: 'load',
    url: '${baseUrl}/x',
    requests: 100,
    concurrency: 10,
    maxErrorRatePct: 1,
    maxP95: '1s',
    baselineP95: '200ms',
  });
  checks.steps.push(
    {
      id: 'decide',
      title: 'Decide',
      kind: 'gonogo',
      coverage: { min: 80, from: ['tests.cov'] },
      tests: { maxFailed: 0, from: ['tests'] },
      performance: { maxP95IncreasePct: 10, maxErrorRatePct: 1, from: ['load'] },
    },
    { id: 'confirm', title: 'Confirm', kind: 'manual', evidence: 'required' },
  );
  const canary = release.steps[0];
  canary.targets = {
    apiGateway: { restApiId: 'abc', apiName: 'api', stage: 'prod', canaryStage: 'prod/Canary' },
    lambdas: [{ functionName: 'fn', alias: 'live' }],
  };
  canary.baseline = { errorRatePct: 0.1, p95: '200ms' };
  release.steps.splice(1, 0, {
    id: 'watch',
    title: 'Watch',
    kind: 'monitor',
    duration: '2h',
    extraMetrics: [
      {
        id: 'lag',
        title: 'Lag',
        namespace: 'AWS/DynamoDB',
        metric: 'ReplicationLatency',
        dimensions: { TableName: 't' },
        max: 1000,
      },
    ],
  });
  return runbook;
}

/** Every place in the document: [path, value] for each map entry and list item. */
function placesOf(value: unknown, path: PropertyKey[] = []): PropertyKey[][] {
  if (Array.isArray(value))
    return value.flatMap((item, i) => [[...path, i], ...placesOf(item, [...path, i])]);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => [
      [...path, key],
      ...placesOf(item, [...path, key]),
    ]);
  return [];
}

function withValue(root: Json, path: PropertyKey[], value: unknown): Json {
  const copy = structuredClone(root);
  let parent: Record<PropertyKey, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<PropertyKey, unknown>;
  parent[path.at(-1) as PropertyKey] = value;
  return copy;
}

const WRONG_VALUES: unknown[] = [1.5, 'some text', null, ['x'], { odd: 1 }];

describe('every schema problem is said in our words', () => {
  const rich = richRunbook();

  it('starts from a valid runbook', () => {
    const result = parseRunbook(stringify(rich), 'rich.yaml');
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
  });

  it('never shows zod wording, whatever wrong value sits wherever', () => {
    const leaks = new Set<string>();
    let problems = 0;
    for (const path of placesOf(rich)) {
      for (const wrong of WRONG_VALUES) {
        const result = parseRunbook(stringify(withValue(rich, path, wrong)), 'rich.yaml');
        if (result.ok) continue;
        for (const problem of result.problems) {
          problems++;
          if (LIBRARY_WORDING.test(problem.message) || !problem.path) leaks.add(formatProblem(problem));
        }
      }
    }
    expect(problems).toBeGreaterThan(500);
    expect([...leaks]).toEqual([]);
  });
});
