import { startInputsProblem } from '../core/gates/start-inputs.js';
import type { Conductor } from '../engine/conductor.js';
import { UserError } from '../errors.js';
import { systemClock } from '../services/clock.js';
import type { HeldLock } from '../services/lock.js';
import { SessionStore } from '../services/store/session-store.js';
import type { SessionFields } from './rehearsal.js';
import { buildConductor, loadRunbook, openSessionFiles, promotionOf } from './session-runtime.js';

/** A session against the real AWS accounts of the runbook (standard credential chain, profiles). */
export interface RealSession {
  conductor: Conductor;
  store: SessionStore;
  lock: HeldLock;
  close(): Promise<void>;
}

async function wire(options: {
  runbookFile: string;
  promotionId: string;
  home?: string;
  sessionId?: string;
  conductor?: string;
}) {
  const loaded = await loadRunbook(options.runbookFile);
  const promotion = promotionOf(loaded.runbook, options.promotionId, options.runbookFile);
  const store = new SessionStore(options.home);
  const { journal, lock } = await openSessionFiles(store, options.sessionId, systemClock.now());
  const cwd = process.cwd();
  const conductor = buildConductor({
    loaded,
    promotion,
    store,
    journal,
    clock: systemClock,
    conductor: options.conductor ?? process.env.USER ?? 'conductor',
    cwd,
  });
  return {
    loaded,
    conductor,
    store,
    lock,
    async close() {
      conductor.stop();
      journal.writer.close();
      lock.release();
    },
  };
}

export async function startReal(
  options: SessionFields & { runbookFile: string; promotionId: string; home?: string; conductor?: string },
): Promise<RealSession> {
  // Nothing exists before the inputs are valid: no journal, no notice, no AWS call.
  const loaded = await loadRunbook(options.runbookFile);
  const promotion = promotionOf(loaded.runbook, options.promotionId, options.runbookFile);
  const problem = startInputsProblem(loaded.runbook, promotion, options, systemClock.now());
  if (problem) throw new UserError(problem);
  const session = await wire(options);
  session.conductor.create({
    version: options.version,
    risk: options.risk,
    ticket: options.ticket,
    window: options.window,
    runbookText: session.loaded.text,
  });
  return session;
}

export async function resumeReal(options: {
  sessionId: string;
  home?: string;
  conductor?: string;
}): Promise<RealSession> {
  const store = new SessionStore(options.home);
  const created = store.startOf(options.sessionId);
  const session = await wire({
    ...options,
    runbookFile: created.runbookFile,
    promotionId: created.promotionId,
  });
  await session.conductor.resumed(session.lock.tookOverFrom, session.lock.warnings);
  return session;
}
