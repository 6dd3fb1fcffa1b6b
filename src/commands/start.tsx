import { nextEdges } from '../core/runbook/next-edge.js';
import { choosePromotion } from '../core/runbook/promotion-choice.js';
import { UserError } from '../errors.js';
import type { StartRequest } from '../screens/Home.js';
import { packagedRunbook } from '../services/package-files.js';
import { loadRunbook } from '../wiring/runbook-file.js';
import { requireTty, runInteractive } from './interactive.js';
import { screenSessionRows } from './session-rows.js';
import { sessionFieldsOf, validateStart } from './start-form.js';

/** A promotion against the real AWS accounts of the runbook. */
export async function startCommand(options: {
  /** Default: the packaged runbook. */
  runbook?: string;
  /** Default: the runbook's only promotion, else its only one with a canary; else asked (exit 2). */
  promotion?: string;
  home?: string;
}): Promise<number> {
  // The runbook and the promotion first: a script without a terminal learns what to fix first.
  const runbookFile = options.runbook ?? packagedRunbook();
  const loaded = await loadRunbook(runbookFile);
  const chosen = choosePromotion(loaded.runbook, runbookFile, options.promotion, 'start');
  if (!chosen.ok) throw new UserError(chosen.message);
  requireTty();
  return runInteractive({
    sessions: (await screenSessionRows(options.home)).filter((s) => !s.rehearsal),
    edges: loaded.runbook.promotions.map((p) => p.id),
    nextEdges: nextEdges(loaded.runbook),
    defaults: { runbookFile, edge: chosen.promotion.id, risk: 'medium' },
    validate: (request) => validateStart(loaded.runbook, request),
    start: async (request: StartRequest) => {
      // The session runs in an engine process of its own; this process is only its screen. What
      // starts and attaches to it is loaded here, not before the first frame.
      const { spawnEngine } = await import('../wiring/engine-process.js');
      const { attachSession } = await import('../wiring/session-client.js');
      const engine = await spawnEngine({
        kind: 'start',
        home: options.home,
        ...sessionFieldsOf(request, Date.now()),
      });
      return attachSession(engine.socketPath, 'driver');
    },
    resume: async (id) => {
      const { attachOrResume } = await import('../wiring/engine-process.js');
      const { SessionStore } = await import('../services/store/session-store.js');
      return attachOrResume(new SessionStore(options.home), id, { home: options.home });
    },
  });
}
