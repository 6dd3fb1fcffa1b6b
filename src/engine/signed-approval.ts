import { checkClaims, compactToken, type ParsedToken, parseToken } from '../core/approvals/token.js';
import { roleTitles } from '../core/session/gates.js';
import { currentStep, stepEnvironment } from '../core/session/selectors.js';
import { roleSigners, SignersFileError } from '../services/approvals/role-signers.js';
import { verifyTokenSignature } from '../services/approvals/ssh-signature.js';
import { readTokenFile } from '../services/approvals/token-file.js';
import { onClock, wallTime } from '../services/clock.js';
import type { EngineContext } from './context.js';
import { approveThroughGate } from './runners/approval.js';

/** A pasted token, or the path of a file holding one (absolute: the screen resolved it). */
export interface SignedApprovalInput {
  step?: string;
  token?: string;
  file?: string;
}

/**
 * Record an approval from a signed token (issue 16.1): the token is read, its claims checked
 * against this session (id, version, the gate's environment, expiry), its signature checked by
 * ssh-keygen against the runbook's signers of its role, then the gate's own rules apply. Every
 * refusal is one sentence, journaled as approval.refused.
 */
export async function approveSigned(
  c: EngineContext,
  input: SignedApprovalInput,
): Promise<string | undefined> {
  const stepId = input.step ?? currentStep(c.state)?.id;
  if (!stepId) return 'There is no approval gate open.';
  const def = c.definition(stepId);
  if (def.kind !== 'approval') return 'The current step is not an approval gate.';

  let text = input.token ?? '';
  if (input.file !== undefined) {
    const read = await readTokenFile(input.file);
    if ('problem' in read) return read.problem;
    text = read.text;
  }
  const parsed = parseToken(text);
  if (!parsed.ok) return refuse(c, stepId, undefined, parsed.reason);
  const token = parsed.token;
  const { claims } = token;
  const env = stepEnvironment(c.runbook, c.promotion, stepId);
  // A token is dated and expires in real time, as its approver's machine signed it: a rehearsal's
  // accelerated clock would expire a 1 h token in 30 s at x120.
  const checkedAt = wallTime(c.clock);
  const claimsProblem = checkClaims(token, {
    session: c.state.meta.sessionId,
    version: c.state.meta.version,
    env: env.id,
    envTitle: env.title,
    now: checkedAt,
  });
  if (claimsProblem) return refuse(c, stepId, token, claimsProblem);

  const titles = roleTitles(c.runbook);
  if (!c.runbook.roles.some((r) => r.id === claims.role))
    return refuse(
      c,
      stepId,
      token,
      `This token approves role ${claims.role}, which this runbook does not have.`,
    );
  const title = titles[claims.role] ?? claims.role;
  let signers: ReturnType<typeof roleSigners>;
  try {
    signers = roleSigners(c.runbook, c.options.runbookFile, claims.role);
  } catch (error) {
    if (error instanceof SignersFileError) return refuse(c, stepId, token, error.message);
    throw error;
  }
  if (!signers)
    return refuse(
      c,
      stepId,
      token,
      `The runbook lists no signers for ${title}, so a signed token cannot be checked; record the approval by typing it.`,
    );
  const check = await verifyTokenSignature(token, signers, title);
  if (!check.ok) return refuse(c, stepId, token, check.reason);

  return approveThroughGate(c, stepId, {
    role: claims.role,
    approver: claims.approver,
    comment: claims.comment,
    reference: claims.reference || undefined,
    signed: true,
    signer: check.signer,
    fingerprint: check.fingerprint,
    token: compactToken(text),
    signedAt: token.signedAt,
    checkedAt,
    validUntil: onClock(c.clock, token.expiresAt),
  });
}

function refuse(c: EngineContext, step: string, token: ParsedToken | undefined, reason: string): string {
  c.dispatch({
    type: 'approval.refused',
    at: c.now(),
    step,
    role: token?.claims.role ?? '?',
    approver: token?.claims.approver ?? '?',
    reason,
  });
  return reason;
}
