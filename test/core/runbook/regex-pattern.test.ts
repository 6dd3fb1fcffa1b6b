import { describe, expect, it } from 'vitest';
import { regexPatternProblem } from '../../../src/core/runbook/regex-pattern.js';

describe('regexPatternProblem', () => {
  it('accepts the patterns runbooks use', () => {
    for (const pattern of [
      '^[A-Z][A-Z0-9]+-\\d+$',
      '(\\d+) passed',
      'Tests: +(\\d+) passed',
      '^CHG\\-\\d{6}$',
      '^[A-Z\\-]+#\\d+$',
      '\\#\\d+',
      'a\\/b',
      '\\\\d',
    ])
      expect({ pattern, problem: regexPatternProblem(pattern) }).toEqual({ pattern, problem: undefined });
  });

  it('says what is wrong in plain words', () => {
    const cases: [string, string][] = [
      ['^CHG-\\d{6$', 'a "{" opens a repeat count such as {6} that is not closed'],
      ['a{2,1}', 'a repeat count {n,m} has n greater than m'],
      ['(\\d+', 'a "(" is not closed'],
      ['\\d+)', 'a ")" closes no "("'],
      ['[A-Z', 'a "[" is not closed'],
      ['[z-a]', 'a range inside [...] runs backwards'],
      ['*CHG', 'follows nothing it could repeat'],
      ['CHG\\', 'it ends with a lone backslash'],
      ['CHG\\q', 'a backslash escape is not one a regular expression knows'],
      ['a]', 'a "{", "}" or "]" stands alone'],
      ['(?x)', '"(?" starts no kind of group'],
    ];
    for (const [pattern, reason] of cases) {
      const problem = regexPatternProblem(pattern);
      expect(problem).toMatch(/^is not a valid regular expression: /);
      expect({ pattern, problem }).toEqual({ pattern, problem: expect.stringContaining(reason) });
      expect(problem).not.toMatch(/Invalid regular expression|\/u:/);
    }
  });
});
