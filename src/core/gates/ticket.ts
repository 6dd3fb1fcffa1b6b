import type { Environment } from '../runbook/schema.js';

export interface TicketCheck {
  ok: boolean;
  /** What to tell the conductor: why it is refused, or a reminder when a ticket is only recommended. */
  message?: string;
}

/**
 * The change-ticket rule of an environment (seed 1.3: DEV not required, SIT recommended, PROD required).
 *
 * Decisions taken where the seed is silent:
 * - The runbook's pattern must match the whole ticket (it is anchored), after trimming spaces.
 * - Under "recommended", no ticket is fine (with a reminder), but a ticket that does not match the
 *   pattern is refused: a mistyped reference is worse than none, because the report would cite it.
 * - Under "none", nothing is checked.
 */
export function checkTicket(env: Environment, ticket: string | undefined): TicketCheck {
  const { policy, pattern } = env.changeTicket;
  if (policy === 'none') return { ok: true };
  const given = ticket?.trim() ?? '';

  if (given === '') {
    if (policy === 'required') {
      return {
        ok: false,
        message: `${env.title} requires a change ticket; record one${pattern ? ` matching ${pattern}` : ''}.`,
      };
    }
    return { ok: true, message: `A change ticket is recommended for ${env.title}; none is recorded.` };
  }

  if (pattern) {
    let matcher: RegExp;
    try {
      matcher = new RegExp(`^(?:${pattern})$`);
    } catch {
      return {
        ok: false,
        message: `The runbook's ticket pattern for ${env.title} (${pattern}) is not a valid regular expression; fix the runbook.`,
      };
    }
    if (!matcher.test(given)) {
      return {
        ok: false,
        message: `"${given}" does not look like a change ticket for ${env.title} (it must match ${pattern}); correct it.`,
      };
    }
  }
  return { ok: true };
}
