import { describe, expect, it } from 'vitest';
import { exampleTicket, rehearsalTicket, ticketMatching } from '../../../src/core/gates/ticket-example.js';
import { environmentSchema, type Promotion } from '../../../src/core/runbook/schema.js';
import { runbook } from '../../screens/fixtures.js';

function env(changeTicket: {
  policy: 'none' | 'recommended' | 'required';
  pattern?: string;
  ticketExample?: string;
}) {
  return environmentSchema.parse({
    id: 'prod',
    title: 'PROD',
    accountId: '093646564004',
    region: 'af-south-1',
    changeTicket,
  });
}

describe('ticketMatching: a ticket made up from a simple pattern', () => {
  it.each([
    ['^CHG-\\d{6}$', 'CHG-123456'],
    ['^[A-Z][A-Z0-9]+-\\d+$', 'AABCD-1234'],
    ['[A-Z]{3}-\\d{4}', 'ABC-1234'],
    ['^(?:CHG|INC)-\\d{2,5}$', 'CHG-1234'],
    ['^RFC\\.\\d{3}[a-z]?$', 'RFC.123a'],
    ['^[^a-z]{2}\\d*$', 'AB1234'],
    ['^OPS_\\w{3}$', 'OPS_ABC'],
    ['^(?<project>[A-Z]{2})-\\d{1,}$', 'AB-1234'],
  ])('%s -> %s', (pattern, ticket) => {
    expect(ticketMatching(pattern)).toBe(ticket);
    expect(new RegExp(`^(?:${pattern})$`).test(ticket)).toBe(true);
  });

  it.each([
    ['back-references', '^([A-Z])\\1-\\d+$'],
    ['lookarounds', '^(?=CHG)[A-Z]+-\\d+$'],
    ['word boundaries', '^\\bCHG-\\d+$'],
    ['unicode escapes', '^\\u00e9-\\d+$'],
    ['an invalid pattern', '^[A-Z'],
  ])('gives up on %s', (_what, pattern) => {
    expect(ticketMatching(pattern)).toBeUndefined();
  });
});

describe('exampleTicket', () => {
  it("is the runbook's example when it declares one", () => {
    expect(
      exampleTicket(env({ policy: 'required', pattern: '^CHG-\\d{6}$', ticketExample: 'CHG-204117' })),
    ).toEqual({
      ticket: 'CHG-204117',
    });
  });

  it('is made up from the pattern without one', () => {
    expect(exampleTicket(env({ policy: 'required', pattern: '^CHG-\\d{6}$' }))).toEqual({
      ticket: 'CHG-123456',
    });
  });

  it('asks for ticketExample, in one sentence, when the pattern is too complex', () => {
    expect(exampleTicket(env({ policy: 'required', pattern: '^(?=CHG)[A-Z]+-\\d+$' }))).toEqual({
      problem:
        'The change-ticket pattern of PROD (^(?=CHG)[A-Z]+-\\d+$) is too complex to make up a ticket from; add `ticketExample` (a ticket that matches it) next to the pattern in the runbook.',
    });
  });

  it("is the seed's example for its PROD promotion", () => {
    const promotion = runbook.promotions.find((p) => p.id === 'sit-to-prod') as Promotion;
    expect(rehearsalTicket(runbook, promotion)).toEqual({ ticket: 'CHG-2041' });
  });
});
