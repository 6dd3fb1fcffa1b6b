import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { type AllowedSigner, allowedSignersText } from '../../core/approvals/signers.js';
import {
  APPROVAL_NAMESPACE,
  type ApprovalClaims,
  claimsMessage,
  formatToken,
  type ParsedToken,
} from '../../core/approvals/token.js';

/**
 * The ssh-keygen side of signed approvals (`ssh-keygen -Y sign` and `-Y verify`, OpenSSH 8.2+):
 * signing on the approver's machine, verifying in the engine and in `conductor verify-approvals`.
 */

const TIMEOUT_MS = 15_000;

/** "SHA256:..." as ssh-keygen -l prints it, of a public key blob. */
export function fingerprintOf(publicKey: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(publicKey).digest('base64').replace(/=+$/, '')}`;
}

function sameKey(signer: AllowedSigner, publicKey: Uint8Array): boolean {
  return Buffer.from(signer.keyData, 'base64').equals(Buffer.from(publicKey));
}

/** A private folder for the files ssh-keygen reads, removed after `use`. */
async function withScratch<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'conductor-sig-'));
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function notInstalled(error: unknown): boolean {
  return (error as { code?: string }).code === 'ENOENT';
}

const NO_SSH_KEYGEN =
  'ssh-keygen is not installed on this machine (package openssh-client), so signed approvals cannot be made or checked here.';

/** ssh-keygen's -Overify-time: the moment a key must have been valid (valid-after/valid-before). */
function verifyTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export type SignatureCheck =
  | { ok: true; signer: string; fingerprint: string }
  | { ok: false; reason: string; fingerprint: string };

/**
 * Check a token's signature against the signers of its role: the key must be one of theirs, the
 * token must name the key's owner, and ssh-keygen must find the signature good for these claims.
 */
export async function verifyTokenSignature(
  token: ParsedToken,
  signers: readonly AllowedSigner[],
  roleTitle: string,
): Promise<SignatureCheck> {
  const fingerprint = fingerprintOf(token.publicKey);
  const approver = token.claims.approver;
  const owners = signers.filter((s) => sameKey(s, token.publicKey));
  if (owners.length === 0)
    return {
      ok: false,
      fingerprint,
      reason: `This token is signed with key ${fingerprint}, which is not among the runbook's signers for ${roleTitle}.`,
    };
  if (!owners.some((s) => s.name.split(',').includes(approver)))
    return {
      ok: false,
      fingerprint,
      reason: `This token names ${approver} but is signed with ${owners[0]!.name}'s key (${fingerprint}).`,
    };
  return withScratch(async (dir) => {
    const allowed = join(dir, 'allowed_signers');
    const signature = join(dir, 'token.sig');
    writeFileSync(allowed, allowedSignersText(owners), { mode: 0o600 });
    writeFileSync(signature, token.armoredSignature, { mode: 0o600 });
    try {
      const result = await execa(
        'ssh-keygen',
        [
          '-Y',
          'verify',
          '-f',
          allowed,
          '-I',
          approver,
          '-n',
          APPROVAL_NAMESPACE,
          '-s',
          signature,
          `-Overify-time=${verifyTime(token.signedAt)}`,
        ],
        { input: token.message, reject: false, timeout: TIMEOUT_MS },
      );
      if (result.exitCode === 0) return { ok: true, signer: approver, fingerprint };
      if (result.timedOut) {
        return {
          ok: false,
          fingerprint,
          reason: 'ssh-keygen did not answer within 15 s; try the token again.',
        };
      }
      return {
        ok: false,
        fingerprint,
        reason: `The signature of this token from ${approver} does not match what it says: it was changed after it was signed.`,
      };
    } catch (error) {
      if (notInstalled(error)) return { ok: false, fingerprint, reason: NO_SSH_KEYGEN };
      throw error;
    }
  });
}

export interface SigningKey {
  /** A private key file, or a public key whose private half is in the ssh-agent. */
  keyFile?: string;
  /** Without a key file: the agent's key to use, when one of these (the role's signers) is there. */
  prefer?: readonly AllowedSigner[];
}

/** A public key of the ssh-agent, preferring one of `prefer`, written to `dir` for ssh-keygen -f. */
async function agentKeyFile(dir: string, prefer: readonly AllowedSigner[] = []): Promise<string> {
  if (!process.env.SSH_AUTH_SOCK)
    throw new SigningError(
      'No --key was given and no ssh-agent is running (SSH_AUTH_SOCK is not set); give --key PATH.',
    );
  const listed = await execa('ssh-add', ['-L'], { reject: false, timeout: TIMEOUT_MS }).catch(
    (error: unknown) => {
      if (notInstalled(error))
        throw new SigningError('ssh-add is not installed on this machine; give --key PATH.');
      throw error;
    },
  );
  const keys = listed.exitCode === 0 ? listed.stdout.split('\n').filter((l) => l.trim() !== '') : [];
  if (keys.length === 0)
    throw new SigningError('The ssh-agent holds no key; add one with ssh-add or give --key PATH.');
  const chosen = keys.find((line) => prefer.some((s) => line.split(/\s+/)[1] === s.keyData)) ?? keys[0]!;
  const file = join(dir, 'agent-key.pub');
  writeFileSync(file, `${chosen}\n`, { mode: 0o600 });
  return file;
}

/** A failure to sign, in one sentence for the approver (bad input: exit 2). */
export class SigningError extends Error {}

/** Sign the claims with the approver's key (or the agent's) and return the one-line token. */
export async function signApproval(claims: ApprovalClaims, key: SigningKey): Promise<string> {
  const message = claimsMessage(claims);
  return withScratch(async (dir) => {
    const keyFile = key.keyFile ?? (await agentKeyFile(dir, key.prefer));
    try {
      const result = await execa(
        'ssh-keygen',
        ['-Y', 'sign', '-q', '-f', keyFile, '-n', APPROVAL_NAMESPACE],
        {
          input: message,
          reject: false,
          timeout: TIMEOUT_MS,
        },
      );
      if (result.exitCode !== 0) {
        const why = result.stderr.split('\n').find((l) => l.trim() !== '' && !l.startsWith('Signing')) ?? '';
        throw new SigningError(
          `ssh-keygen could not sign with ${keyFile}${why ? ` (${why.trim()})` : ''}; give the private key with --key, or load it into the ssh-agent.`,
        );
      }
      return formatToken(message, result.stdout);
    } catch (error) {
      if (notInstalled(error)) throw new SigningError(NO_SSH_KEYGEN);
      throw error;
    }
  });
}
