import { UserError } from '../errors.js';
import { SessionStore } from '../services/store/session-store.js';
import { resumeReal } from '../wiring/real.js';
import { resumeRehearsal } from '../wiring/rehearsal.js';
import { requireTty, runInteractive, type SessionHandle } from './interactive.js';
import { writeReportsAtEnd } from './session-end.js';
import { sessionRows } from './sessions.js';

/** Resume a rehearsal on a fresh sandbox, or a real session against AWS. */
export async function openSession(store: SessionStore, id: string, home?: string): Promise<SessionHandle> {
  if (store.startOf(id).rehearsal) return resumeRehearsal({ sessionId: id, home, aws: 'child' });
  return resumeReal({ sessionId: id, home });
}

export async function resumeCommand(
  id: string | undefined,
  options: { home?: string } = {},
): Promise<number> {
  requireTty();
  const store = new SessionStore(options.home);
  const rows = sessionRows(store);
  const target = id ?? rows.find((r) => r.status === 'active' || r.status === 'halted')?.id;
  if (!target)
    throw new UserError('There is no unfinished session to resume: `conductor sessions` lists them all.');
  const handle = await openSession(store, target, options.home);
  return runInteractive({
    initial: handle,
    sessions: rows,
    edges: handle.conductor.runbook.promotions.map((p) => p.id),
    rehearsal: handle.conductor.state.meta.rehearsal,
    validate: () => 'Start a new promotion with `conductor rehearse` or `conductor start`.',
    start: () =>
      Promise.reject(new UserError('Start a new promotion with `conductor rehearse` or `conductor start`.')),
    resume: (other) => openSession(store, other, options.home),
    onSessionEnd: (conductor) => writeReportsAtEnd(store, conductor),
  });
}
