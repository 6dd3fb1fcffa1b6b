import { UserError } from '../errors.js';
import { journalHealth } from '../services/store/journal.js';
import { brokenJournalMessage, SessionStore } from '../services/store/session-store.js';
import { runningEngine } from '../wiring/engine-process.js';
import { JournalSession } from '../wiring/journal-session.js';
import { attachSession } from '../wiring/session-client.js';
import { interactiveTerminal, requireTty, runInteractive, type ScreenSession } from './interactive.js';
import { printErr } from './print.js';
import { askWhichSession, pickSession, resumeCandidates } from './resume.js';
import { sessionRows } from './sessions.js';

/** Which session `conductor watch` without an id means: the one that matters now, else the newest. */
async function sessionToWatch(store: SessionStore): Promise<string> {
  const picked = pickSession(resumeCandidates(store));
  if (picked && 'ambiguous' in picked && interactiveTerminal()) {
    const chosen = await askWhichSession(picked.ambiguous);
    if (!chosen) throw new UserError('Nothing to watch: `conductor watch ID` follows a session.');
    return chosen;
  }
  if (picked && 'ambiguous' in picked)
    throw new UserError(
      `Several sessions have traffic shifted or an engine guarding them; name one:\n${picked.ambiguous
        .map((c) => `  conductor watch ${c.id}`)
        .join('\n')}`,
    );
  const id = picked?.id ?? [...sessionRows(store)].sort((a, b) => b.updatedAt - a.updatedAt)[0]?.id;
  if (!id) throw new UserError('There is no session to watch: `conductor sessions` lists them.');
  return id;
}

/**
 * A read-only screen on a session for a second person: the same screens, charts and verdicts; keys
 * only move and open views; nothing is asked of the session. With an engine running, the screen is
 * its watcher (live output and questions included); without one (a finished or stopped session,
 * or an engine on another host sharing the folder) it follows the journal as it grows.
 */
export async function watchCommand(id: string | undefined, options: { home?: string } = {}): Promise<number> {
  const store = new SessionStore(options.home);
  const target = id ?? (await sessionToWatch(store));
  if (!store.exists(target)) throw new UserError(`No session ${target}: \`conductor sessions\` lists them.`);
  // The journal on disk is checked, and a break is said.
  const journal = journalHealth(store.readJournal(target));
  if (!journal.ok) printErr(`conductor: ${brokenJournalMessage(target, journal)}\n`);
  requireTty();
  const socket = runningEngine(store, target);
  let session: ScreenSession | undefined;
  if (socket) session = await attachSession(socket, 'watcher').catch(() => undefined);
  if (!session) {
    if (!journal.ok) throw new UserError(brokenJournalMessage(target, journal), 1);
    session = new JournalSession(store, target);
  }
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
