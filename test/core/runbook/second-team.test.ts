// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook placeholders are written ${name} on purpose
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, parseRunbook } from '../../../src/core/runbook/parse.js';
import { fixturesDir } from './bad-fixtures.js';

/** What a second team ran into writing its first runbook (issue 13 point 7), one case each. */

const minimalText = readFileSync(join(fixturesDir, 'good', 'minimal.yaml'), 'utf8');

function problemLines(text: string): string[] {
  const result = parseRunbook(text, 'rb.yaml');
  if (result.ok) throw new Error('expected the runbook to be rejected');
  return result.problems.map(formatProblem);
}

/** The column of `fragment` on a line of `text` (1-based), to check positions against the text itself. */
function columnOf(text: string, line: number, fragment: string): number {
  return text.split('\n')[line - 1].indexOf(fragment) + 1;
}

const TICKET_LINE = 23;
const withTicketPattern = (written: string) =>
  // A function, so that the "$'" of a pattern is not read as a replacement pattern.
  minimalText.replace("      pattern: '^[A-Z][A-Z0-9]+-\\d+$'", () => `      pattern: ${written}`);

describe('an unquoted account id with a leading zero', () => {
  it('is advised with the digits as written, leading zero kept', () => {
    const text = minimalText.replace('accountId: "093646564004"', 'accountId: 048213579640');
    expect(problemLines(text)).toEqual([
      `rb.yaml:16:${columnOf(text, 16, '048')}: environments[1].accountId: the account id must be quoted to keep its leading zero, e.g. "048213579640" (unquoted, YAML reads it as the number 48213579640)`,
    ]);
  });

  it('and any other number YAML changed is quoted as written', () => {
    const [problem] = problemLines(minimalText.replace('version: "1"', 'version: 1.10'));
    expect(problem).toBe(
      'rb.yaml:4:12: runbook.version: "version" must be quoted to stay as written, e.g. "1.10" (unquoted, YAML reads it as the number 1.1)',
    );
  });

  it('an account id without a leading zero is simply quoted', () => {
    const [problem] = problemLines(
      minimalText.replace('accountId: "815856636111"', 'accountId: 815856636111'),
    );
    expect(problem).toContain('quote it ("815856636111") so it stays text');
  });
});

describe('a regular expression that does not compile', () => {
  it('is refused at the pattern, in our words, though plain JavaScript would compile it', () => {
    const text = withTicketPattern("'^CHG-\\d{6$'");
    const written = '^CHG-\\d{6$';
    expect(() => new RegExp(written)).not.toThrow();
    expect(problemLines(text)).toEqual([
      `rb.yaml:${TICKET_LINE}:${columnOf(text, TICKET_LINE, "'")}: environments[1].changeTicket.pattern: is not a valid regular expression: a "{" opens a repeat count such as {6} that is not closed (write \\{ for a literal brace)`,
    ]);
  });

  it('covers evidence patterns too', () => {
    const text = minimalText.replace(
      '            run: [npm, test]\n',
      "            run: [npm, test]\n            evidence:\n              - { id: passed, fact: tests-passed, from: regex, pattern: '(\\d+ passed' }\n",
    );
    const [problem] = problemLines(text);
    expect(problem).toMatch(
      /^rb\.yaml:50:\d+: promotions\[0\]\.phases\[0\]\.steps\[1\]\.evidence\[0\]\.pattern: is not a valid regular expression: a "\(" is not closed$/,
    );
  });

  it('accepts escaped punctuation, which means the character itself', () => {
    expect(parseRunbook(withTicketPattern("'^CHG\\-\\d+$'"), 'rb.yaml').ok).toBe(true);
  });
});

describe('a regular expression in double quotes', () => {
  it('says to write it in single quotes, at the backslash', () => {
    const text = withTicketPattern('"^CHG-\\d{6}$"');
    expect(problemLines(text)).toEqual([
      `rb.yaml:${TICKET_LINE}:${columnOf(text, TICKET_LINE, '\\')}: environments[1].changeTicket.pattern: in double quotes a backslash starts an escape, and "\\d" is not one; write the pattern in single quotes: '^CHG-\\d{6}$'`,
    ]);
  });

  it('and the advice, followed, is accepted', () => {
    expect(parseRunbook(withTicketPattern("'^CHG-\\d{6}$'"), 'rb.yaml').ok).toBe(true);
  });

  it('says value, not pattern, for another field', () => {
    const [problem] = problemLines(minimalText.replace('title: Tech Lead', 'title: "Tech\\qLead"'));
    expect(problem).toBe(
      `rb.yaml:7:17: roles[0].title: in double quotes a backslash starts an escape, and "\\q" is not one; write the value in single quotes: 'Tech\\qLead'`,
    );
  });
});

describe('library wording never reaches the author', () => {
  it('a map of names where something else was written', () => {
    const text = minimalText.replace(
      '            run: [npm, test]\n',
      '            run: [npm, test]\n            env: 42\n',
    );
    expect(problemLines(text)).toEqual([
      `rb.yaml:49:18: promotions[0].phases[0].steps[1].env: expected a map of names to values, got the number 42`,
    ]);
  });

  it('a mistake inside the one alternative a value has the form of, not the list of alternatives', () => {
    const text = minimalText.replace(
      '            stages:\n',
      '            baseline: { errorRatePct: 0.1, p95: 200ms, p59: 1 }\n            stages:\n',
    );
    const [problem] = problemLines(text);
    expect(problem).toMatch(
      /steps\[0\]\.baseline\.p59: unknown key "p59" \(allowed here: errorRatePct, p95\)$/,
    );
  });

  it('a whole number where a fraction was written', () => {
    const text = minimalText.replace('kind: http\n', 'kind: http\n            expectStatus: 200.5\n');
    const [problem] = problemLines(text);
    expect(problem).toMatch(/steps\[0\]\.expectStatus: expected a whole number, got the number 200\.5$/);
  });
});
