/**
 * The signed approval token (issue 16.1): what `conductor approve` prints on the approver's machine
 * and the conductor pastes into the approval screen. Pure: parsing, encoding and the checks of
 * its claims; the signature itself is made and checked by ssh-keygen (services/approvals).
 *
 * One line, so it survives a terminal paste and a chat message:
 *
 *   conductor-approval.v1.<claims, base64url JSON>.<SSHSIG signature, base64url>
 *
 * The signed message is the claims JSON exactly as encoded (the bytes between the dots), so a
 * token is checked without re-serialising anything.
 */

/** The ssh-keygen -Y namespace: a signature made for anything else (git commits, files) never counts. */
export const APPROVAL_NAMESPACE = 'conductor-approval';
export const TOKEN_PREFIX = 'conductor-approval.v1.';

export interface ApprovalClaims {
  v: 1;
  session: string;
  /** The release version the session promotes. */
  version: string;
  /** The environment of the approval gate (its phase's environment). */
  env: string;
  role: string;
  /** The signer's name: the principal of their key in the runbook's signers. */
  approver: string;
  comment: string;
  reference?: string;
  /** When it was signed, ISO 8601 UTC. */
  at: string;
  /** Until when the token may be recorded, ISO 8601 UTC; the approval never lasts longer. */
  expires: string;
}

export interface ParsedToken {
  claims: ApprovalClaims;
  /** The exact bytes that were signed. */
  message: string;
  /** The SSHSIG blob, as ssh-keygen wants it in a signature file. */
  armoredSignature: string;
  /** The signer's public key, taken from the signature (its fingerprint names the key). */
  publicKey: Uint8Array;
  signedAt: number;
  expiresAt: number;
}

export type TokenParse = { ok: true; token: ParsedToken } | { ok: false; reason: string };

const ARMOR_BEGIN = '-----BEGIN SSH SIGNATURE-----';
const ARMOR_END = '-----END SSH SIGNATURE-----';

/** The claims as the exact text that is signed: keys in a fixed order, nothing else. */
export function claimsMessage(claims: ApprovalClaims): string {
  const { v, session, version, env, role, approver, comment, reference, at, expires } = claims;
  return JSON.stringify({ v, session, version, env, role, approver, comment, reference, at, expires });
}

/** The SSHSIG blob of an armored ssh-keygen signature, base64 (undefined when it is not one). */
function armorBody(armored: string): string | undefined {
  const begin = armored.indexOf(ARMOR_BEGIN);
  const end = armored.indexOf(ARMOR_END);
  if (begin < 0 || end < begin) return undefined;
  return armored.slice(begin + ARMOR_BEGIN.length, end).replace(/\s+/g, '');
}

export function armor(blobBase64: string): string {
  const lines = blobBase64.match(/.{1,70}/g) ?? [];
  return `${ARMOR_BEGIN}\n${lines.join('\n')}\n${ARMOR_END}\n`;
}

/** The one-line token of signed claims and ssh-keygen's armored signature of them. */
export function formatToken(message: string, armoredSignature: string): string {
  const body = armorBody(armoredSignature);
  if (!body) throw new Error('ssh-keygen did not return an SSH signature.');
  return `${TOKEN_PREFIX}${Buffer.from(message, 'utf8').toString('base64url')}.${Buffer.from(body, 'base64').toString('base64url')}`;
}

/** The token inside pasted text, whitespace removed (a terminal may wrap a long line when copied). */
export function compactToken(text: string): string {
  const compact = text.replace(/\s+/g, '');
  const start = compact.indexOf(TOKEN_PREFIX);
  return start < 0 ? compact : compact.slice(start);
}

/** Whether pasted text holds a token (else it may be the path of a token file). */
export function holdsToken(text: string): boolean {
  return text.includes(TOKEN_PREFIX);
}

function readString(bytes: Uint8Array, offset: number): { value: Uint8Array; next: number } | undefined {
  if (offset + 4 > bytes.length) return undefined;
  const length = new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0);
  const start = offset + 4;
  if (start + length > bytes.length) return undefined;
  return { value: bytes.subarray(start, start + length), next: start + length };
}

/** The public key and namespace inside an SSHSIG blob (PROTOCOL.sshsig). */
export function readSshSig(blob: Uint8Array): { publicKey: Uint8Array; namespace: string } | undefined {
  if (Buffer.from(blob.subarray(0, 6)).toString('latin1') !== 'SSHSIG') return undefined;
  const publicKey = readString(blob, 10);
  if (!publicKey) return undefined;
  const namespace = readString(blob, publicKey.next);
  if (!namespace) return undefined;
  return { publicKey: publicKey.value, namespace: Buffer.from(namespace.value).toString('utf8') };
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

function claimsProblem(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return 'its claims are not an object';
  const c = data as Record<string, unknown>;
  if (c.v !== 1) return 'it is of a version this conductor does not know';
  for (const key of ['session', 'version', 'env', 'role', 'approver', 'comment', 'at', 'expires'] as const) {
    if (!isText(c[key])) return `its claim "${key}" is missing`;
  }
  if (c.reference !== undefined && typeof c.reference !== 'string')
    return 'its claim "reference" is not text';
  if (Number.isNaN(Date.parse(c.at as string))) return 'its time "at" is not a date';
  if (Number.isNaN(Date.parse(c.expires as string))) return 'its expiry is not a date';
  return undefined;
}

/** Read a pasted token (or a token file's text); whitespace anywhere is ignored. */
export function parseToken(text: string): TokenParse {
  const compact = compactToken(text);
  const notToken = (why: string): TokenParse => ({
    ok: false,
    reason: `That is not an approval token from \`conductor approve\`: ${why}.`,
  });
  if (!compact.startsWith(TOKEN_PREFIX)) return notToken(`it does not start with "${TOKEN_PREFIX}"`);
  const parts = compact.slice(TOKEN_PREFIX.length).split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return notToken('it is cut short or has extra parts');
  const message = Buffer.from(parts[0], 'base64url').toString('utf8');
  let data: unknown;
  try {
    data = JSON.parse(message);
  } catch {
    return notToken('its claims cannot be read (was it cut or changed?)');
  }
  const problem = claimsProblem(data);
  if (problem) return notToken(problem);
  const claims = data as ApprovalClaims;
  const blob = new Uint8Array(Buffer.from(parts[1], 'base64url'));
  const sig = readSshSig(blob);
  if (!sig) return notToken('its signature is not an SSH signature');
  if (sig.namespace !== APPROVAL_NAMESPACE)
    return notToken(`it was signed for "${sig.namespace}", not for ${APPROVAL_NAMESPACE}`);
  return {
    ok: true,
    token: {
      claims,
      message,
      armoredSignature: armor(Buffer.from(blob).toString('base64')),
      publicKey: sig.publicKey,
      signedAt: Date.parse(claims.at),
      expiresAt: Date.parse(claims.expires),
    },
  };
}

function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export interface ExpectedClaims {
  session: string;
  version: string;
  /** The environment of the gate the approval is for. */
  env: string;
  /** The environment's title, for the sentence. */
  envTitle?: string;
  now: number;
  /** How far the approver's clock may run ahead of this one. */
  clockSkewMs?: number;
}

/**
 * Why the token's claims do not fit this session, as one sentence; undefined when they do. The
 * role is checked by the gate's own rules (is it asked for here, by a different person).
 */
export function checkClaims(token: ParsedToken, expected: ExpectedClaims): string | undefined {
  const { claims } = token;
  const who = claims.approver;
  if (claims.session !== expected.session)
    return `This token from ${who} approves session ${claims.session}, not this session (${expected.session}).`;
  if (claims.version !== expected.version)
    return `This token from ${who} approves version ${claims.version}, but this session promotes ${expected.version}.`;
  if (claims.env !== expected.env)
    return `This token from ${who} approves environment ${claims.env}, but this gate is in ${expected.envTitle ?? expected.env}.`;
  if (token.expiresAt <= token.signedAt)
    return `This token from ${who} expires before it was signed; ask for a new one.`;
  if (expected.now >= token.expiresAt)
    return `This token from ${who} expired at ${utc(token.expiresAt)}; ask ${who} to run \`conductor approve\` again.`;
  if (token.signedAt > expected.now + (expected.clockSkewMs ?? 300_000))
    return `This token from ${who} is dated ${utc(token.signedAt)}, ahead of this machine's clock; check the approver's clock and ask for a new one.`;
  return undefined;
}
