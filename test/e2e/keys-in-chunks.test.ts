import { describe, expect, it } from 'vitest';
import { useConductorHome } from './flows.js';
import { sessionDir } from './terminal.js';

/**
 * Keys that arrive together (a laggy SSH link, a busy machine) are as many key presses as they
 * hold; only a bracketed paste is a paste. (The abort key in one chunk: abort-key.test.ts.)
 */
describe('keys in one chunk, and a bracketed paste', () => {
  const e2e = useConductorHome();

  it('five Backspaces in one write erase five characters; a paste is typed whole, its x is text', async () => {
    const app = e2e.startRehearsal();
    await app.waitForText('Sessions to resume, newest first', 30_000);
    await app.press('s');
    const runbookLine = () => app.screenLines().find((l) => l.includes('runbook file')) ?? '';
    await app.waitFor(
      () => app.screenText().includes('Start a promotion') && /bbws-e2e\.yaml/.test(runbookLine()),
      10_000,
      'the form with the runbook file field',
    );

    await app.type('\x7f\x7f\x7f\x7f\x7f');
    await app.waitFor(
      () => (/bbws-e2e\s*│?\s*$/.test(runbookLine()) ? true : undefined),
      10_000,
      '.yaml erased',
    );

    await app.type('\x1b[200~.yml x\x1b[201~');
    await app.waitFor(
      () => (runbookLine().includes('bbws-e2e.yml x') ? true : undefined),
      10_000,
      'the paste',
    );
    // The paste started nothing: still the form, no session.
    expect(app.screenText()).toContain('Start a promotion');
    expect(sessionDir(e2e.home)).toBeUndefined();

    // A tab inside a burst moves to the next field, the rest of the burst is typed there.
    await app.type('\t\tv9');
    await app.waitFor(
      () => (app.screenLines().some((l) => /version\s+v\d{4}\.\d{2}\.\d{2}\.1v9/.test(l)) ? true : undefined),
      10_000,
      'v9 typed into the version field after two tabs',
    );
    app.show('after the chunks');
  }, 120_000);
});
