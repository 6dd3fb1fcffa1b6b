import { checkTicket } from '../core/gates/ticket.js';
import { parseWindow } from '../core/gates/window.js';
import type { Runbook } from '../core/runbook/schema.js';
import { environmentOf, findPromotion } from '../core/session/selectors.js';
import type { StartRequest } from '../screens/Home.js';

/** The form's window, read on the wall clock (a rehearsal's clock starts there). */
export function windowOf(text: string, now: number): { start: number; end: number } | undefined | string {
  if (!text.trim()) return undefined;
  return parseWindow(text, now);
}

/** What stops the start form, as one sentence; undefined when the promotion may start. */
export function validateStart(runbook: Runbook, request: StartRequest): string | undefined {
  const promotion = findPromotion(runbook, request.edge);
  if (!promotion) return `The runbook has no promotion "${request.edge}".`;
  if (!request.version.trim()) return 'Name the version being promoted.';
  const env = environmentOf(runbook, promotion.to);
  if (env) {
    const ticket = checkTicket(env, request.ticket || undefined);
    if (!ticket.ok) return ticket.message;
  }
  const window = windowOf(request.window, Date.now());
  if (typeof window === 'string') return window;
  return undefined;
}

/** A window from now for `hours`, written the way the start form reads it back. */
export function windowFromNow(now: number, hours: number): string {
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);
  const start = Math.floor(now / 60_000) * 60_000;
  return `${iso(start)}Z/${iso(start + hours * 3_600_000)}Z`;
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
