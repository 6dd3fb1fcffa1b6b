import { sessionSummary } from '../core/session/selectors.js';
import { UserError } from '../errors.js';
import { acquireLock, readLockInfo } from '../services/lock.js';
import { cutToVerifiedPrefix, JournalWriter, journalHealth, readJournal } from '../services/store/journal.js';
import { SessionStore, userName } from '../services/store/session-store.js';
import { printOut } from './print.js';
import { loadSessionState } from './sessions.js';

/**
 * `conductor repair ID`: cut a damaged journal back to its verified prefix. The rest (the broken
 * line and all after it, or a torn last line) is saved beside it as `journal.jsonl.damaged-<ts>`,
 * the cut is journaled (`journal.repaired`), and the session can be resumed: resume reads the live
 * split from AWS, so a rollback works from the verified prefix whatever the lost lines said.
 */
export async function repairCommand(id: string, options: { home?: string } = {}): Promise<number> {
  const store = new SessionStore(options.home);
  if (!/^[\w.-]+$/.test(id) || !store.exists(id))
    throw new UserError(`No session ${id}: \`conductor sessions\` lists them.`, 2);
  const dir = store.dir(id);
  const holder = readLockInfo(dir);
  if (holder?.alive)
    throw new UserError(
      `An engine (pid ${holder.pid} on ${holder.host}) holds session ${id}: stop it before repairing the journal it writes.`,
      2,
    );
  const file = store.journalFile(id);
  const before = journalHealth(readJournal(file));
  if (before.ok && !before.tornTail)
    throw new UserError(
      `The journal of session ${id} verifies (${before.message}): there is nothing to repair.`,
      2,
    );
  // Under the session's lock, so no resume starts while the journal is cut.
  const lock = await acquireLock(dir, { handover: false });
  try {
    const read = readJournal(file);
    const health = journalHealth(read);
    if (health.ok && !health.tornTail)
      throw new UserError(
        `The journal of session ${id} verifies (${health.message}): there is nothing to repair.`,
        2,
      );
    if (read.events.length === 0)
      throw new UserError(
        `The journal of session ${id} breaks at its first line: nothing verified is left to keep (${health.message}).`,
        2,
      );
    const lastAt = read.events.at(-1)?.at ?? 0;
    const at = Math.max(Date.now(), lastAt);
    const cut = cutToVerifiedPrefix(file, read, at);
    const line = health.broken?.line ?? health.tornTail?.line ?? read.events.length + 1;
    const writer = JournalWriter.open(file, read);
    try {
      writer.append({
        type: 'journal.repaired',
        at,
        reason: health.broken ? 'broken' : 'torn-tail',
        line,
        ...(health.broken && { why: health.broken.why }),
        keptEvents: cut.keptEvents,
        removedBytes: cut.removedBytes,
        ...(cut.savedAs && { savedAs: cut.savedAs }),
        by: userName(),
      });
    } finally {
      writer.close();
    }
    const after = journalHealth(readJournal(file));
    // The index is a cache: it may describe lines that are gone now.
    try {
      store.updateIndex(sessionSummary(loadSessionState(store, id).state));
    } catch {
      // a runbook that no longer reads: `status` says so
    }
    const lines = [
      `Repaired session ${id}: ${health.message}.`,
      `Kept ${cut.keptEvents} events; removed ${cut.removedBytes} bytes${cut.savedAs ? `, saved as ${cut.savedAs}` : ''}.`,
      `The journal now reads: ${after.message} (the repair is its last event).`,
      `\`conductor resume ${id}\` takes it up again: it reads the live traffic split first, so a rollback starts from what AWS shows.`,
    ];
    printOut(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    lock.release();
  }
}
