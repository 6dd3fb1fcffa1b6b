import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inputSources } from '../../../src/core/runbook/gonogo-sources.js';
import { parseRunbook } from '../../../src/core/runbook/parse.js';
import type { GonogoStep } from '../../../src/core/runbook/schema.js';

/** Issue 13, point 1: the go/no-go's inputs are declared, and a bad declaration is named at its line. */

const SHOP = readFileSync('test/fixtures/runbooks/good/no-load-test.yaml', 'utf8');
const DECLARED = `            coverage: { min: 80, from: [unit-tests.unit-coverage] }
            tests: { maxFailed: 0, from: [unit-tests] }
`;

/** The shop runbook with its go/no-go declaring `inputs` instead (indented as step keys). */
function withInputs(inputs: string): string {
  expect(SHOP).toContain(DECLARED);
  return SHOP.replace(DECLARED, inputs);
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

function problemsOf(text: string) {
  const parsed = parseRunbook(text, 'shop.yaml');
  return parsed.ok ? [] : parsed.problems;
}

describe('a go/no-go declares its inputs', () => {
  it('a runbook without load tests declares coverage and tests only, and validates', () => {
    const parsed = parseRunbook(SHOP, 'shop.yaml');
    expect(parsed.ok).toBe(true);
  });

  it('may declare no input at all: approvals and risk only', () => {
    expect(problemsOf(withInputs(''))).toEqual([]);
  });

  it('without from, an input is fed by every step before the gate that can record it', () => {
    const parsed = parseRunbook(
      withInputs('            coverage: { min: 80 }\n            tests: {}\n'),
      'shop.yaml',
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const promotion = parsed.runbook.promotions[0];
    const gate = promotion.phases.flatMap((p) => p.steps).find((s): s is GonogoStep => s.kind === 'gonogo')!;
    expect(inputSources(promotion, gate, 'coverage')).toEqual([{ step: 'unit-tests' }]);
    expect(inputSources(promotion, gate, 'tests')).toEqual([{ step: 'unit-tests' }]);
    expect(inputSources(promotion, gate, 'performance')).toEqual([]);
  });
});

describe('a bad declaration is named at its line', () => {
  const cases: Array<{ name: string; inputs: string; at: string; message: string }> = [
    {
      name: 'an unknown step',
      inputs: '            coverage: { min: 80, from: [unit-test] }\n',
      at: 'unit-test]',
      message:
        'promotions[0].phases[1].steps[1].coverage.from[0]: unknown step "unit-test" (steps before the go/no-go that record coverage: unit-tests)',
    },
    {
      name: 'an unknown evidence id',
      inputs: '            coverage: { min: 80, from: [unit-tests.coverage] }\n',
      at: 'unit-tests.coverage',
      message:
        'promotions[0].phases[1].steps[1].coverage.from[0]: step "unit-tests" has no evidence rule "coverage" (its rules: unit-coverage, unit-passed)',
    },
    {
      name: 'evidence of another fact',
      inputs: '            coverage: { min: 80, from: [unit-tests.unit-passed] }\n',
      at: 'unit-tests.unit-passed',
      message:
        'promotions[0].phases[1].steps[1].coverage.from[0]: evidence "unit-passed" of step "unit-tests" records tests-passed, not coverage',
    },
    {
      name: 'a step that comes after the go/no-go',
      inputs: '            tests: { from: [canary] }\n',
      at: 'from: [canary]',
      message:
        'promotions[0].phases[1].steps[1].tests.from[0]: step "canary" comes after the go/no-go, so its evidence cannot feed it',
    },
    {
      name: 'a step of a kind that cannot feed the input',
      inputs: '            performance: { maxP95IncreasePct: 10, maxErrorRatePct: 1, from: [unit-tests] }\n',
      at: 'performance:',
      message:
        'promotions[0].phases[1].steps[1].performance.from[0]: step "unit-tests" is a command step and records no performance; performance comes from a load step with baselineP95 (before the go/no-go: none)',
    },
    {
      name: 'performance declared with no load test to measure it',
      inputs: '            performance: { maxP95IncreasePct: 10, maxErrorRatePct: 1 }\n',
      at: 'performance:',
      message:
        'promotions[0].phases[1].steps[1].performance: performance is declared, but no step before the go/no-go can measure it (performance comes from a load step with baselineP95); add one, or leave performance out',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const text = withInputs(c.inputs);
      const problems = problemsOf(text);
      expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([c.message]);
      expect(problems[0].line).toBe(lineOf(text, c.at));
    });
  }

  it('a load test without baselineP95 cannot feed performance, and says what to add', () => {
    const text = withInputs(
      '            performance: { maxP95IncreasePct: 10, maxErrorRatePct: 1, from: [smoke-load] }\n',
    ).replace(
      '      - id: gates\n',
      `          - id: smoke-load
            title: Load
            kind: load
            url: \${baseUrl}/health
            requests: 100
            concurrency: 10
            maxErrorRatePct: 1
            maxP95: 1s
      - id: gates
`,
    );
    const problems = problemsOf(text);
    expect(problems.map((p) => p.message)).toEqual([
      'load step "smoke-load" has no baselineP95, so it measures no p95 against a baseline; add baselineP95 or leave performance out',
    ]);
    expect(problems[0].line).toBe(lineOf(text, 'from: [smoke-load]'));
  });

  it('conductor validate prints file:line:col and exits 2', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'conductor-gonogo-')), 'shop.yaml');
    const text = withInputs('            coverage: { min: 80, from: [unit-test] }\n');
    writeFileSync(file, text);
    const run = spawnSync('node', ['bin/conductor.js', 'validate', file], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${lineOf(text, 'unit-test]')}:\\d+: .*unknown step "unit-test"`,
      ),
    );
  });
});
