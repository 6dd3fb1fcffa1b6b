import { UserError } from '../errors.js';
import { journalHealth } from '../services/store/journal.js';
import { brokenJournalMessage, SessionStore } from '../services/store/session-store.js';
import { runningEngine } from '../wiring/engine-process.js';
import { attachSession } from '../wiring/session-client.js';
import { requireTty, runInteractive } from './interactive.js';
import { printErr } from './print.js';
import { resumeCandidates } from './resume.js';
import { sessionRows } from './sessions.js';

/**
 * A read-only screen on a session its engine drives or guards, for a second person: the same
 * screens, charts and verdicts; keys only move and open views; nothing is asked of the engine.
 */
export async function watchCommand(id: string | undefined, options: { home?: string } = {}): Promise<number> {
  const store = new SessionStore(options.home);
  const target = id ?? resumeCandidates(store).find((c) => c.guarded)?.id;
  if (!target) throw new UserError('No session has an engine running: `conductor sessions` lists them all.');
  const socket = runningEngine(store, target);
  if (!socket)
    throw new UserError(
      `No engine runs session ${target} now: \`conductor status ${target}\` shows where it stands, \`conductor report ${target}\` its report.`,
    );
  // The engine holds the session in memory; the journal on disk is checked too, and a break is said.
  const journal = journalHealth(store.readJournal(target));
  if (!journal.ok) printErr(`conductor: ${brokenJournalMessage(target, journal)}\n`);
  requireTty();
  const session = await attachSession(socket, 'watcher');
  const refuse = 'A watcher cannot start or resume sessions.';
  return runInteractive({
    initial: session,
    sessions: sessionRows(store),
    edges: session.runbook.promotions.map((p) => p.id),
    rehearsal: session.state.meta.rehearsal,
    validate: () => refuse,
    start: () => Promise.reject(new UserError(refuse)),
    resume: () => Promise.reject(new UserError(refuse)),
  });
}
