import { startInputsProblem } from '../core/gates/start-inputs.js';
import { parseWindow } from '../core/gates/window.js';
import type { Runbook } from '../core/runbook/schema.js';
import { findPromotion } from '../core/session/selectors.js';
import type { StartRequest } from '../screens/Home.js';

/** The form's window, read on the wall clock (a rehearsal's clock starts there). */
export function windowOf(text: string, now: number): { start: number; end: number } | undefined | string {
  if (!text.trim()) return undefined;
  return parseWindow(text, now);
}

/** What stops the start form, as one sentence; undefined when the promotion may start. */
export function validateStart(runbook: Runbook, request: StartRequest, now = Date.now()): string | undefined {
  const promotion = findPromotion(runbook, request.edge);
  if (!promotion) return `The runbook has no promotion "${request.edge}".`;
  const window = windowOf(request.window, now);
  // The engine checks the same inputs again before its session exists.
  const inputs = { version: request.version, ticket: request.ticket };
  return (
    startInputsProblem(runbook, promotion, inputs, now) ??
    (typeof window === 'string' ? window : startInputsProblem(runbook, promotion, { ...inputs, window }, now))
  );
}

/** What the start form asks of a new session's engine: the promotion and the session's fields. */
export function sessionFieldsOf(request: StartRequest, now: number) {
  const window = windowOf(request.window, now);
  return {
    runbookFile: request.runbookFile,
    promotionId: request.edge,
    version: request.version,
    ticket: request.ticket || undefined,
    risk: request.risk,
    window: typeof window === 'object' ? window : undefined,
  };
}
