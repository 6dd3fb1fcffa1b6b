import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { SessionEvent } from '../../src/core/session/events.js';
import {
  type Rehearsal,
  type RehearsalOptions,
  type RehearsalSession,
  resumeRehearsal,
  type SessionFields,
  startRehearsal,
} from '../../src/wiring/rehearsal.js';
import { testBbwsText } from '../support/test-bbws.js';
import { TestClock } from '../support/test-clock.js';

const open: Rehearsal[] = [];

afterEach(async () => {
  while (open.length) {
    const rehearsal = open.pop();
    if (rehearsal?.clock instanceof TestClock) rehearsal.clock.stop();
    await rehearsal?.close();
  }
});

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'conductor-'));
}

/**
 * The maintenance window these tests run in unless they declare one: 30 days of the rehearsal's
 * clock from its start. A rehearsal's own default (4 clock hours) lasts 24 real seconds at x600;
 * on two busy cores a run has needed longer than that to reach its canary, and then waited at the
 * closed window until the test timed out. Tests about the window declare their own.
 */
function longWindow(clockStart: number | undefined): { start: number; end: number } {
  const start = clockStart ?? Math.floor(Date.now() / 60_000) * 60_000;
  return { start: start - 60_000, end: start + 30 * 24 * 3_600_000 };
}

/** A real rehearsal (sandbox, accelerated clock, real engine and services) closed after the test. */
export async function rehearse(
  options: Partial<RehearsalOptions> &
    Partial<SessionFields> & {
      scenario: string;
      /** The accelerated wall clock instead of the virtual one: for a test about real seconds. */
      wallClock?: boolean;
    },
): Promise<Rehearsal> {
  const { wallClock, ...rest } = options;
  const speed = options.speed ?? 600;
  const rehearsal = await startRehearsal({
    runbookFile: engineTestRunbook(),
    promotionId: 'sit-to-prod',
    autopilot: true,
    home: tempHome(),
    // The AWS CLI stand-in: these tests are about the engine; rehearsal-emulators.test.ts runs
    // the installed CLI against the emulators.
    awsStandin: true,
    window: longWindow(options.clockStart),
    // Virtual time that jumps over idle time: a hold costs the real time of its polls, and a busy
    // machine never makes a sample late (test/support/test-clock.ts).
    clock:
      wallClock || options.aws === 'child' ? undefined : new TestClock({ start: options.clockStart, speed }),
    ...rest,
    speed,
  });
  open.push(rehearsal);
  return rehearsal;
}

/**
 * A rehearsal of `scenario` already running (`conductor.start()` called). With `advanceBelow`, the
 * 'ask' decisions of stages below that weight are answered 'advance' (see advanceAsksBelow).
 */
export async function runningRehearsal(
  options: Partial<RehearsalOptions> & { scenario: string; advanceBelow?: number; wallClock?: boolean },
): Promise<Rehearsal> {
  const { advanceBelow, ...rehearsalOptions } = options;
  const rehearsal = await rehearse(rehearsalOptions);
  if (advanceBelow !== undefined) advanceAsksBelow(rehearsal, advanceBelow);
  void rehearsal.conductor.start();
  return rehearsal;
}

/**
 * Until the predicate holds; fail with what the session was doing. It is asked at every change of
 * the session and at every idle moment of a virtual clock, before time jumps on, so a state that
 * lasts one step of the engine is seen; and every 25 real ms for what neither announces.
 */
/**
 * A stopped rehearsal resumed by a new engine in this process, its stand-in for AWS here too, as
 * `conductor resume` would. The caller closes it.
 */
export function resumedHere(home: string, sessionId: string, autopilot?: boolean): Promise<RehearsalSession> {
  return resumeRehearsal({ home, sessionId, autopilot, awsStandin: true, aws: 'this-process' });
}

export async function until(
  rehearsal: Rehearsal,
  predicate: () => boolean,
  what: string,
  timeoutMs = 90_000,
) {
  if (predicate()) return;
  await new Promise<void>((resolve, reject) => {
    const stops: Array<() => void> = [];
    const finish = (error?: Error) => {
      for (const stop of stops) stop();
      if (error) reject(error);
      else resolve();
    };
    const check = () => {
      if (predicate()) finish();
    };
    stops.push(rehearsal.conductor.subscribe(check));
    if (rehearsal.clock instanceof TestClock) stops.push(rehearsal.clock.onIdle(check));
    const poll = setInterval(check, 25);
    stops.push(() => clearInterval(poll));
    const timer = setTimeout(() => {
      const s = rehearsal.conductor.state;
      const step = s.steps.find((x) => x.status !== 'passed');
      finish(
        new Error(
          `${what} did not happen; the session is ${s.status} at ${step?.id} (${step?.status}: ${step?.detail ?? ''}), waiting: ${rehearsal.conductor.waiting?.message ?? 'nothing'}`,
        ),
      );
    }, timeoutMs);
    stops.push(() => clearTimeout(timer));
  });
}

export function canaryWeightAtSandbox(rehearsal: Rehearsal): number {
  return rehearsal.sandbox.world.canaryWeightPct();
}

/** The session's journal as written to disk (every event, not the bounded in-memory state). */
export function journalOf(rehearsal: Rehearsal): SessionEvent[] {
  return rehearsal.store.readEvents(rehearsal.conductor.state.meta.sessionId);
}

/** Journal events of one type, typed. */
export function eventsOf<T extends SessionEvent['type']>(
  rehearsal: Rehearsal,
  type: T,
): Array<Extract<SessionEvent, { type: T }>> {
  return journalOf(rehearsal).filter((e): e is Extract<SessionEvent, { type: T }> => e.type === type);
}

/** Requests the sandbox served for one operation (e.g. 'apigateway', 'UpdateStage'), optionally from a clock moment on. */
export function requestsTo(rehearsal: Rehearsal, service: string, operation: string, fromAt = 0) {
  return rehearsal.sandbox.requests.filter(
    (q) => q.service === service && q.operation === operation && q.at >= fromAt,
  );
}

/** Every version each targeted alias serves, from the sandbox's own state. */
export function aliasesAtSandbox(rehearsal: Rehearsal) {
  return rehearsal.sandbox.world.describe().lambdas;
}

/** The state of the current canary stage. */
export function stageOf(rehearsal: Rehearsal) {
  return rehearsal.conductor.state.canary?.stages.at(-1);
}

/**
 * Stands in for a conductor who reads a noisy early sample (a WATCH on a p95 from a few hundred
 * requests) and advances: answers 'ask' decisions of stages below `belowWeight` only, so a run
 * reaches the stage a test is about. A NO-GO halt is never answered.
 */
export function advanceAsksBelow(rehearsal: Rehearsal, belowWeight: number): void {
  rehearsal.conductor.subscribe((s) => {
    const stage = s.canary?.stages.at(-1);
    if (stage?.decision?.action !== 'ask' || stage.weight >= belowWeight) return;
    setTimeout(() => {
      const now = rehearsal.conductor.state.canary?.stages.at(-1);
      if (now?.index === stage.index && now.decision?.action === 'ask')
        rehearsal.conductor.chooseAtStageEnd('advance', 'early noise, before the stage under test', 'test');
    }, 0);
  });
}

/**
 * A copy of the seed runbook whose canary sets its automatic-rollback countdown (real seconds even
 * at a rehearsal's speed, so the seed's 30 s would cost each rollback test 30 real seconds), and
 * optionally a lower rollback error rate (8 % errors then never dip out of the band by chance).
 */
/** The seed runbook with its SIT load tests shortened and relaxed (test/support/test-bbws.ts). */
export const relaxedSeedText = (): string => testBbwsText();

let relaxedFile: string | undefined;

export function engineTestRunbook(): string {
  if (!relaxedFile) {
    relaxedFile = join(tempHome(), 'bbws.yaml');
    writeFileSync(relaxedFile, relaxedSeedText());
  }
  return relaxedFile;
}

export function runbookWithCountdown(
  countdown: string,
  options: { rollbackErrorRatePct?: number } = {},
): string {
  const file = join(tempHome(), 'bbws.yaml');
  writeFileSync(file, testBbwsText({ rollbackCountdown: countdown, ...options }));
  return file;
}
