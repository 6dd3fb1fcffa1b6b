import { findPromotion } from '../core/session/selectors.js';
import { UserError } from '../errors.js';
import type { StartRequest } from '../screens/Home.js';
import { SessionStore } from '../services/store/session-store.js';
import { attachOrResume, spawnEngine } from '../wiring/engine-process.js';
import { attachSession } from '../wiring/session-client.js';
import { loadRunbook } from '../wiring/session-runtime.js';
import { requireTty, runInteractive } from './interactive.js';
import { sessionRows } from './sessions.js';
import { sessionFieldsOf, validateStart } from './start-form.js';

/** A promotion against the real AWS accounts of the runbook. */
export async function startCommand(options: {
  runbook: string;
  promotion: string;
  home?: string;
}): Promise<number> {
  requireTty();
  const loaded = await loadRunbook(options.runbook);
  if (!findPromotion(loaded.runbook, options.promotion))
    throw new UserError(
      `${options.runbook} has no promotion "${options.promotion}": use one of ${loaded.runbook.promotions.map((p) => p.id).join(', ')}.`,
    );
  const store = new SessionStore(options.home);
  return runInteractive({
    sessions: sessionRows(store).filter((s) => !s.rehearsal),
    edges: loaded.runbook.promotions.map((p) => p.id),
    defaults: { runbookFile: options.runbook, edge: options.promotion, risk: 'medium' },
    validate: (request) => validateStart(loaded.runbook, request),
    start: async (request: StartRequest) => {
      // The session runs in an engine process of its own; this process is only its screen.
      const engine = await spawnEngine({
        kind: 'start',
        home: options.home,
        ...sessionFieldsOf(request, Date.now()),
      });
      return attachSession(engine.socketPath, 'driver');
    },
    resume: (id) => attachOrResume(store, id, { home: options.home }),
  });
}
