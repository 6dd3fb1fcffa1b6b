// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook placeholders are written ${name} on purpose
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, parseRunbook, type RunbookProblem } from '../../../src/core/runbook/parse.js';
import { badFixtures, fixturesDir } from './bad-fixtures.js';

const minimalText = readFileSync(join(fixturesDir, 'good', 'minimal.yaml'), 'utf8');

function problemsOf(text: string): RunbookProblem[] {
  const result = parseRunbook(text, 'rb.yaml');
  if (result.ok) throw new Error('expected the runbook to be rejected');
  return result.problems;
}

/** Lines of the minimal runbook with one line replaced (1-based), to break one thing at a time. */
function withLine(line: number, replacement: string): string {
  const lines = minimalText.split('\n');
  lines[line - 1] = replacement;
  return lines.join('\n');
}

describe('parseRunbook on the malformed fixtures', () => {
  const fixtures = badFixtures();

  it('has at least 25 malformed runbooks', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(25);
  });

  for (const fixture of fixtures) {
    it(`${fixture.name}: rejected at line ${fixture.line} with "${fixture.fragment}"`, () => {
      const problems = problemsOf(fixture.text);
      expect(problems[0].line).toBe(fixture.line);
      expect(problems[0].message).toContain(fixture.fragment);
    });
  }
});

describe('parseRunbook', () => {
  it('accepts the minimal runbook and reads durations as milliseconds', () => {
    const result = parseRunbook(minimalText, 'minimal.yaml');
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    const [, release] = result.runbook.promotions[0].phases;
    const canary = release.steps[0];
    if (canary.kind !== 'canary') throw new Error('expected the canary');
    expect(canary.stages.map((s) => s.hold)).toEqual([900_000, 900_000]);
    expect(canary.period).toBe(60_000);
  });

  it('formats a problem as file:line:col: path: message', () => {
    const [problem] = problemsOf(withLine(12, '    region: nowhere'));
    expect(formatProblem(problem)).toBe(
      'rb.yaml:12:13: environments[0].region: must be an AWS region such as af-south-1, got the string "nowhere"',
    );
  });

  it('reports every problem of a file, sorted by line', () => {
    const text = withLine(12, '    region: nowhere').replace('kind: command', 'kind: shell');
    const problems = problemsOf(text);
    expect(problems.map((p) => p.line)).toEqual([12, 47]);
  });

  it('reports unknown variables together with schema problems', () => {
    const text = withLine(12, '    region: nowhere').replace('${baseUrl}/health', '${baseUrl}/${build}');
    const problems = problemsOf(text);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining('AWS region'),
      expect.stringContaining('unknown variable ${build}'),
    ]);
  });

  it('points at the placeholder itself, inside a longer string', () => {
    const text = minimalText.replace(
      '"Released ${version} to ${envTitle}"',
      '"Released ${version} by ${owner}"',
    );
    const [problem] = problemsOf(text);
    const line = text.split('\n')[problem.line - 1];
    expect(line.slice(problem.col - 1)).toMatch(/^\$\{owner\}/);
  });

  it('says which kinds exist when a step kind is unknown', () => {
    const [problem] = problemsOf(minimalText.replace('kind: notify', 'kind: notfy'));
    expect(problem.message).toBe(
      'unknown step kind "notfy": expected one of manual, command, http, load, approval, gonogo, canary, monitor, notify (did you mean "notify"?)',
    );
    expect(problem.path).toBe('promotions[0].phases[1].steps[1].kind');
  });

  it('says an empty step kind is empty', () => {
    const [problem] = problemsOf(minimalText.replace('kind: notify', 'kind:'));
    expect(problem.message).toBe(
      '"kind" is empty: write one of manual, command, http, load, approval, gonogo, canary, monitor, notify',
    );
  });

  it('lists the allowed keys when an unknown key is nothing like them', () => {
    const [problem] = problemsOf(minimalText.replace('    slack: "#ops"', '    pagerduty: ops'));
    expect(problem.message).toMatch(/^unknown key "pagerduty" \(allowed here: id, title, slack, other/);
    expect(problem.path).toBe('channels[0].pagerduty');
  });

  it('points a missing key nested under a key at that key', () => {
    const text = minimalText.replace('      policy: required\n', '');
    const [problem] = problemsOf(text);
    expect(problem.message).toContain('missing required key "policy"');
    expect(text.split('\n')[problem.line - 1]).toBe('    changeTicket:');
  });

  it('rejects keys that are collections', () => {
    const [problem] = problemsOf(`? [a, b]\n: 1\n${minimalText}`);
    expect(problem.message).toContain('keys must be plain names');
    expect(problem.line).toBe(1);
  });

  it('treats a file of only comments as empty', () => {
    const [problem] = problemsOf('# nothing here yet\n');
    expect(problem.message).toContain('the file is empty');
  });

  it('rejects a scalar document', () => {
    const [problem] = problemsOf('just some words\n');
    expect(problem.message).toBe('expected a map, got the string "just some words"');
  });

  it('rejects an unknown YAML tag', () => {
    const [problem] = problemsOf(minimalText.replace('title: Operations', 'title: !ops Operations'));
    expect(problem.message).toContain('unknown YAML tag');
  });

  it('rejects two approvals of the same role in one step', () => {
    const [problem] = problemsOf(minimalText.replace('roles: [tech-lead]', 'roles: [tech-lead, tech-lead]'));
    expect(problem.message).toBe('role "tech-lead" is listed twice');
  });

  it('rejects a monitor whose rollback threshold is below its watch threshold', () => {
    const text = minimalText.replace(
      '          - id: tell\n',
      [
        '          - id: watch',
        '            title: Watch',
        '            kind: monitor',
        '            duration: 2h',
        '            extraMetrics:',
        '              - id: lag',
        '                title: Lag',
        '                namespace: AWS/DynamoDB',
        '                metric: ReplicationLatency',
        '                max: 1000',
        '                rollbackAbove: 500',
        '          - id: tell',
        '',
      ].join('\n'),
    );
    const [problem] = problemsOf(text);
    expect(problem.message).toBe('rollbackAbove (500) must not be below max (1000)');
    expect(problem.path).toBe('promotions[0].phases[1].steps[1].extraMetrics[0].rollbackAbove');
  });

  it('rejects a load step without an amount of load', () => {
    const text = minimalText.replace(
      '          - id: tell\n',
      '          - id: load\n            title: Load\n            kind: load\n            url: ${baseUrl}/x\n            concurrency: 10\n            maxErrorRatePct: 1\n            maxP95: 1s\n          - id: tell\n',
    );
    const [problem] = problemsOf(text);
    expect(problem.message).toContain('needs requests or duration');
  });

  describe('a variable that may have no value where it is used', () => {
    const testsWith = (line: string) =>
      minimalText.replace('            run: [npm, test]\n', `            run: [npm, test]\n${line}\n`);

    it('points at ${profile} in a command of an environment that names no profile', () => {
      const text = testsWith('            env: { AWS_PROFILE: "${profile}" }');
      const [problem] = problemsOf(text);
      expect(formatProblem(problem)).toBe(
        'rb.yaml:49:34: promotions[0].phases[0].steps[1].env.AWS_PROFILE: ${profile} may have no value here: environment "prod" sets no profile, so step "tests" would stop before it runs',
      );
      expect(text.split('\n')[problem.line - 1].slice(problem.col - 1)).toMatch(/^\$\{profile\}/);
    });

    it('accepts ${profile} once the environment names one', () => {
      const text = testsWith('            env: { AWS_PROFILE: "${profile}" }').replace(
        '    production: true\n',
        '    production: true\n    profile: shop-prod\n',
      );
      expect(parseRunbook(text, 'rb.yaml').ok).toBe(true);
    });

    it('judges a rollback step by the promotion target, and a phase by its own environment', () => {
      const rollback = minimalText.replace(
        '          kind: traffic-revert\n',
        '          kind: traffic-revert\n        - id: post-check\n          title: Post check\n          kind: command\n          run: [aws, sts, get-caller-identity, --profile, "${profile}"]\n',
      );
      const [problem] = problemsOf(rollback);
      expect(problem.path).toBe('promotions[0].rollback.steps[1].run[4]');
      expect(problem.message).toContain('environment "prod" sets no profile');
    });

    it('rejects a value only the conductor types in a command, where nothing asks for it', () => {
      const [problem] = problemsOf(
        minimalText.replace('run: [npm, test]', 'run: [jira, comment, "${releaseNotes}"]'),
      );
      expect(problem.message).toBe(
        '${releaseNotes} may have no value here: the conductor types ${releaseNotes}, and nothing asks for it before a step runs, so step "tests" would stop before it runs',
      );
    });

    it('rejects ${baseUrl} in a template sent for a target that has no baseUrl', () => {
      const text = minimalText
        .replace('    baseUrl: https://prod.example.com\n', '')
        .replace('url: ${baseUrl}/health', 'url: https://prod.example.com/health')
        .replace('"Released ${version} to ${envTitle}"', '"Released ${version}: ${baseUrl}/version"');
      const [problem] = problemsOf(text);
      expect(problem.path).toBe('templates[0].text');
      expect(problem.message).toBe(
        '${baseUrl} may have no value here: promotion "sit-to-prod" sends this template for its target, and environment "prod" sets no baseUrl',
      );
      expect(text.split('\n')[problem.line - 1].slice(problem.col - 1)).toMatch(/^\$\{baseUrl\}/);
    });
  });

  it('never throws, whatever the text', () => {
    for (const text of [
      '{',
      ']',
      '- - -',
      ': :',
      '&a [*a]',
      'a: &x\n  b: *x\n',
      '\u0000',
      'runbook: [1, {2: 3}]',
    ]) {
      expect(() => parseRunbook(text, 'x.yaml')).not.toThrow();
      expect(parseRunbook(text, 'x.yaml').ok).toBe(false);
    }
  });
});
