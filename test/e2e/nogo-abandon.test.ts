import { describe, expect, it } from 'vitest';
import { useConductorHome } from './flows.js';
import { eventsOf } from './terminal.js';

describe('a NO-GO has a way forward', () => {
  const e2e = useConductorHome();

  it('r runs the failing input again and decides again; A abandons with a reason', async () => {
    const { home } = e2e;
    const app = e2e.startRehearsal({ scenario: 'coverage-drop', autopilot: true, speed: 120 });
    // The decision, its way forward and the key bar's A (drawn once the engine waits on the NO-GO).
    const nogo = await app.waitFor(
      () => {
        const screen = app.screenText();
        return /r: run .* again and decide again/.test(screen) && /A abandon/.test(screen)
          ? screen
          : undefined;
      },
      120_000,
      'the NO-GO with its rerun hint and the abandon key',
    );
    expect(nogo).toMatch(/NO-GO/);
    expect(nogo).toMatch(/A: abandon the session/);
    await app.press('r');
    await app.waitFor(
      () => (eventsOf(home, 'gonogo.decided').length >= 2 ? true : undefined),
      60_000,
      'a second decision',
    );
    expect(eventsOf(home, 'steps.reopened')).toHaveLength(1);
    await app.waitForText(/r: run .* again and decide again/, 30_000);

    await app.press('A');
    await app.waitForText('Abandon this session?', 10_000);
    await app.type('coverage will not be fixed tonight');
    await app.press('enter');
    const done = await app.waitForText('ABANDONED', 20_000);
    app.show('abandoned');
    expect(done).toMatch(/coverage will not be fixed tonight/);
    expect(eventsOf(home, 'session.completed')[0]?.outcome).toBe('abandoned');
    expect(eventsOf(home, 'traffic.shifted')).toHaveLength(0);
  }, 240_000);
});
