import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type AllowedSigner, parseAllowedSigners, signerFromKey } from '../../core/approvals/signers.js';
import type { Role, Runbook } from '../../core/runbook/schema.js';

/**
 * The signers of a runbook's roles: listed inline, or read from an allowed_signers file named
 * relative to the runbook (read each time, so a key removed from the file stops counting).
 */

export class SignersFileError extends Error {}

function signersFilePath(runbookFile: string, path: string): string {
  return resolve(dirname(runbookFile), path);
}

/** Read a role's allowed_signers file; throws SignersFileError with file:line of the first bad line. */
function readSignersFile(runbookFile: string, role: Role, path: string): AllowedSigner[] {
  const file = signersFilePath(runbookFile, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new SignersFileError(
      `${file}: the signers file of role ${role.id} cannot be read; fix the path (relative to the runbook) or list the signers inline.`,
    );
  }
  const { signers, problems } = parseAllowedSigners(text);
  const first = problems[0];
  if (first) throw new SignersFileError(`${file}:${first.line}: ${first.message}.`);
  if (signers.length === 0)
    throw new SignersFileError(
      `${file}: the signers file of role ${role.id} lists nobody; add a signer line.`,
    );
  return signers;
}

/** The signers of `roleId`; undefined when the role lists none (typed approvals stay allowed). */
export function roleSigners(
  runbook: Runbook,
  runbookFile: string,
  roleId: string,
): AllowedSigner[] | undefined {
  const role = runbook.roles.find((r) => r.id === roleId);
  if (!role?.signers) return undefined;
  if (typeof role.signers === 'string') return readSignersFile(runbookFile, role, role.signers);
  return role.signers.flatMap((s) => {
    const signer = signerFromKey(s.name, s.key);
    return 'problem' in signer ? [] : [signer];
  });
}

/** Every signers file the runbook names, checked: one sentence (file:line) per problem. */
export function signersFileProblems(runbook: Runbook, runbookFile: string): string[] {
  const problems: string[] = [];
  for (const role of runbook.roles) {
    if (typeof role.signers !== 'string') continue;
    try {
      readSignersFile(runbookFile, role, role.signers);
    } catch (error) {
      if (!(error instanceof SignersFileError)) throw error;
      problems.push(error.message);
    }
  }
  return problems;
}
