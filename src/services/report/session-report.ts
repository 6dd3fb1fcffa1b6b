import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseRunbook } from '../../core/runbook/parse.js';
import type { Runbook } from '../../core/runbook/schema.js';
import { findPromotion } from '../../core/session/selectors.js';
import { foldEvents, type SessionState } from '../../core/session/state.js';
import type { ReportChain } from '../../core/templates/report.js';
import { journalHealth, readJournal } from '../store/journal.js';
import type { SessionStore } from '../store/session-store.js';

/** Why a report cannot be made at all (no such session, runbook gone): one sentence for the user. */
export class ReportInputError extends Error {
  override name = 'ReportInputError';
}

export interface SessionReportInputs {
  runbook: Runbook;
  state: SessionState;
  chain: ReportChain;
  /** sha256 of the runbook file as it reads now. */
  runbookHashNow: string;
}

/**
 * Everything a report is made from: the journal (verified line by line), the runbook the session
 * was started from, and the state folded from the two. A broken chain does not stop the report:
 * the events before the break are reported, and the chain says it does not hold.
 */
export function readSessionForReport(store: SessionStore, id: string): SessionReportInputs {
  if (!/^[\w.-]+$/.test(id) || !store.exists(id))
    throw new ReportInputError(`No session ${id}: \`conductor sessions\` lists them.`);
  const read = readJournal(store.journalFile(id));
  const health = journalHealth(read);
  const chain: ReportChain = health.broken
    ? {
        ok: false,
        events: read.events.length,
        message: `chain broken at line ${health.broken.line}: ${health.broken.why}; the hash chain does not hold after event ${read.events.length}`,
        broken: health.broken,
      }
    : {
        ok: true,
        events: read.events.length,
        message: `${read.events.length} events, hash chain verified (last ${read.lastHash.slice(0, 12)})${
          health.tornTail
            ? health.tornTail.dropped
              ? `; torn last line (line ${health.tornTail.line}) ignored`
              : `; the last line (line ${health.tornTail.line}) has no newline`
            : ''
        }`,
        ...(health.tornTail && { tornTail: health.tornTail }),
      };
  const created = read.events[0];
  if (created?.type !== 'session.created')
    throw new ReportInputError(`Session ${id} has no start event, so there is nothing to report.`);
  let text: string;
  try {
    text = readFileSync(created.runbookFile, 'utf8');
  } catch {
    throw new ReportInputError(
      `Session ${id} was started from ${created.runbookFile}, which cannot be read any more; put it back to report on the session.`,
    );
  }
  const parsed = parseRunbook(text, created.runbookFile);
  if (!parsed.ok)
    throw new ReportInputError(
      `${created.runbookFile} no longer validates: run \`conductor validate\` on it.`,
    );
  const promotion = findPromotion(parsed.runbook, created.promotionId);
  if (!promotion)
    throw new ReportInputError(`${created.runbookFile} no longer has promotion ${created.promotionId}.`);
  return {
    runbook: parsed.runbook,
    state: foldEvents(parsed.runbook, promotion, read.events),
    chain,
    runbookHashNow: createHash('sha256').update(text).digest('hex'),
  };
}

/** The local zone's offset at a moment, so reports read in the conductor's own time. */
export function localUtcOffsetMinutes(at: number): number {
  // `|| 0` turns UTC's -0 into 0, so it prints as "UTC".
  return -new Date(at).getTimezoneOffset() || 0;
}
