import { describe, expect, it } from 'vitest';
import { signerFromKey } from '../../../src/core/approvals/signers.js';
import {
  type ApprovalClaims,
  checkClaims,
  type ParsedToken,
  parseToken,
  TOKEN_PREFIX,
} from '../../../src/core/approvals/token.js';
import { signApproval, verifyTokenSignature } from '../../../src/services/approvals/ssh-signature.js';
import { fingerprintByKeygen, makeKey, type TestKey } from '../../support/ssh-keys.js';

const alice = makeKey('alice');
const bob = makeKey('bob');
const mallory = makeKey('mallory');
const signers = [alice, bob].map((k) => {
  const signer = signerFromKey(k.name, k.publicKey);
  if ('problem' in signer) throw new Error(signer.problem);
  return signer;
});

const AT = Date.UTC(2026, 11, 2, 3, 0, 0);
const HOUR = 3_600_000;

function claims(over: Partial<ApprovalClaims> = {}): ApprovalClaims {
  return {
    v: 1,
    session: '20261202-030000-ab12',
    version: 'v2026.11.29.1',
    env: 'prod',
    role: 'tech-lead',
    approver: 'alice',
    comment: 'Performance baseline met, ready for PROD',
    reference: 'CHG-1234',
    at: new Date(AT).toISOString(),
    expires: new Date(AT + 48 * HOUR).toISOString(),
    ...over,
  };
}

async function tokenOf(key: TestKey, over: Partial<ApprovalClaims> = {}): Promise<string> {
  return signApproval(claims(over), { keyFile: key.privateKey });
}

function parsed(token: string): ParsedToken {
  const result = parseToken(token);
  if (!result.ok) throw new Error(result.reason);
  return result.token;
}

const expected = { session: '20261202-030000-ab12', version: 'v2026.11.29.1', env: 'prod', envTitle: 'PROD' };

describe('signed approval tokens (real ssh-keygen keys)', () => {
  it('signs the claims into one line that verifies against the role signers, naming the key as ssh-keygen does', async () => {
    const token = await tokenOf(alice);
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(token).not.toMatch(/\s/);
    const read = parsed(token);
    expect(read.claims).toEqual(claims());
    expect(checkClaims(read, { ...expected, now: AT + HOUR })).toBeUndefined();
    const check = await verifyTokenSignature(read, signers, 'Tech Lead');
    expect(check).toEqual({ ok: true, signer: 'alice', fingerprint: fingerprintByKeygen(alice) });
  });

  it('reads a token wrapped over several lines by a terminal', async () => {
    const token = await tokenOf(alice);
    const wrapped = `  ${token.slice(0, 80)}\n${token.slice(80, 200)}\r\n  ${token.slice(200)}\n`;
    const check = await verifyTokenSignature(parsed(wrapped), signers, 'Tech Lead');
    expect(check.ok).toBe(true);
  });

  it('refuses a token whose claims were changed after signing, in one sentence', async () => {
    const token = await tokenOf(alice);
    const [, , body, sig] = token.split('.');
    const changed = Buffer.from(
      Buffer.from(body!, 'base64url').toString('utf8').replace('v2026.11.29.1', 'v2026.11.29.2'),
    ).toString('base64url');
    const tampered = `${TOKEN_PREFIX}${changed}.${sig}`;
    const check = await verifyTokenSignature(parsed(tampered), signers, 'Tech Lead');
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.reason).toBe(
        'The signature of this token from alice does not match what it says: it was changed after it was signed.',
      );
    }
  });

  it('refuses a key that is not among the signers, naming its fingerprint', async () => {
    const check = await verifyTokenSignature(parsed(await tokenOf(mallory)), signers, 'Tech Lead');
    expect(check).toEqual({
      ok: false,
      fingerprint: fingerprintByKeygen(mallory),
      reason: `This token is signed with key ${fingerprintByKeygen(mallory)}, which is not among the runbook's signers for Tech Lead.`,
    });
  });

  it("refuses a signer's key used to approve in another signer's name", async () => {
    const check = await verifyTokenSignature(
      parsed(await tokenOf(bob, { approver: 'alice' })),
      signers,
      'Tech Lead',
    );
    expect(check.ok).toBe(false);
    if (!check.ok)
      expect(check.reason).toMatch(/^This token names alice but is signed with bob's key \(SHA256:/);
  });

  it('refuses a token for another session, version or environment, an expired one and one from the future', async () => {
    const read = parsed(await tokenOf(alice));
    const now = AT + HOUR;
    expect(checkClaims(read, { ...expected, session: '20261202-040000-cd34', now })).toBe(
      'This token from alice approves session 20261202-030000-ab12, not this session (20261202-040000-cd34).',
    );
    expect(checkClaims(read, { ...expected, version: 'v2026.12.01.1', now })).toBe(
      'This token from alice approves version v2026.11.29.1, but this session promotes v2026.12.01.1.',
    );
    expect(checkClaims(read, { ...expected, env: 'sit', envTitle: 'SIT', now })).toBe(
      'This token from alice approves environment prod, but this gate is in SIT.',
    );
    expect(checkClaims(read, { ...expected, now: AT + 48 * HOUR })).toBe(
      'This token from alice expired at 2026-12-04 03:00 UTC; ask alice to run `conductor approve` again.',
    );
    expect(checkClaims(read, { ...expected, now: AT - HOUR })).toMatch(
      /^This token from alice is dated 2026-12-02 03:00 UTC, ahead of this machine's clock; .*\.$/,
    );
  });

  it('says what is wrong with text that is not a token', async () => {
    expect(parseToken('LGTM from alice')).toEqual({
      ok: false,
      reason:
        'That is not an approval token from `conductor approve`: it does not start with "conductor-approval.v1.".',
    });
    const token = await tokenOf(alice);
    const cut = parseToken(token.slice(0, token.lastIndexOf('.')));
    expect(cut.ok).toBe(false);
    if (!cut.ok) expect(cut.reason).toMatch(/^That is not an approval token from `conductor approve`: .+\.$/);
  });

  it('names a key file ssh-keygen cannot sign with', async () => {
    await expect(signApproval(claims(), { keyFile: '/nonexistent/key' })).rejects.toThrow(
      /^ssh-keygen could not sign with \/nonexistent\/key/,
    );
  });
});
