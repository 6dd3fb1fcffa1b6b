import { describe, expect, it } from 'vitest';
import { useConductorHome, waitForCanaryStage } from './flows.js';
import { eventsOf, readJournal } from './terminal.js';

describe('SIGHUP during the canary (the SSH connection dropped), then resume from another terminal', () => {
  const e2e = useConductorHome();

  it('keeps guarding headless, then hands the session over to the new terminal', async () => {
    const { home } = e2e;
    const first = e2e.startRehearsal({ autopilot: true, speed: 120 });
    await waitForCanaryStage(first, 10, { holding: true });
    first.hangUp();

    // The process outlives its terminal and says so in the journal.
    const detached = await first.waitFor(
      () => eventsOf(home, 'session.detached')[0],
      30_000,
      'session.detached in the journal',
    );
    expect(detached.mode).toBe('guard');
    expect(detached.pid).toBe(first.pid);
    expect(first.isAlive()).toBe(true);
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
    expect(first.isAlive()).toBe(true);
    expect(eventsOf(home, 'rollback.started')).toHaveLength(0);

    const second = e2e.start(['resume']);
    const screen = await second.waitForText(/ABORT & ROLL BACK/, 60_000);
    second.show('resumed from a second terminal');
    // The stage the guard was holding is the one the new terminal shows as current.
    const stages = eventsOf(home, 'canary.stage.started');
    expect(screen).toContain(`[${stages.at(-1)?.weight}%]`);
    expect(screen).toMatch(/canary v2026\.11\.29\.1/);

    // The guard gave the session up and ended.
    await first.waitFor(() => !first.isAlive() || undefined, 30_000, 'the headless guard to exit');
    const resumed = await second.waitFor(
      () => eventsOf(home, 'session.resumed')[0],
      20_000,
      'session.resumed in the journal',
    );
    expect((resumed.tookOverFrom as { pid: number } | undefined)?.pid).toBe(first.pid);
    expect(eventsOf(home, 'rollback.started')).toHaveLength(0);
    // Headless, the guard never advanced: no stage started between the hang-up and the takeover.
    const journal = readJournal(home);
    const between = journal.slice(
      journal.findIndex((e) => e.type === 'session.detached'),
      journal.findIndex((e) => e.type === 'session.resumed'),
    );
    expect(between.filter((e) => e.type === 'canary.stage.started' || e.type === 'traffic.shifted')).toEqual(
      [],
    );
    expect(second.isAlive()).toBe(true);
  }, 300_000);
});
