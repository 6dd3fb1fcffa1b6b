import { trafficShifted } from '../core/session/selectors.js';
import { UserError } from '../errors.js';
import { journalHealth } from '../services/store/journal.js';
import { brokenJournalMessage, SessionStore } from '../services/store/session-store.js';
import { attachOrResume, runningEngine } from '../wiring/engine-process.js';
import { requireTty, runInteractive } from './interactive.js';
import { loadSessionState, sessionRows } from './sessions.js';

export interface ResumeCandidate {
  id: string;
  title: string;
  status: string;
  shifted: boolean;
  guarded: boolean;
  updatedAt: number;
}

/** Unfinished sessions, with whether traffic is shifted and whether an engine still guards them. */
export function resumeCandidates(store: SessionStore): ResumeCandidate[] {
  return sessionRows(store)
    .filter((r) => r.status === 'active' || r.status === 'halted')
    .map((r) => {
      let shifted = false;
      try {
        shifted = trafficShifted(loadSessionState(store, r.id).state);
      } catch {
        // a journal that does not fold is listed, not guessed at
      }
      return {
        id: r.id,
        title: r.title,
        status: r.status,
        shifted,
        guarded: runningEngine(store, r.id) !== undefined,
        updatedAt: r.updatedAt,
      };
    });
}

/**
 * Which session `conductor resume` without an id means: the one with traffic shifted or an engine
 * guarding it (the one PROD depends on), else the most recent unfinished one. Several that matter
 * are never guessed between: the list comes back instead.
 */
export function pickSession(
  candidates: ResumeCandidate[],
): { id: string } | { ambiguous: ResumeCandidate[] } | undefined {
  const urgent = candidates.filter((c) => c.shifted || c.guarded);
  if (urgent.length === 1) return { id: urgent[0].id };
  if (urgent.length > 1) return { ambiguous: urgent };
  const latest = [...candidates].sort((a, b) => b.updatedAt - a.updatedAt)[0];
  return latest ? { id: latest.id } : undefined;
}

export function candidateLine(c: ResumeCandidate): string {
  const facts = [c.status, c.shifted ? 'traffic shifted' : '', c.guarded ? 'engine guarding' : ''].filter(
    Boolean,
  );
  return `${c.id}  ${c.title}  (${facts.join(', ')})`;
}

/** Attach to a session's engine, or take the session up in a new engine from its journal. */
export async function resumeCommand(
  id: string | undefined,
  options: { home?: string } = {},
): Promise<number> {
  const store = new SessionStore(options.home);
  let target = id;
  if (!target) {
    const picked = pickSession(resumeCandidates(store));
    if (!picked)
      throw new UserError('There is no unfinished session to resume: `conductor sessions` lists them all.');
    if ('ambiguous' in picked)
      throw new UserError(
        `Several sessions have traffic shifted or an engine guarding them; name one:\n${picked.ambiguous
          .map((c) => `  conductor resume ${c.id}    # ${candidateLine(c)}`)
          .join('\n')}`,
      );
    target = picked.id;
  } else if (!store.exists(target)) {
    throw new UserError(`No session ${target}: \`conductor sessions\` lists them.`);
  }
  // The chain is checked before an engine takes the session up: a break is said here, with the way back.
  const journal = journalHealth(store.readJournal(target));
  if (!journal.ok && !runningEngine(store, target))
    throw new UserError(brokenJournalMessage(target, journal), 1);
  requireTty();
  const session = await attachOrResume(store, target, { home: options.home });
  return runInteractive({
    initial: session,
    sessions: sessionRows(store),
    edges: session.runbook.promotions.map((p) => p.id),
    rehearsal: session.state.meta.rehearsal,
    validate: () => 'Start a new promotion with `conductor rehearse` or `conductor start`.',
    start: () =>
      Promise.reject(new UserError('Start a new promotion with `conductor rehearse` or `conductor start`.')),
    resume: (other) => attachOrResume(store, other, { home: options.home }),
  });
}
