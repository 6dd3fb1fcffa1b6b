import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { startRehearsal } from '../../src/wiring/rehearsal.js';
import { eventsOf, rehearse, relaxedSeedText, tempHome, until } from './helpers.js';

// The shipped runbook, its SIT load limits widened for a shared machine (helpers.ts).
const SEED = relaxedSeedText();
const SEED_PATTERN = "pattern: '^[A-Z][A-Z0-9]+-\\d+$'";

/** A copy of the seed whose environments want `^CHG-\d{6}$` tickets and declare no example. */
function runbookCopy(pattern: string, example?: string): string {
  const text = SEED.replace(/\n\s+ticketExample: .*/g, '').replaceAll(
    SEED_PATTERN,
    () => `pattern: '${pattern}'${example ? `\n      ticketExample: ${example}` : ''}`,
  );
  expect(text).not.toBe(SEED);
  const file = join(mkdtempSync(join(tmpdir(), 'conductor-runbook-')), 'runbook.yaml');
  writeFileSync(file, text);
  return file;
}

const STRICT = '^CHG-\\d{6}$';

describe('the autopilot answers the ticket from the runbook', () => {
  it('makes up a ticket that matches ^CHG-\\d{6}$: the start notice carries it and traffic moves', async () => {
    const r = await rehearse({ scenario: 'healthy', runbookFile: runbookCopy(STRICT) });
    const ticket = r.conductor.state.meta.ticket ?? '';
    expect(ticket).toMatch(new RegExp(STRICT));
    void r.conductor.start();
    await until(r, () => r.conductor.state.recordedWeight > 0, 'the first traffic shift', 120_000);
    const notices = eventsOf(r, 'notification.rendered');
    expect(notices.length).toBeGreaterThan(0);
    const mentioning = notices.filter((n) => /CHG-/.test(n.text));
    expect(mentioning.length).toBeGreaterThan(0);
    for (const notice of mentioning) expect(notice.text).toContain(ticket);
    expect(notices.some((n) => n.text.includes('CHG-2041'))).toBe(false);
  }, 150_000);

  it("types the runbook's ticketExample when it declares one", async () => {
    const r = await rehearse({ scenario: 'healthy', runbookFile: runbookCopy(STRICT, 'CHG-204117') });
    expect(r.conductor.state.meta.ticket).toBe('CHG-204117');
  });
});

describe('invalid start inputs are refused before the session exists', () => {
  async function refused(
    options: Parameters<typeof startRehearsal>[0],
  ): Promise<{ error: unknown; home: string }> {
    const home = options.home ?? tempHome();
    const error = await startRehearsal({ ...options, home }).then(
      async (r) => {
        await r.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    return { error, home };
  }
  const base = {
    runbookFile: 'runbooks/bbws.yaml',
    promotionId: 'sit-to-prod',
    scenario: 'healthy',
    speed: 600,
    autopilot: true,
    awsStandin: true,
  };
  /** Nothing written in the home: no session folder, so no journal line, no notice, no command, no AWS call. */
  const noSession = (home: string) => expect(readdirSync(home)).toEqual([]);

  it('a ticket the pattern refuses', async () => {
    const { error, home } = await refused({ ...base, ticket: 'chg 2041' });
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as UserError).message).toBe(
      '"chg 2041" does not look like a change ticket for PROD (it must match ^[A-Z][A-Z0-9]+-\\d+$); correct it.',
    );
    noSession(home);
  });

  it('a window that has already ended, and a blank version', async () => {
    const now = Date.now();
    const ended = await refused({ ...base, window: { start: now - 3 * 3_600_000, end: now - 3_600_000 } });
    expect((ended.error as UserError).message).toMatch(
      /has already ended; declare one that is still to come\.$/,
    );
    noSession(ended.home);
    const blank = await refused({ ...base, version: ' ' });
    expect((blank.error as UserError).message).toBe('Name the version being promoted.');
    noSession(blank.home);
  });

  it('a pattern too complex to make up a ticket from, without ticketExample', async () => {
    const { error, home } = await refused({ ...base, runbookFile: runbookCopy('^(?=CHG)[A-Z]+-\\d{6}$') });
    expect((error as UserError).message).toMatch(
      /is too complex to make up a ticket from; add `ticketExample`/,
    );
    noSession(home);
  });
});
