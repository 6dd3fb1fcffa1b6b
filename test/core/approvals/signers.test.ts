import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  allowedSignersText,
  parseAllowedSigners,
  publicKeyProblem,
} from '../../../src/core/approvals/signers.js';
import { formatProblem, parseRunbook } from '../../../src/core/runbook/parse.js';
import { makeKey } from '../../support/ssh-keys.js';

const alice = makeKey('alice');
const [type, data] = alice.publicKey.split(' ') as [string, string];

describe('runbook signers', () => {
  it('accepts a key as ssh-keygen prints it and names a cut-short or mistyped one', () => {
    expect(publicKeyProblem(type, data)).toBeUndefined();
    expect(publicKeyProblem(type, data.slice(0, 40))).toMatch(
      /^the ssh-ed25519 key data is not a whole ssh-ed25519 key/,
    );
    expect(publicKeyProblem('ssh-rsa', data)).toMatch(/^the ssh-rsa key data is not a whole ssh-rsa key/);
    expect(publicKeyProblem('ed25519', data)).toMatch(/^"ed25519" is not an SSH public key type/);
  });

  it('reads an allowed_signers file, options kept, and names each bad line by number', () => {
    const text = `# tech leads\n\nalice ${alice.publicKey} alice@laptop\nbob namespaces="conductor-approval" ${type} ${data.slice(0, 30)}\ncarol\n`;
    const { signers, problems } = parseAllowedSigners(text);
    expect(signers).toEqual([{ name: 'alice', options: undefined, keyType: type, keyData: data }]);
    expect(problems.map((p) => p.line)).toEqual([4, 5]);
    expect(allowedSignersText(signers)).toBe(`alice ${type} ${data}\n`);
    const withOptions = parseAllowedSigners(`bob namespaces="conductor-approval" ${alice.publicKey}\n`);
    expect(withOptions.signers[0]?.options).toBe('namespaces="conductor-approval"');
  });

  it('points validation at the bad key of a role, file:line:col', () => {
    const seed = readFileSync('test/fixtures/runbooks/good/minimal.yaml', 'utf8');
    const text = seed.replace(
      '    title: Tech Lead\n',
      `    title: Tech Lead\n    signers:\n      - { name: alice, key: "${alice.publicKey}" }\n      - { name: bob, key: "${type} ${data.slice(0, 24)}" }\n`,
    );
    const result = parseRunbook(text, 'signed.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map(formatProblem)).toEqual([
      'signed.yaml:10:27: roles[0].signers[1].key: the ssh-ed25519 key data is not a whole ssh-ed25519 key (cut short, or pasted from another key)',
    ]);
    const good = parseRunbook(text.replace(/\n {6}- \{ name: bob.*\n/, '\n'), 'signed.yaml');
    expect(good.ok).toBe(true);
  });
});
