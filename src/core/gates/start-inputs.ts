import type { Promotion, Runbook } from '../runbook/schema.js';
import { environmentOf } from '../session/selectors.js';
import { checkTicket } from './ticket.js';
import { formatWindow, type MaintenanceWindow } from './window.js';

/** What a session is started with, as the engine receives it. */
export interface StartInputs {
  version: string;
  ticket?: string;
  window?: MaintenanceWindow;
}

/**
 * Why a session may not start with these inputs, as one sentence; undefined when it may.
 * Checked by the start form and again by the engine before the session exists, so no notice,
 * command or AWS call ever goes out with a ticket, window or version that would be refused later.
 */
export function startInputsProblem(
  runbook: Runbook,
  promotion: Promotion,
  inputs: StartInputs,
  now: number,
): string | undefined {
  const version = inputs.version.trim();
  if (!version) return 'Name the version being promoted.';
  if (/[\u0000-\u001f\u007f]/.test(inputs.version))
    return 'The version must be one line of printable text; type it again.';
  const env = environmentOf(runbook, promotion.to);
  if (env) {
    const ticket = checkTicket(env, inputs.ticket?.trim() || undefined);
    if (!ticket.ok) return ticket.message;
  }
  const window = inputs.window;
  if (window) {
    if (!Number.isFinite(window.start) || !Number.isFinite(window.end))
      return 'The maintenance window has no readable start or end; declare it again.';
    if (window.end <= window.start)
      return `The window ${formatWindow(window)} ends before it starts; give an end after its start.`;
    if (window.end <= now)
      return `The window ${formatWindow(window)} has already ended; declare one that is still to come.`;
  }
  return undefined;
}
