import { foldEvents, reduce, type SessionState } from '../core/session/state.js';
import { safeText } from '../core/text/safe-text.js';
import { UserError } from '../errors.js';
import { journalHealth } from '../services/store/journal.js';
import { brokenJournalMessage, SessionStore } from '../services/store/session-store.js';
import { followJournal } from '../wiring/journal-follow.js';
import { sessionRunbook } from '../wiring/session-runbook.js';
import { printErr, printOut } from './print.js';
import { statusOf } from './sessions.js';

/**
 * `conductor status ID --follow`: one line per journaled event as it is written, for scripts (with
 * `--json`, one JSON object per line: the event, its number, and the session's status after it).
 * Reads the journal only: no lock, no socket, no AWS call. Ends when the session ends, or on ctrl+c.
 */
export async function followStatusCommand(
  id: string,
  options: { json?: boolean; home?: string },
): Promise<number> {
  const store = new SessionStore(options.home);
  if (!store.exists(id)) throw new UserError(`No session ${id}: \`conductor sessions\` lists them.`);
  const { runbook, promotion } = sessionRunbook(store, id);
  let state: SessionState = foldEvents(runbook, promotion, []);
  let seq = 0;
  return new Promise<number>((resolve) => {
    const end = (code: number) => {
      follower.stop();
      process.off('SIGINT', interrupted);
      resolve(code);
    };
    const interrupted = () => end(0);
    process.on('SIGINT', interrupted);
    const follower = followJournal(store.journalFile(id), {
      onEvents: (events) => {
        for (const event of events) {
          seq += 1;
          state = reduce(state, event);
          const status = statusOf(state, event.at, runbook, promotion);
          printOut(
            options.json
              ? `${JSON.stringify({ seq, event, status })}\n`
              : `${new Date(event.at).toISOString()}  #${seq} ${event.type}  ${safeText(status.traffic.description)}\n`,
          );
        }
        if (state.status === 'completed') end(0);
      },
      onBroken: (read) => {
        printErr(`conductor: ${brokenJournalMessage(id, journalHealth(read))}\n`);
        end(1);
      },
    });
  });
}
