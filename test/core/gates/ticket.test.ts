import { describe, expect, it } from 'vitest';
import { checkTicket } from '../../../src/core/gates/ticket.js';
import { environmentSchema } from '../../../src/core/runbook/schema.js';

function env(title: string, policy: 'none' | 'recommended' | 'required', pattern?: string) {
  return environmentSchema.parse({
    id: title.toLowerCase(),
    title,
    accountId: '093646564004',
    region: 'af-south-1',
    changeTicket: { policy, pattern },
  });
}

const JIRA = '^[A-Z][A-Z0-9]+-\\d+$';

describe('checkTicket (seed 1.3: DEV not required, SIT recommended, PROD required)', () => {
  it('DEV: nothing is checked', () => {
    expect(checkTicket(env('DEV', 'none', JIRA), undefined)).toEqual({ ok: true });
    expect(checkTicket(env('DEV', 'none', JIRA), 'whatever')).toEqual({ ok: true });
  });

  it('SIT: no ticket is fine with a reminder; a well-formed one is fine', () => {
    expect(checkTicket(env('SIT', 'recommended', JIRA), undefined)).toEqual({
      ok: true,
      message: 'A change ticket is recommended for SIT; none is recorded.',
    });
    expect(checkTicket(env('SIT', 'recommended', JIRA), 'BBWS-42')).toEqual({ ok: true });
  });

  it('SIT: a mistyped ticket is refused rather than cited in the report', () => {
    const result = checkTicket(env('SIT', 'recommended', JIRA), 'bbws 42');
    expect(result.ok).toBe(false);
    expect(result.message).toBe(
      `"bbws 42" does not look like a change ticket for SIT (it must match ${JIRA}); correct it.`,
    );
  });

  it('PROD: no ticket blocks, naming the pattern', () => {
    expect(checkTicket(env('PROD', 'required', JIRA), '  ')).toEqual({
      ok: false,
      message: `PROD requires a change ticket; record one matching ${JIRA}.`,
    });
    expect(checkTicket(env('PROD', 'required'), undefined).message).toBe(
      'PROD requires a change ticket; record one.',
    );
  });

  it('PROD: the pattern must match the whole ticket, after trimming', () => {
    const prod = env('PROD', 'required', '[A-Z]+-\\d+');
    expect(checkTicket(prod, ' JIRA-1234 ').ok).toBe(true);
    expect(checkTicket(prod, 'see JIRA-1234').ok).toBe(false);
    expect(checkTicket(prod, 'JIRA-1234x').ok).toBe(false);
  });

  it('PROD without a pattern accepts any non-blank ticket', () => {
    expect(checkTicket(env('PROD', 'required'), 'CHG0012345').ok).toBe(true);
  });

  it('says when the runbook pattern itself is broken', () => {
    // The runbook's validation refuses it first (core/runbook/regex-pattern.ts)...
    expect(() => env('PROD', 'required', '[A-Z+')).toThrow(/is not a valid regular expression/);
    // ...and the gate still refuses to match against one, should an environment reach it unvalidated.
    const prod = env('PROD', 'required');
    const result = checkTicket(
      { ...prod, changeTicket: { ...prod.changeTicket, pattern: '[A-Z+' } },
      'JIRA-1',
    );
    expect(result.ok).toBe(false);
    expect(result.message).toContain('is not a valid regular expression; fix the runbook');
  });
});
