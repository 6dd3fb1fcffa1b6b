import { describe, expect, it } from 'vitest';
import { rehearsalVersion } from '../../src/core/gates/rehearsal-version.js';
import { QUICK_FIRST_STAGE, useConductorHome, waitForCanaryStage, withConductorHome } from './flows.js';
import { enginePid, eventsOf, processAlive, readJournal, sessionDir } from './terminal.js';

/** SIGKILL the session's engine (the process that drives it) and wait until it is gone. */
async function killEngine(home: string, waitFor: (probe: () => true | undefined) => Promise<unknown>) {
  const pid = enginePid(sessionDir(home));
  expect(pid).toBeDefined();
  process.kill(pid as number, 'SIGKILL');
  await waitFor(() => (!processAlive(pid) ? true : undefined));
}

describe('SIGKILL during the canary, then conductor resume', () => {
  const e2e = useConductorHome();

  it('a killed screen leaves the engine guarding; a killed engine is taken up from the journal at the same stage', async () => {
    const { home } = e2e;
    const first = e2e.startRehearsal({
      autopilot: true,
      speed: 120,
      runbook: { canaryMinutes: QUICK_FIRST_STAGE },
    });
    expect(await waitForCanaryStage(first, 25)).toMatch(/10% ✓ → \[25%\]/);
    // At least one sample of the 25% stage is in the journal before the kill.
    await first.waitFor(
      () => eventsOf(home, 'canary.sample').some((e) => e.stage === 1) || undefined,
      60_000,
      'a sample of the 25% stage in the journal',
    );
    const stageAtKill = eventsOf(home, 'canary.stage.started').at(-1);
    first.kill('SIGKILL');
    const killed = await first.waitForExit(20_000);
    expect(killed.signal).toBe(9);
    // The screen is gone, the engine is not: it says it guards alone and keeps sampling.
    await first.waitFor(
      () => eventsOf(home, 'session.detached').find((e) => e.mode === 'guard'),
      30_000,
      'the engine guarding alone after its screen was killed',
    );
    const guardingFrom = readJournal(home).length;
    await first.waitFor(
      () =>
        readJournal(home)
          .slice(guardingFrom)
          .some((e) => e.type === 'canary.sample') || undefined,
      60_000,
      'a sample taken by the guard',
    );
    // Now the engine dies too (OOM, kill -9): nothing was written for it.
    await killEngine(home, (probe) => first.waitFor(probe, 20_000, 'the engine to die'));
    const before = readJournal(home);
    const sessionId = sessionDir(home)?.split('/').at(-1);
    expect(sessionId).toBeTruthy();

    const second = e2e.start(['resume']);
    // The stage that was live when the process died is the current one again.
    const weight = stageAtKill?.weight as number;
    // The stage strip, the header, the split line and the key bar, in one frame.
    await second.waitForText(
      [
        `[${weight}%]`,
        `session ${sessionId}`,
        `${100 - weight}% `,
        ` ${weight}% canary ${rehearsalVersion(Date.now())}`,
        'ABORT & ROLL BACK',
      ],
      60_000,
    );
    second.show('resumed after SIGKILL');

    await second.waitFor(
      () => eventsOf(home, 'session.resumed')[0],
      20_000,
      'session.resumed in the journal',
    );
    const after = readJournal(home).slice(before.length);
    // The drift check read the live split before anything else moved traffic, and found none.
    const readAt = after.findIndex((e) => e.type === 'traffic.read');
    expect(readAt).toBeGreaterThanOrEqual(0);
    expect(after.filter((e) => e.type === 'drift.detected')).toHaveLength(0);
    // No stage was restarted or skipped: the canary goes on at 25%.
    expect(after.filter((e) => e.type === 'canary.stage.started')).toHaveLength(0);
    expect(after.filter((e) => e.type === 'traffic.shifted')).toHaveLength(0);
    expect(after.filter((e) => e.type === 'rollback.started')).toHaveLength(0);
    // And it keeps watching: new samples of the 25% stage arrive.
    await second.waitFor(
      () =>
        readJournal(home)
          .slice(before.length)
          .some((e) => e.type === 'canary.sample' && e.stage === stageAtKill?.stage) || undefined,
      60_000,
      'a new sample of the same stage after resume',
    );
  }, 300_000);

  it('is offered on the home screen of the next rehearse, and enter resumes it', async () => {
    await withConductorHome(async (other) => {
      const otherHome = other.home;
      const first = other.startRehearsal({ autopilot: true, speed: 120 });
      await waitForCanaryStage(first, 10, { holding: true });
      const sessionId = sessionDir(otherHome)?.split('/').at(-1);
      first.kill('SIGKILL');
      await first.waitForExit(20_000);
      await killEngine(otherHome, (probe) => first.waitFor(probe, 20_000, 'the engine to die'));
      const weight = eventsOf(otherHome, 'canary.stage.started').at(-1)?.weight as number;

      const second = other.startRehearsal();
      const homeScreen = await second.waitForText(
        ['Sessions to resume, newest first', /\[rehearsal\] .*active/],
        30_000,
      );
      second.show('home with an interrupted session');
      expect(homeScreen).not.toContain('No session yet');
      await second.press('enter');
      await second.waitForText([`[${weight}%]`, `session ${sessionId}`, 'ABORT & ROLL BACK'], 60_000);
      await second.waitFor(() => eventsOf(otherHome, 'session.resumed')[0], 20_000, 'session.resumed');
      expect(eventsOf(otherHome, 'session.created')).toHaveLength(1);
    });
  }, 300_000);
});
