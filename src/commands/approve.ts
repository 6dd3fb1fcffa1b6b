import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gateForRole } from '../core/approvals/gate-for-role.js';
import type { AllowedSigner } from '../core/approvals/signers.js';
import type { ApprovalClaims } from '../core/approvals/token.js';
import { formatDuration, parseDuration } from '../core/runbook/duration.js';
import { formatProblem, parseRunbook } from '../core/runbook/parse.js';
import type { Runbook } from '../core/runbook/schema.js';
import { findPromotion, stepEnvironment } from '../core/session/selectors.js';
import { UserError } from '../errors.js';
import { roleSigners, SignersFileError } from '../services/approvals/role-signers.js';
import { SigningError, signApproval } from '../services/approvals/ssh-signature.js';
import { conductorHome } from '../services/store/paths.js';
import { SessionStore, userName } from '../services/store/session-store.js';
import { printErr, printOut } from './print.js';
import { loadSessionState } from './sessions.js';

export interface ApproveCommandOptions {
  role: string;
  comment?: string;
  ref?: string;
  /** A private key file, or a public key whose private half the ssh-agent holds. */
  key?: string;
  /** Facts for a session whose folder is not on this machine: the version promoted, the gate's environment. */
  release?: string;
  env?: string;
  runbook?: string;
  /** The approver's name in the runbook's signers (default: the one whose key signs, else the login). */
  name?: string;
  validFor?: string;
  home?: string;
}

/** What the token claims besides the approver's own words, and what the runbook says about the role. */
interface ApprovalFacts {
  version: string;
  env: string;
  runbook?: { runbook: Runbook; file: string };
  validForMs?: number;
  where: string;
}

const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function sessionOnThisMachine(id: string, home: string | undefined): boolean {
  return existsSync(join(home ?? conductorHome(), 'sessions', id, 'journal.jsonl'));
}

function readRunbook(file: string): { runbook: Runbook; file: string } {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UserError(`${file}: no such runbook file.`);
  }
  const parsed = parseRunbook(text, file);
  if (!parsed.ok) throw new UserError(parsed.problems.map(formatProblem).join('\n'));
  return { runbook: parsed.runbook, file: path };
}

/** The facts from the session's journal when its folder is here; --release/--env must agree with them. */
function factsFromSession(id: string, options: ApproveCommandOptions): ApprovalFacts {
  const store = new SessionStore(options.home);
  const { state } = loadSessionState(store, id);
  const loaded = readRunbook(state.meta.runbookFile);
  const promotion = findPromotion(loaded.runbook, state.meta.promotionId);
  if (!promotion)
    throw new UserError(`${state.meta.runbookFile} no longer has promotion ${state.meta.promotionId}.`);
  checkRole(loaded.runbook, options.role, state.meta.runbookFile);
  const gate = gateForRole(promotion, state, options.role);
  if (!gate) throw new UserError(`No approval gate of session ${id} asks for role ${options.role}.`);
  const env = stepEnvironment(loaded.runbook, promotion, gate.id).id;
  if (options.release !== undefined && options.release !== state.meta.version)
    throw new UserError(
      `Session ${id} promotes ${state.meta.version}, not ${options.release}; check --release.`,
    );
  if (options.env !== undefined && options.env !== env)
    throw new UserError(
      `The ${gate.title} gate of session ${id} is in ${env}, not ${options.env}; check --env.`,
    );
  return {
    version: state.meta.version,
    env,
    runbook: loaded,
    validForMs: gate.expiry,
    where: 'its journal here',
  };
}

function checkRole(runbook: Runbook, role: string, file: string): void {
  if (!runbook.roles.some((r) => r.id === role))
    throw new UserError(
      `${file} has no role "${role}": use one of ${runbook.roles.map((r) => r.id).join(', ')}.`,
    );
}

function factsFromOptions(id: string, options: ApproveCommandOptions): ApprovalFacts {
  if (!options.release || !options.env)
    throw new UserError(
      `Session ${id} is not on this machine: give --release and --env as the conductor tells you (e.g. --release v2026.11.29.1 --env prod).`,
    );
  const runbook = options.runbook ? readRunbook(options.runbook) : undefined;
  if (runbook) {
    checkRole(runbook.runbook, options.role, options.runbook!);
    if (!runbook.runbook.environments.some((e) => e.id === options.env))
      throw new UserError(`${options.runbook} has no environment "${options.env}"; check --env.`);
  }
  return { version: options.release, env: options.env, runbook, where: 'the options given' };
}

/** The approver's public key, when it can be read without the passphrase (KEY.pub, or KEY is one). */
function publicKeyData(keyFile: string | undefined): string | undefined {
  if (!keyFile) return undefined;
  for (const file of keyFile.endsWith('.pub') ? [keyFile] : [`${keyFile}.pub`]) {
    try {
      return readFileSync(file, 'utf8').trim().split(/\s+/)[1];
    } catch {
      // no public half beside it: the runbook's check happens in the conductor's engine instead
    }
  }
  return undefined;
}

function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * `conductor approve SESSION --role ROLE`: run by the approver on their own machine. Prints a
 * token (one line, stdout) signing the session id, version, environment, role, approver, time and
 * expiry with their SSH key, for the conductor to paste into the approval screen.
 */
export async function approveCommand(id: string, options: ApproveCommandOptions): Promise<number> {
  if (!SESSION_ID.test(id))
    throw new UserError(`"${id}" is not a session id (they look like 20261129-150000-1cd7).`);
  const comment = options.comment?.trim() ?? '';
  if (comment === '')
    throw new UserError(
      'Give your comment with --comment (e.g. "Performance baseline met, ready for PROD"); an approval without one is not recorded.',
    );
  let validForMs: number | undefined;
  if (options.validFor !== undefined) {
    validForMs = parseDuration(options.validFor);
    if (validForMs === undefined || validForMs <= 0)
      throw new UserError(`--valid-for "${options.validFor}" is not a duration (write e.g. 2h, 48h).`);
  }
  const facts = sessionOnThisMachine(id, options.home)
    ? factsFromSession(id, options)
    : factsFromOptions(id, options);

  let signers: AllowedSigner[] | undefined;
  if (facts.runbook) {
    try {
      signers = roleSigners(facts.runbook.runbook, facts.runbook.file, options.role);
    } catch (error) {
      if (error instanceof SignersFileError) throw new UserError(error.message);
      throw error;
    }
  }
  const keyData = publicKeyData(options.key);
  const owner = keyData ? signers?.find((s) => s.keyData === keyData) : undefined;
  if (signers && keyData && !owner)
    throw new UserError(
      `Your key ${options.key} is not among the runbook's signers for role ${options.role}; the conductor would refuse this token.`,
    );
  const approver = options.name ?? owner?.name.split(',')[0] ?? userName();

  const at = Date.now();
  const expires = at + (validForMs ?? facts.validForMs ?? 24 * 3_600_000);
  const claims: ApprovalClaims = {
    v: 1,
    session: id,
    version: facts.version,
    env: facts.env,
    role: options.role,
    approver,
    comment,
    ...(options.ref?.trim() ? { reference: options.ref.trim() } : {}),
    at: new Date(at).toISOString(),
    expires: new Date(expires).toISOString(),
  };
  let token: string;
  try {
    token = await signApproval(claims, { keyFile: options.key, prefer: signers });
  } catch (error) {
    if (error instanceof SigningError) throw new UserError(error.message);
    throw error;
  }
  printOut(`${token}\n`);
  printErr(
    `Approval of ${facts.version} in ${facts.env} as ${options.role} by ${approver} for session ${id} (facts from ${facts.where}), valid until ${utc(expires)} (${formatDuration(expires - at)}).\nGive the line above to the conductor: they paste it (or the path of a file holding it) into the approval screen.\n`,
  );
  return 0;
}
