import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { compactToken, holdsToken } from '../core/approvals/token.js';
import type { FormModel } from './form.js';

/**
 * The approval form's signed token (issue 16.1): a first field for the token `conductor approve`
 * printed on the approver's machine, or the path of the file it was saved to.
 */

export const TOKEN_FIELD = 'token';

/**
 * The approval form with a token field first, when a role still waiting lists signers. The typed
 * fields stay for the roles without signers; the engine says which are missing.
 */
export function withTokenField(form: FormModel, signedRoles: readonly string[]): FormModel {
  if (signedRoles.length === 0) return form;
  return {
    ...form,
    lines: [
      ...(form.lines ?? []),
      `${signedRoles.join(', ')} must sign: paste the token from \`conductor approve\` (or the path of its file) and press enter. A role without signers is typed below instead.`,
    ],
    fields: [
      {
        id: TOKEN_FIELD,
        label: 'signed token',
        value: '',
        hint: 'paste the token, or the path of its file',
      },
      ...form.fields.map((field) => ({ ...field, required: false })),
    ],
    focus: 0,
  };
}

/** A paste that holds a token goes to the token field, whichever field has the focus. */
export function pasteToken(form: FormModel, paste: string): FormModel | undefined {
  if (form.purpose.type !== 'approval' || !holdsToken(paste)) return undefined;
  const at = form.fields.findIndex((f) => f.id === TOKEN_FIELD);
  if (at < 0) return undefined;
  return {
    ...form,
    focus: at,
    error: undefined,
    fields: form.fields.map((f, i) => (i === at ? { ...f, value: compactToken(paste) } : f)),
  };
}

/** What the engine is given for the token field: the token itself, or the absolute path of its file. */
export function signedApprovalInput(value: string, cwd: string): { token: string } | { file: string } {
  if (holdsToken(value)) return { token: compactToken(value) };
  const path = value.trim().replace(/^~(?=\/|$)/, homedir());
  return { file: resolve(cwd, path) };
}
