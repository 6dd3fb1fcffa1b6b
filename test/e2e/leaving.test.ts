import { describe, expect, it } from 'vitest';
import { useConductorHome, waitForCanaryStage } from './flows.js';
import { enginePid, eventsOf, processAlive, readJournal, sessionDir } from './terminal.js';

describe('leaving while traffic is shifted', () => {
  const e2e = useConductorHome();

  it('q and ctrl+c ask first; detach gives the prompt back and the engine keeps guarding', async () => {
    const { home } = e2e;
    const app = e2e.startRehearsal({ autopilot: true, speed: 60 });
    await waitForCanaryStage(app, 10, { holding: true });
    const engine = enginePid(sessionDir(home));
    expect(engine).toBeDefined();
    expect(engine).not.toBe(app.pid);

    // q never quits silently: it says how much traffic is on the new version and offers the ways out.
    await app.press('q');
    await app.waitForText(
      [
        'Leave it like that?',
        /10% of traffic is on v\d{4}\.\d{2}\.\d{2}\.1/,
        /enter +detach/,
        /x +ABORT & ROLL BACK/,
        /esc +cancel/,
      ],
      10_000,
    );
    await app.press('escape');
    await app.waitForNoText('Leave it like that?', 10_000);
    expect(app.isAlive()).toBe(true);

    // ctrl+c is the same question, not a kill.
    await app.press('ctrl+c');
    await app.waitForText('Leave it like that?', 10_000);
    await app.press('enter');

    // Detached: the screen process ends (the prompt comes back) and names the session and its guard.
    const exit = await app.waitForExit(20_000);
    expect(exit.exitCode).toBe(0);
    expect(app.onAltScreen).toBe(false);
    await app.waitForText(
      [
        'is guarded by conductor engine pid',
        /`conductor resume \d{8}-\d{6}-\w+` takes it back/,
        `pid ${engine}`,
      ],
      10_000,
    );
    app.show('after detach');

    // The engine guards alone: journaled, still sampling, never rolled back or advanced.
    await app.waitFor(
      () => eventsOf(home, 'session.detached').find((e) => e.mode === 'guard'),
      20_000,
      'session.detached mode guard in the journal',
    );
    const detachedAt = readJournal(home).findIndex((e) => e.type === 'session.detached');
    await app.waitFor(
      () =>
        readJournal(home)
          .slice(detachedAt)
          .some((e) => e.type === 'canary.sample') || undefined,
      60_000,
      'a canary sample taken by the engine guarding alone',
    );
    expect(processAlive(engine)).toBe(true);
    expect(eventsOf(home, 'rollback.started')).toHaveLength(0);
  }, 240_000);
});

describe('SIGTERM to the screen while the full screen is up', () => {
  const e2e = useConductorHome();

  it('restores the terminal and exits 0; the engine keeps the canary traffic as it is and guards it', async () => {
    const { home } = e2e;
    const app = e2e.startRehearsal({ autopilot: true, speed: 60 });
    await waitForCanaryStage(app, 10, { holding: true });
    expect(app.onAltScreen).toBe(true);
    app.kill('SIGTERM');
    expect((await app.waitForExit(30_000)).exitCode).toBe(0);
    expect(app.onAltScreen).toBe(false);
    await app.waitForText(/Session \d{8}-\d{6}-\w+ is guarded by conductor engine/, 10_000);
    await app.waitFor(
      () => eventsOf(home, 'session.detached').find((e) => e.mode === 'guard'),
      20_000,
      'session.detached mode guard',
    );
    expect(processAlive(enginePid(sessionDir(home)))).toBe(true);
    expect(eventsOf(home, 'rollback.started')).toHaveLength(0);
    expect(eventsOf(home, 'traffic.shifted').at(-1)?.weight).toBe(10);
  }, 240_000);
});
