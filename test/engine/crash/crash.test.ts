import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../src/core/session/events.js';
import { currentStage, currentStep } from '../../../src/core/session/selectors.js';
import { foldEvents, type SessionState } from '../../../src/core/session/state.js';
import { readJournal } from '../../../src/services/store/journal.js';
import { buildPrivateDist, type PrivateDist } from './dist.js';
import { bbws, DrivenSession, seededRandom } from './driver.js';

/**
 * Issue #3, "Must show": a session driven by a child process killed with SIGKILL at 50+ random
 * moments; every one resumes with a valid chain, no approval or decision lost.
 *
 * The child runs a whole SIT -> PROD rehearsal on autopilot at 600x (about 20 s end to end).
 * Each child is killed at a random moment: a quarter of them while still starting or resuming,
 * the rest a random while after the session is running. The next child resumes the session.
 * When a session completes, a new one starts, so the kills spread over every phase.
 */
const KILLS = 52;
const { runbook, promotion } = bbws();
const fold = (events: SessionEvent[]) => foldEvents(runbook, promotion, events);

/** Children still running when a test ends (it failed, or timed out) are killed. */
const spawned: DrivenSession[] = [];
afterEach(async () => {
  for (const driven of spawned.splice(0)) await driven.kill('SIGKILL');
});

let dist: string;
let build: PrivateDist | undefined;
beforeAll(async () => {
  build = await buildPrivateDist('crash');
  dist = build.dir;
}, 120_000);
afterAll(() => build?.remove());

const journalOf = (home: string, id: string) => join(home, 'sessions', id, 'journal.jsonl');

function newSessionIn(home: string, known: Set<string>): string | undefined {
  const dir = join(home, 'sessions');
  if (!existsSync(dir)) return undefined;
  return readdirSync(dir).find((id) => !known.has(id) && existsSync(join(dir, id, 'journal.jsonl')));
}

/** What a resume must keep: where the session is and every approval and decision made. */
function essentials(state: SessionState) {
  return {
    step: currentStep(state)?.id,
    stage: currentStage(state)?.index,
    approvals: state.approvals,
    refusals: state.refusals,
    gonogo: state.gonogo,
    recordedWeight: state.recordedWeight,
    rollbackTarget: state.rollbackTarget,
    choices: state.canary?.stages.map((s) => s.choices),
  };
}

describe('crash: SIGKILL at random moments, then resume', () => {
  it(`keeps a valid chain and every approval and decision through ${KILLS} kills`, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    const random = seededRandom(seed);
    const why = (what: string) => `${what} (CRASH_SEED=${seed})`;
    const home = mkdtempSync(join(tmpdir(), 'conductor-crash-'));
    const known = new Set<string>();

    let sessionId: string | undefined;
    /** The journal as read after the last kill of the current session. */
    let before: SessionEvent[] = [];
    let kills = 0;
    let resumesChecked = 0;
    let resumesWithDecisions = 0;
    let completed = 0;
    const killedAt = new Map<string, number>();

    while (kills < KILLS) {
      const mode = sessionId ? 'resume' : 'start';
      const driven = new DrivenSession({ dist, home, mode, sessionId, extendWhenAsked: true });
      spawned.push(driven);
      const moment = random();
      if (moment < 0.2) {
        // While it starts or resumes.
        await driven.runFor(random() * 700);
      } else if (moment < 0.5) {
        // A random while into the run.
        await driven.waitFor(mode === 'start' ? 'started' : 'resumed');
        await driven.runFor(random() * 1_500);
      } else {
        // Just after it has journaled a random number of new events: the kill lands between
        // the writes of one step (two approvals, a decision and its step) or one stage.
        await driven.waitFor(mode === 'start' ? 'started' : 'resumed');
        const id = sessionId ?? driven.line('started')?.sessionId;
        const file = id ? journalOf(home, id) : undefined;
        const target = before.length + 1 + Math.floor(random() * 15);
        const patience = Date.now() + 4_000;
        while (driven.running && Date.now() < patience && file && readJournal(file).events.length < target)
          await driven.runFor(25);
        await driven.runFor(random() * 200);
      }
      const exit = driven.running ? await driven.kill('SIGKILL') : await driven.exited;
      if (exit.signal === 'SIGKILL') kills++;
      else expect(exit.code, why(`the driver failed:\n${driven.stderr}`)).toBe(0);

      sessionId ??= driven.line('started')?.sessionId ?? newSessionIn(home, known);
      if (!sessionId) continue;
      const read = readJournal(journalOf(home, sessionId));
      expect(read.broken, why('the chain holds after a kill')).toBeUndefined();
      if (read.events.length === 0) {
        // Killed before the session was created: there is nothing to resume.
        known.add(sessionId);
        sessionId = undefined;
        continue;
      }
      // Nothing that was journaled before this child ran is lost or rewritten.
      expect(read.events.slice(0, before.length), why('the journal before the resume is kept')).toEqual(
        before,
      );

      if (mode === 'resume') {
        const resumedAt = read.events.findIndex((e, i) => i >= before.length && e.type === 'session.resumed');
        if (resumedAt >= 0) {
          const resumed = fold(read.events.slice(0, resumedAt + 1));
          expect(essentials(resumed), why('the session resumes where it was killed')).toEqual(
            essentials(fold(before)),
          );
          const printed = driven.line('resumed');
          if (printed) expect(printed.step).toBe(currentStep(fold(before))?.id);
          const takeover = read.events
            .slice(before.length, resumedAt)
            .filter(
              (e) => e.type === 'warning' && /Took over a stale lock: conductor pid \d+/.test(e.message),
            );
          expect(takeover, why('the dead holder is named')).toHaveLength(1);
          resumesChecked++;
          if (resumed.approvals.length > 0 || resumed.gonogo) resumesWithDecisions++;
        }
      }

      const state = fold(read.events);
      const where = state.status === 'completed' ? 'completed' : (currentStep(state)?.id ?? 'none');
      killedAt.set(where, (killedAt.get(where) ?? 0) + 1);
      before = read.events;
      if (state.status === 'completed') {
        completed++;
        known.add(sessionId);
        sessionId = undefined;
        before = [];
      }
    }

    // The last session, left alone, runs to the end after all its crashes.
    if (sessionId) {
      const last = new DrivenSession({ dist, home, mode: 'resume', sessionId, extendWhenAsked: true });
      spawned.push(last);
      const file = journalOf(home, sessionId);
      const done = await last.waitFor('completed', 180_000).catch((error: Error) => {
        const events = readJournal(file).events;
        const tail = events
          .filter((e) => e.type !== 'canary.sample' && e.type !== 'traffic.read')
          .slice(-15)
          .map((e) => JSON.stringify(e).slice(0, 240));
        // Where a stuck session stands: the step, and the verdicts (with why) of its last samples.
        const state = fold(events);
        const samples = events
          .filter((e) => e.type === 'canary.sample')
          .slice(-6)
          .map((e) => `${e.verdict}: ${e.reasons.join(' ').slice(0, 160)}`);
        throw new Error(
          `${why(error.message)}\nat ${currentStep(state)?.id} (${state.status}); last samples:\n${samples.join('\n')}\nthe journal ends with:\n${tail.join('\n')}`,
        );
      });
      expect(done, why(`the last resume ran to the end:\n${last.stderr}`)).toMatchObject({
        status: 'completed',
        outcome: 'promoted',
      });
      const read = readJournal(file);
      expect(read.broken).toBeUndefined();
      expect(read.events.slice(0, before.length)).toEqual(before);
      completed++;
    }

    const spread = [...killedAt.entries()].map(([step, n]) => `${step}:${n}`).join(' ');
    console.info(
      `crash: seed ${seed}, ${kills} kills, ${resumesChecked} resumes checked, ${completed} promoted; kills at ${spread}`,
    );
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    expect(completed, why(`sessions promoted; kills landed at ${spread}`)).toBeGreaterThanOrEqual(1);
    expect(resumesChecked, why(`resumes checked; kills landed at ${spread}`)).toBeGreaterThanOrEqual(20);
    expect(resumesWithDecisions, why('resumes after approvals or a go/no-go')).toBeGreaterThanOrEqual(3);
    expect(killedAt.get('prod-canary') ?? 0, why(`kills during the canary: ${spread}`)).toBeGreaterThan(0);
  }, 420_000);
});
