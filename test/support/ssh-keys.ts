import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real ed25519 key pair made by ssh-keygen for a test: its private key file and public key line. */
export interface TestKey {
  name: string;
  privateKey: string;
  /** "ssh-ed25519 AAAA..." */
  publicKey: string;
  keyData: string;
}

export function makeKey(name: string, dir = mkdtempSync(join(tmpdir(), 'conductor-keys-'))): TestKey {
  const privateKey = join(dir, `${name}_ed25519`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@test`, '-f', privateKey]);
  const [type, data] = readFileSync(`${privateKey}.pub`, 'utf8').trim().split(/\s+/);
  return { name, privateKey, publicKey: `${type} ${data}`, keyData: data! };
}

/** ssh-keygen's own fingerprint of a key (-l), to compare with what conductor computes. */
export function fingerprintByKeygen(key: TestKey): string {
  return execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${key.privateKey}.pub`], {
    encoding: 'utf8',
  }).split(/\s+/)[1]!;
}
