import { describe, expect, it } from 'vitest';
import { useConductorHome, waitForCanaryStage } from './flows.js';
import { eventsOf } from './terminal.js';

describe('leaving while traffic is shifted', () => {
  const e2e = useConductorHome();

  it('q and ctrl+c ask first; detach leaves a guard; ctrl+c at the plain terminal ends it', async () => {
    const { home } = e2e;
    const app = e2e.startRehearsal({ autopilot: true, speed: 60 });
    await waitForCanaryStage(app, 10, { holding: true });

    // q never quits silently: it says how much traffic is on the new version and offers the ways out.
    await app.press('q');
    const question = await app.waitForText('Leave it like that?', 10_000);
    expect(question).toMatch(/10% of traffic is on v2026\.11\.29\.1/);
    expect(question).toMatch(/enter +detach/);
    expect(question).toMatch(/x +ABORT & ROLL BACK/);
    expect(question).toMatch(/esc +cancel/);
    await app.press('escape');
    await app.waitForNoText('Leave it like that?', 10_000);
    expect(app.isAlive()).toBe(true);

    // ctrl+c is the same question, not a kill.
    await app.press('ctrl+c');
    await app.waitForText('Leave it like that?', 10_000);
    await app.press('enter');

    // Detached: the full screen is gone, the process stays to guard the canary headless.
    const guarding = await app.waitForText('is guarding session', 20_000);
    expect(app.onAltScreen).toBe(false);
    expect(guarding).toMatch(/conductor resume \d{8}-\d{6}-\w+/);
    expect(app.isAlive()).toBe(true);
    await app.waitFor(
      () => eventsOf(home, 'session.detached').find((e) => e.mode === 'guard'),
      20_000,
      'session.detached mode guard in the journal',
    );

    // Raw mode is off again: ctrl+c reaches the terminal's line discipline, which sends SIGINT.
    // The guard persists and exits, traffic left as it is.
    await app.press('ctrl+c');
    const exit = await app.waitForExit(30_000);
    expect(exit.exitCode).toBe(0);
    const after = await app.waitForText('left as it is', 10_000);
    app.show('after detach and ctrl+c');
    expect(after).toMatch(/`conductor resume \d{8}-\d{6}-\w+` continues it/);
    expect(app.onAltScreen).toBe(false);
    expect(eventsOf(home, 'rollback.started')).toHaveLength(0);
    expect(eventsOf(home, 'session.detached').at(-1)?.mode).toBe('exit');
  }, 240_000);
});

describe('SIGTERM while the full screen is up', () => {
  const e2e = useConductorHome();

  it('persists, exits 0 and restores the terminal, leaving the canary traffic as it is', async () => {
    const { home } = e2e;
    const app = e2e.startRehearsal({ autopilot: true, speed: 60 });
    await waitForCanaryStage(app, 10, { holding: true });
    expect(app.onAltScreen).toBe(true);
    app.kill('SIGTERM');
    expect((await app.waitForExit(30_000)).exitCode).toBe(0);
    expect(app.onAltScreen).toBe(false);
    await app.waitForText(/Session \d{8}-\d{6}-\w+ left as it is/, 10_000);
    expect(eventsOf(home, 'session.detached').map((e) => e.mode)).toEqual(['exit']);
    expect(eventsOf(home, 'rollback.started')).toHaveLength(0);
    const shifted = eventsOf(home, 'traffic.shifted');
    expect(shifted.at(-1)?.weight).toBe(10);
  }, 240_000);
});
