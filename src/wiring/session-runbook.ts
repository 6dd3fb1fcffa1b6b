import { readFileSync } from 'node:fs';
import { parseRunbook } from '../core/runbook/parse.js';
import type { Promotion, Runbook } from '../core/runbook/schema.js';
import { findPromotion } from '../core/session/selectors.js';
import { UserError } from '../errors.js';
import type { SessionStore } from '../services/store/session-store.js';

/**
 * The runbook and promotion a session was started from, read again from its file for a command
 * that looks at the session (status, status --follow, verify-approvals). One sentence when the file
 * is gone, no longer validates, or lost the promotion.
 */
export function sessionRunbook(
  store: SessionStore,
  id: string,
): { created: ReturnType<SessionStore['startOf']>; runbook: Runbook; promotion: Promotion } {
  const created = store.startOf(id);
  let text: string;
  try {
    text = readFileSync(created.runbookFile, 'utf8');
  } catch {
    throw new UserError(
      `Session ${id} was started from ${created.runbookFile}, which cannot be read any more.`,
    );
  }
  const parsed = parseRunbook(text, created.runbookFile);
  if (!parsed.ok)
    throw new UserError(`${created.runbookFile} no longer validates: run \`conductor validate\` on it.`);
  const promotion = findPromotion(parsed.runbook, created.promotionId);
  if (!promotion)
    throw new UserError(`${created.runbookFile} no longer has promotion ${created.promotionId}.`);
  return { created, runbook: parsed.runbook, promotion };
}
