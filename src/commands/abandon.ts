import { hostname, userInfo } from 'node:os';
import { trafficShifted } from '../core/session/selectors.js';
import { UserError } from '../errors.js';
import { acquireLock, readLockInfo } from '../services/lock.js';
import { writeSessionReports } from '../services/report/index.js';
import { SessionStore } from '../services/store/session-store.js';
import { printOut } from './print.js';
import { loadSessionState } from './sessions.js';

/**
 * `conductor abandon ID --reason`: end a stopped session that nobody drives, its reason journaled
 * and in the report. Refused while traffic is on the new version (roll back first) and while an
 * engine holds the session (abandon it from its screen with A).
 */
export async function abandonCommand(
  id: string,
  options: { reason?: string; home?: string },
): Promise<number> {
  const reason = options.reason?.trim();
  if (!reason) throw new UserError('conductor abandon needs --reason "why the session ends here".');
  const store = new SessionStore(options.home);
  if (!store.exists(id)) throw new UserError(`No session ${id}: \`conductor sessions\` lists them.`);
  const holder = readLockInfo(store.dir(id));
  if (holder?.alive)
    throw new UserError(
      `Session ${id} is driven by conductor engine pid ${holder.pid} on ${holder.host}: \`conductor resume ${id}\` and press A there.`,
    );
  const lock = await acquireLock(store.dir(id));
  try {
    const { state } = loadSessionState(store, id);
    if (state.status === 'completed')
      throw new UserError(`Session ${id} is already over (${state.outcome ?? 'completed'}).`);
    if (trafficShifted(state) || (state.rollback && state.rollback.completedAt === undefined))
      throw new UserError(
        `Session ${id} has traffic on the new version: \`conductor resume ${id}\` and roll back (x) first.`,
      );
    const journal = store.open(id);
    const by = userInfo().username || 'conductor';
    journal.writer.append({
      type: 'session.completed',
      at: Date.now(),
      outcome: 'abandoned',
      summary: `Abandoned by ${by} on ${hostname()}: ${reason}`,
    });
    journal.writer.close();
  } finally {
    lock.release();
  }
  const { files } = await writeSessionReports(store, id, { now: Date.now() });
  printOut(`Session ${id} abandoned: ${reason}\nReports: ${files.join(', ')}\n`);
  return 0;
}
