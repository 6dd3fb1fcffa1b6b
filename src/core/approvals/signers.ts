/**
 * The people who may sign a role's approvals: their names and SSH public keys, in the
 * `allowed_signers` format of `ssh-keygen -Y` (ALLOWED SIGNERS in ssh-keygen(1)). Pure: the
 * runbook lists them inline, or names a file the caller reads.
 */

export interface AllowedSigner {
  /** The principal(s) of the line: the approver's name, as the token names it. */
  name: string;
  /** ssh-keygen options of the line (namespaces="...", valid-after=...), verbatim. */
  options?: string;
  keyType: string;
  /** base64 of the public key blob. */
  keyData: string;
}

const KEY_TYPES = new Set([
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
]);

/** Why `keyType keyData` is not an SSH public key, or undefined when it is one. */
export function publicKeyProblem(keyType: string, keyData: string | undefined): string | undefined {
  if (!KEY_TYPES.has(keyType))
    return `"${keyType}" is not an SSH public key type (write the key as ssh-keygen prints it: "ssh-ed25519 AAAA...")`;
  if (!keyData || !/^[A-Za-z0-9+/]+={0,2}$/.test(keyData))
    return `the ${keyType} key has no base64 key data after its type`;
  // The blob is a run of length-prefixed strings, the first the key type; a key cut short breaks the run.
  const blob = Buffer.from(keyData, 'base64');
  const strings: Buffer[] = [];
  let at = 0;
  while (at + 4 <= blob.length) {
    const length = blob.readUInt32BE(at);
    if (at + 4 + length > blob.length) break;
    strings.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  const whole = at === blob.length && strings.length >= 2;
  if (!whole || strings[0]!.toString('latin1') !== keyType)
    return `the ${keyType} key data is not a whole ${keyType} key (cut short, or pasted from another key)`;
  return undefined;
}

/** "ssh-ed25519 AAAA... comment" as a signer named `name`, or why it is not a key. */
export function signerFromKey(name: string, key: string): AllowedSigner | { problem: string } {
  const [keyType = '', keyData] = key.trim().split(/\s+/);
  const problem = publicKeyProblem(keyType, keyData);
  return problem ? { problem } : { name, keyType, keyData: keyData! };
}

/** Split a line into words, keeping "quoted strings" (option values) whole. */
function words(line: string): string[] {
  return line.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
}

export interface SignersFileProblem {
  /** 1-based line of the allowed_signers file. */
  line: number;
  message: string;
}

/** Read an allowed_signers file: blank lines and # comments skipped, every other line a signer. */
export function parseAllowedSigners(text: string): {
  signers: AllowedSigner[];
  problems: SignersFileProblem[];
} {
  const signers: AllowedSigner[] = [];
  const problems: SignersFileProblem[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [name = '', ...rest] = words(line);
    const typeAt = rest.findIndex((w) => KEY_TYPES.has(w));
    if (rest.length === 0 || typeAt > 1) {
      problems.push({
        line: index + 1,
        message: 'a signer line is "name [options] key-type key" (e.g. alice ssh-ed25519 AAAA...)',
      });
      return;
    }
    // An unknown key type: guess where it is (after options like namespaces="...") to name it.
    const at = typeAt >= 0 ? typeAt : rest[0]!.includes('=') ? 1 : 0;
    const options = at === 1 ? rest[0] : undefined;
    const keyType = rest[at];
    const keyData = rest[at + 1];
    const problem = publicKeyProblem(keyType ?? '', keyData);
    if (problem) problems.push({ line: index + 1, message: problem });
    else signers.push({ name, options, keyType: keyType!, keyData: keyData! });
  });
  return { signers, problems };
}

/** The allowed_signers text ssh-keygen reads, one line per signer. */
export function allowedSignersText(signers: readonly AllowedSigner[]): string {
  return signers
    .map((s) => [s.name, s.options, s.keyType, s.keyData].filter((w) => w !== undefined).join(' '))
    .join('\n')
    .concat('\n');
}
