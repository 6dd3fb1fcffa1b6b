import { describe, expect, it } from 'vitest';
import { QUICK_FIRST_STAGE, useConductorHome, waitForCanaryStage } from './flows.js';
import { enginePid, eventsOf, type JournalEvent, processAlive, readJournal, sessionDir } from './terminal.js';

interface LiveSplit {
  apiGateway?: { canaryPercent: number };
  lambdas: Array<{ functionName: string; additionalWeight: number }>;
}

const splitOf = (event: JournalEvent | undefined) => event?.split as LiveSplit | undefined;

/** The journal's events after the first `from` of them, of one type. */
const since = (home: string, from: number, type: string) =>
  readJournal(home)
    .slice(from)
    .filter((e) => e.type === type);

/**
 * The rehearsal's stand-in for AWS ends with its engine; a resume starts a new one in the split the
 * journal recorded. The drift-while-away scenario then moves the API stage to 40% (the Lambda
 * aliases stay at 25%): what someone did while nobody was watching.
 */
describe('traffic moved while the engine was down, then conductor resume', () => {
  const e2e = useConductorHome();

  it('asks about the mixed split while the polls go on; adopt records it and the canary goes on without drifting again', async () => {
    const { home } = e2e;
    const first = e2e.startRehearsal({
      scenario: 'drift-while-away',
      autopilot: true,
      speed: 120,
      runbook: { canaryMinutes: QUICK_FIRST_STAGE },
    });
    await waitForCanaryStage(first, 25, { holding: true });
    await first.waitFor(
      () => eventsOf(home, 'canary.sample').some((e) => e.stage === 1) || undefined,
      60_000,
      'a sample of the 25% stage',
    );
    // The screen and then the engine die: nothing is left to watch the traffic.
    first.kill('SIGKILL');
    await first.waitForExit(20_000);
    const engine = enginePid(sessionDir(home));
    expect(engine).toBeDefined();
    process.kill(engine as number, 'SIGKILL');
    await first.waitFor(() => (!processAlive(engine) ? true : undefined), 20_000, 'the engine to die');
    expect(eventsOf(home, 'drift.detected')).toHaveLength(0);
    const beforeResume = readJournal(home).length;

    // A person takes over by hand (the session was started with --autopilot, which resume keeps).
    const second = e2e.start(['resume', '--no-autopilot']);
    const question = await second.waitForText(
      /DRIFT: the journal says 25% on the new version, AWS says 40%\.\n[^\n]*API Gateway stage prod: canary at 40% live, 25% in the journal\n[^\n]*enter: adopt the live split/,
      90_000,
    );
    second.show('drift found at resume');
    // The Lambda aliases agree with the journal: the drift question has no line about them (the
    // target table below it names every alias).
    const drift = question.slice(question.indexOf('DRIFT:'), question.indexOf('enter: adopt the live split'));
    expect(drift).toContain('API Gateway stage prod');
    expect(drift).not.toMatch(/lambda:prod/);
    // A new engine took the session up from the journal, and read the split before anything moved.
    expect(enginePid(sessionDir(home))).not.toBe(engine);
    const [detected] = since(home, beforeResume, 'drift.detected');
    expect(detected).toBeDefined();
    const mixed = detected.live as LiveSplit;
    expect(mixed.apiGateway?.canaryPercent).toBe(40);
    expect(mixed.lambdas.length).toBeGreaterThan(0);
    for (const lambda of mixed.lambdas) expect(lambda.additionalWeight).toBeCloseTo(0.25);
    const resumedAt = readJournal(home).slice(beforeResume);
    expect(resumedAt.findIndex((e) => e.type === 'session.resumed')).toBeGreaterThanOrEqual(0);
    expect(resumedAt.filter((e) => e.type === 'traffic.shifted')).toHaveLength(0);

    // Nobody answers yet: the engine keeps polling the metrics and reading the live split.
    const askedFrom = readJournal(home).findIndex((e) => e.type === 'drift.detected') + 1;
    await second.waitFor(
      () =>
        since(home, askedFrom, 'canary.sample').length >= 3 &&
        since(home, askedFrom, 'traffic.read').length >= 2
          ? true
          : undefined,
      90_000,
      'metric samples and traffic reads while the drift question waits',
    );
    expect(eventsOf(home, 'drift.resolved')).toHaveLength(0);
    expect(eventsOf(home, 'drift.detected')).toHaveLength(1);
    await second.waitForText('DRIFT: the journal says 25%', 5_000);

    await second.press('enter');
    await second.waitForText('The live traffic split differs from the journal', 10_000);
    await second.choose('choice', 'adopt');
    await second.press('enter');
    const resolved = await second.waitFor(
      () => eventsOf(home, 'drift.resolved')[0],
      20_000,
      'drift.resolved in the journal',
    );
    expect(resolved.choice).toBe('adopt');
    await second.waitForNoText('DRIFT:', 20_000);
    const adopted = await second.waitForText(/60% .* 40% canary v\d{4}\.\d{2}\.\d{2}\.1/, 20_000);
    second.show('mixed split adopted');
    expect(adopted).not.toContain('DRIFT');
    // Adopting records the live split resource by resource: 40% on the stage, 25% on each alias.
    const journal = readJournal(home);
    const resolvedAt = journal.findIndex((e) => e.type === 'drift.resolved');
    const shift = splitOf(
      journal
        .slice(0, resolvedAt)
        .filter((e) => e.type === 'traffic.shifted')
        .at(-1),
    );
    expect(shift?.apiGateway?.canaryPercent).toBe(40);
    for (const lambda of shift?.lambdas ?? []) expect(lambda.additionalWeight).toBeCloseTo(0.25);

    // The canary goes on: more polls of the same mixed split, and none of them is a drift again.
    await second.waitFor(
      () =>
        since(home, resolvedAt + 1, 'canary.sample').length >= 4 &&
        since(home, resolvedAt + 1, 'traffic.read').length >= 3
          ? true
          : undefined,
      90_000,
      'polls after the adopt',
    );
    for (const read of since(home, resolvedAt + 1, 'traffic.read'))
      expect(splitOf(read)?.apiGateway?.canaryPercent).toBe(40);
    expect(eventsOf(home, 'drift.detected')).toHaveLength(1);
    expect(second.screenText()).not.toContain('DRIFT');

    // And moves on: the stage (shown at the adopted 40% of the API stage) is answered, the next stage sets every resource to 50%. The new
    // stand-in for AWS has no metrics from before the resume: while the stage's samples cannot be
    // judged yet, advance is not offered, and the stage is extended to see more.
    for (
      let answers = 0;
      answers < 4 && eventsOf(home, 'canary.stage.started').at(-1)?.weight !== 50;
      answers++
    ) {
      await second.waitForText('Stage 2 (40%) needs a decision', 120_000);
      await second.press('enter');
      await second.waitForText('Stage 2 (40%): what now?', 10_000);
      const advancing = await second.choose('choice', 'advance').then(
        () => true,
        () => false,
      );
      if (!advancing) await second.choose('choice', 'extend');
      await second.press('enter');
      await second.waitForNoText('Stage 2 (40%): what now?', 10_000);
      if (advancing) break;
      await second.waitForNoText('Stage 2 (40%) needs a decision', 30_000);
    }
    await waitForCanaryStage(second, 50, { timeoutMs: 60_000 });
    await second.waitForText(/\[50%\][^\n]*\n.*50% .* 50% canary v\d{4}\.\d{2}\.\d{2}\.1/, 20_000);
    second.show('the next stage after the adopt');
    const fifty = splitOf(eventsOf(home, 'traffic.shifted').at(-1));
    expect(fifty?.apiGateway?.canaryPercent).toBe(50);
    for (const lambda of fifty?.lambdas ?? []) expect(lambda.additionalWeight).toBeCloseTo(0.5);
    expect(eventsOf(home, 'drift.detected')).toHaveLength(1);
    expect(eventsOf(home, 'rollback.started')).toHaveLength(0);
  }, 420_000);
});
