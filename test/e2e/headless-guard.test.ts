import { describe, expect, it } from 'vitest';
import { useConductorHome, waitForCanaryStage } from './flows.js';
import { enginePid, eventsOf, processAlive, readJournal, sessionDir } from './terminal.js';

describe('SIGHUP during the canary (the SSH connection dropped), then resume from another terminal', () => {
  const e2e = useConductorHome();

  it('the engine keeps guarding without a screen, then resume attaches at the same stage', async () => {
    const { home } = e2e;
    const first = e2e.startRehearsal({ autopilot: true, speed: 120 });
    await waitForCanaryStage(first, 10, { holding: true });
    const engine = enginePid(sessionDir(home));
    first.hangUp();

    // The screen is gone; the engine, in a process of its own, says in the journal that it guards alone.
    const detached = await first.waitFor(
      () => eventsOf(home, 'session.detached')[0],
      30_000,
      'session.detached in the journal',
    );
    expect(detached.mode).toBe('guard');
    expect(detached.pid).toBe(engine);
    await first.waitForExit(20_000);
    expect(processAlive(engine)).toBe(true);
    // It keeps watching: samples keep arriving after the hang-up.
    const detachedAt = readJournal(home).findIndex((e) => e.type === 'session.detached');
    await first.waitFor(
      () =>
        readJournal(home)
          .slice(detachedAt)
          .some((e) => e.type === 'canary.sample') || undefined,
      60_000,
      'a canary sample taken by the headless guard',
    );
    expect(eventsOf(home, 'rollback.started')).toHaveLength(0);

    // resume without an id picks the session with traffic shifted and attaches to its engine.
    // Alone, the guard never advances: the stage it was left at is the one the screen shows.
    const stage = `[${eventsOf(home, 'canary.stage.started').at(-1)?.weight}%]`;
    const second = e2e.start(['resume']);
    await second.waitForText([/ABORT & ROLL BACK/, stage, /canary v\d{4}\.\d{2}\.\d{2}\.1/], 60_000);
    second.show('resumed from a second terminal');
    const attached = await second.waitFor(
      () => eventsOf(home, 'session.attached').find((e) => e.pid === second.pid),
      20_000,
      'session.attached of the second terminal in the journal',
    );
    expect(attached).toBeDefined();
    // The same engine drives on: no takeover, no new engine.
    expect(enginePid(sessionDir(home))).toBe(engine);
    expect(eventsOf(home, 'session.resumed')).toHaveLength(0);
    // Alone, the guard never advanced: no stage started between the hang-up and the attach.
    const journal = readJournal(home);
    const between = journal.slice(
      journal.findIndex((e) => e.type === 'session.detached'),
      journal.findIndex((e) => e.type === 'session.attached' && e.pid === second.pid),
    );
    expect(between.filter((e) => e.type === 'canary.stage.started' || e.type === 'traffic.shifted')).toEqual(
      [],
    );
    expect(second.isAlive()).toBe(true);
  }, 300_000);
});
