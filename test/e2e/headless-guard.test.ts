import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILD_TIMEOUT_MS,
  bbwsRunbook,
  ensureBuilt,
  eventsOf,
  makeHome,
  readJournal,
  removeHome,
  startConductor,
  type TerminalSession,
} from './terminal.js';

describe('SIGHUP during the canary (the SSH connection dropped), then resume from another terminal', () => {
  let home: string;
  const apps: TerminalSession[] = [];
  // Building dist/ on two shared cores (or waiting for another file's build) takes a while.
  beforeAll(() => {
    ensureBuilt();
    home = makeHome();
  }, BUILD_TIMEOUT_MS);
  afterAll(() => {
    for (const app of apps) app.dispose();
    removeHome(home);
  });

  it('keeps guarding headless, then hands the session over to the new terminal', async () => {
    const first = startConductor(
      ['rehearse', '--autopilot', '--speed', '120', '--runbook', bbwsRunbook(home)],
      { home },
    );
    apps.push(first);
    await first.waitForText(/\[10%\] → 25%.*hold/, 120_000);
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

    const second = startConductor(['resume'], { home });
    apps.push(second);
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
