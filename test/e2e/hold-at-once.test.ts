import { describe, expect, it } from 'vitest';
import { QUICK_TO_HALF, useConductorHome } from './flows.js';
import { eventsOf, pause } from './terminal.js';

/** The canary's countdown in this test's runbook: 10 real seconds (the shipped default is 30). */
const COUNTDOWN_MS = 10_000;
const countdownLine = /AUTO-ROLLBACK \([^)]*\): (\d\d:\d\d) left · h: hold it/;

describe('h during the automatic-rollback countdown', () => {
  const e2e = useConductorHome();

  it('stops the countdown at once, asks the reason after, and no rollback fires while it is typed', async () => {
    const { home } = e2e;
    // x120, not faster: on two busy cores a poll must be answered within its period (0.5 real s).
    const app = e2e.startRehearsal({
      scenario: 'error-spike',
      autopilot: true,
      speed: 120,
      runbook: { rollbackCountdown: `${COUNTDOWN_MS / 1000}s`, canaryMinutes: QUICK_TO_HALF },
    });
    // The countdown line and the key bar with the abort key, in one frame.
    await app.waitForText([countdownLine, /x ABORT & ROLL BACK/], 240_000);
    app.show('the countdown');
    const [armed] = eventsOf(home, 'canary.auto-rollback.armed');
    expect(armed).toBeDefined();

    const pressedAt = Date.now();
    await app.press('h');
    // The hold is in the journal before anything is typed: no reason yet.
    const held = await app.waitFor(
      () => eventsOf(home, 'canary.auto-rollback.held')[0],
      5_000,
      'canary.auto-rollback.held in the journal',
    );
    expect(Date.now() - pressedAt).toBeLessThan(5_000);
    expect(held.reason).toBeUndefined();
    expect(held.at).toBeLessThan(armed.deadline as number);
    // The form opens on the screen; the engine's answer reaches it over the socket: the countdown
    // gives way to the hold. (Ink draws a frame top to bottom: the form, at the bottom, comes last.)
    const asking = await app.waitForText(
      /Automatic rollback HELD by [^:]+: reason to follow[\s\S]*Automatic rollback HELD: why\?/,
      5_000,
    );
    app.show('held, the reason asked');
    expect(asking).not.toMatch(countdownLine);

    // Past the end of the countdown the form still waits, the screen shows no countdown, nothing rolled back.
    const shownWhileAsking = new Set<string>();
    while (Date.now() - pressedAt < COUNTDOWN_MS + 8_000) {
      const screen = app.screenText();
      expect(screen).not.toMatch(countdownLine);
      // A frame read half-drawn has no whole line: only whole ones count.
      const held = /Automatic rollback HELD by ([^:]+: .*?)\. x still rolls back at once\./.exec(screen);
      if (held) shownWhileAsking.add(held[1] as string);
      await pause(1_000);
    }
    expect([...shownWhileAsking]).toEqual([`${held.by}: reason to follow`]);
    await app.waitForText('Automatic rollback HELD: why?', 5_000);
    expect(eventsOf(home, 'rollback.started')).toHaveLength(0);
    expect(app.screenText()).not.toMatch(/ROLLING BACK|ROLLED BACK/);

    // The reason arrives as one bracketed paste, with a line break and x in it, while traffic is
    // shifted and x aborts anywhere else: it is text for the field, one line, not keys.
    await app.type('\x1b[200~one client retries in a loop\rsee trace x-91, xxx\x1b[201~');
    await app.waitForText(
      /Automatic rollback HELD: why\?[\s\S]*reason +one client retries in a loop see trace x-91, xxx/,
      10_000,
    );
    await pause(1_000);
    expect(eventsOf(home, 'rollback.started')).toHaveLength(0);
    expect(eventsOf(home, 'canary.auto-rollback.hold-reason')).toHaveLength(0);
    await app.press('enter');
    const recorded = await app.waitForText(
      /Automatic rollback HELD by [^:]+: one client retries in a loop see trace x-91, xxx/,
      10_000,
    );
    app.show('hold reason recorded');
    expect(recorded).not.toContain('Automatic rollback HELD: why?');
    const reasons = eventsOf(home, 'canary.auto-rollback.hold-reason');
    expect(reasons).toHaveLength(1);
    expect(reasons[0]?.reason).toBe('one client retries in a loop see trace x-91, xxx');
    expect(reasons[0]?.by).toBe(held.by);
    expect(eventsOf(home, 'canary.auto-rollback.held')).toHaveLength(1);
    expect(eventsOf(home, 'rollback.started')).toHaveLength(0);
  }, 420_000);
});
