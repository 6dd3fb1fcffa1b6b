import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateStart } from '../../../src/commands/start-form.js';
import { startInputsProblem } from '../../../src/core/gates/start-inputs.js';
import { formatProblem, parseRunbook } from '../../../src/core/runbook/parse.js';
import { HOUR, promotion, runbook, T0 } from '../../screens/fixtures.js';

describe('startInputsProblem: the start inputs, checked before a session exists', () => {
  const good = { version: 'v42', ticket: 'CHG-2041', window: { start: T0, end: T0 + 2 * HOUR } };

  it('lets valid inputs through', () => {
    expect(startInputsProblem(runbook, promotion, good, T0)).toBeUndefined();
    expect(startInputsProblem(runbook, promotion, { ...good, window: undefined }, T0)).toBeUndefined();
  });

  it('refuses a blank or multi-line version', () => {
    expect(startInputsProblem(runbook, promotion, { ...good, version: '  ' }, T0)).toBe(
      'Name the version being promoted.',
    );
    expect(startInputsProblem(runbook, promotion, { ...good, version: 'v42\nv43' }, T0)).toBe(
      'The version must be one line of printable text; type it again.',
    );
  });

  it("refuses a ticket the target environment's pattern refuses, and a missing required one", () => {
    expect(startInputsProblem(runbook, promotion, { ...good, ticket: 'chg 2041' }, T0)).toBe(
      '"chg 2041" does not look like a change ticket for PROD (it must match ^[A-Z][A-Z0-9]+-\\d+$); correct it.',
    );
    expect(startInputsProblem(runbook, promotion, { ...good, ticket: undefined }, T0)).toMatch(
      /^PROD requires a change ticket/,
    );
  });

  it('refuses a window that ends before it starts or has ended', () => {
    expect(
      startInputsProblem(runbook, promotion, { ...good, window: { start: T0, end: T0 - HOUR } }, T0),
    ).toMatch(/ends before it starts/);
    expect(startInputsProblem(runbook, promotion, good, T0 + 2 * HOUR)).toMatch(/has already ended/);
  });

  it('is what the start form says too', () => {
    const request = {
      runbookFile: 'runbooks/bbws.yaml',
      edge: 'sit-to-prod',
      version: 'v42',
      ticket: 'chg 2041',
      risk: 'low' as const,
      window: '02:00-04:00',
    };
    const night = Date.UTC(2026, 10, 29, 1);
    expect(validateStart(runbook, request, night)).toMatch(/does not look like a change ticket/);
    expect(validateStart(runbook, { ...request, ticket: 'CHG-2041' }, night)).toBeUndefined();
    expect(
      validateStart(runbook, { ...request, ticket: 'CHG-2041', window: '22:00-02:00' }, night),
    ).toBeUndefined();
  });
});

describe('changeTicket.ticketExample in a runbook', () => {
  const seed = readFileSync('runbooks/bbws.yaml', 'utf8');
  const prodTicket =
    "      policy: required\n      pattern: '^[A-Z][A-Z0-9]+-\\d+$'\n      ticketExample: CHG-2041";
  /** The seed with PROD's pattern `^CHG-\d{6}$` and this example. */
  const withExample = (example: string) => {
    const text = seed.replace(
      prodTicket,
      () => `      policy: required\n      pattern: '^CHG-\\d{6}$'\n      ticketExample: ${example}`,
    );
    expect(text).not.toBe(seed);
    return text;
  };

  it('must match the pattern beside it, reported at its line', () => {
    const text = withExample('CHG-2041');
    const result = parseRunbook(text, 'rb.yaml');
    if (result.ok) throw new Error('expected the example to be refused');
    const line = text.split('\n').findIndex((l) => l.includes("pattern: '^CHG-")) + 2;
    expect(result.problems.map(formatProblem)).toEqual([
      `rb.yaml:${line}:22: environments[2].changeTicket.ticketExample: "CHG-2041" does not match the ticket pattern ^CHG-\\d{6}$`,
    ]);
  });

  it('is accepted when it matches', () => {
    const result = parseRunbook(withExample('CHG-204117'), 'rb.yaml');
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    expect(result.runbook.environments.find((e) => e.id === 'prod')?.changeTicket.ticketExample).toBe(
      'CHG-204117',
    );
  });
});
