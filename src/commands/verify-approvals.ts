import { roleListsSigners } from '../core/approvals/signed-roles.js';
import { checkClaims, parseToken } from '../core/approvals/token.js';
import type { Promotion, Runbook } from '../core/runbook/schema.js';
import type { EventOf } from '../core/session/events.js';
import { stepEnvironment } from '../core/session/selectors.js';
import { roleSigners, SignersFileError } from '../services/approvals/role-signers.js';
import { verifyTokenSignature } from '../services/approvals/ssh-signature.js';
import { journalHealth } from '../services/store/journal.js';
import { brokenJournalMessage, SessionStore } from '../services/store/session-store.js';
import { sessionRunbook } from '../wiring/session-runbook.js';
import { printOut } from './print.js';

type Recorded = EventOf<'approval.recorded'>;

interface Context {
  id: string;
  version: string;
  runbook: Runbook;
  runbookFile: string;
  promotion: Promotion;
}

function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Why a journaled signed approval does not hold up, or undefined when it does. */
async function signedProblem(event: Recorded, ctx: Context, title: string): Promise<string | undefined> {
  if (!event.token) return 'the journal marks it signed but holds no token';
  const parsed = parseToken(event.token);
  if (!parsed.ok) return parsed.reason;
  const { claims } = parsed.token;
  let env: string;
  try {
    env = stepEnvironment(ctx.runbook, ctx.promotion, event.step).id;
  } catch {
    env = '?';
  }
  // The claims as they stood when it was recorded: it had not expired then. Expiry is real time,
  // so the real time of the check, where the journal has it (a rehearsal's clock runs ahead).
  const claimsProblem = checkClaims(parsed.token, {
    session: ctx.id,
    version: ctx.version,
    env,
    now: event.checkedAt ?? event.at,
  });
  if (claimsProblem) return claimsProblem;
  if (claims.role !== event.role || claims.approver !== event.approver || claims.comment !== event.comment)
    return 'the journal says something other than the signed token (role, approver or comment)';
  let signers: ReturnType<typeof roleSigners>;
  try {
    signers = roleSigners(ctx.runbook, ctx.runbookFile, event.role);
  } catch (error) {
    if (error instanceof SignersFileError) return error.message;
    throw error;
  }
  if (!signers) return `the runbook no longer lists signers for ${title}`;
  const check = await verifyTokenSignature(parsed.token, signers, title);
  if (!check.ok) return check.reason;
  if (event.fingerprint !== check.fingerprint)
    return `the journal names key ${event.fingerprint ?? 'none'}, but the token is signed with ${check.fingerprint}`;
  return undefined;
}

/**
 * `conductor verify-approvals SESSION`: check every signed approval of a session again from its
 * journal (signature, signers of the runbook, claims), one line per approval. Exit 0 when every
 * approval holds up, 1 otherwise.
 */
export async function verifyApprovalsCommand(id: string, options: { home?: string } = {}): Promise<number> {
  const store = new SessionStore(options.home);
  const created = store.startOf(id);
  const read = store.readJournal(id);
  if (read.broken) {
    printOut(`✗ ${brokenJournalMessage(id, journalHealth(read))}\n`);
    return 1;
  }
  const { runbook, promotion } = sessionRunbook(store, id);
  const ctx: Context = {
    id,
    version: created.version,
    runbook,
    runbookFile: created.runbookFile,
    promotion,
  };
  const approvals = read.events.filter((e): e is Recorded => e.type === 'approval.recorded');
  if (approvals.length === 0) {
    printOut(`No approvals are recorded in session ${id}.\n`);
    return 0;
  }
  let failed = 0;
  for (const event of approvals) {
    const title = runbook.roles.find((r) => r.id === event.role)?.title ?? event.role;
    const head = `${event.step} · ${title} · ${event.approver} · ${utc(event.at)}`;
    if (!event.signed) {
      if (roleListsSigners(runbook, event.role)) {
        failed += 1;
        printOut(`✗ ${head}: not signed, though the runbook lists signers for ${title}\n`);
      } else printOut(`· ${head}: recorded by the conductor (not signed)\n`);
      continue;
    }
    const problem = await signedProblem(event, ctx, title);
    if (problem) {
      failed += 1;
      printOut(`✗ ${head}: ${problem.replace(/\.$/, '')}\n`);
    } else
      printOut(
        `✓ ${head}: signed by ${event.signer ?? event.approver}, key ${event.fingerprint}, signature good\n`,
      );
  }
  return failed === 0 ? 0 : 1;
}
