import type { Runbook } from '../runbook/schema.js';

/**
 * Whether a role lists signers: then only an approval signed by one of them counts, and a typed
 * one is refused. A role without signers keeps the typed approval, recorded by the conductor.
 */
export function roleListsSigners(runbook: Runbook, roleId: string): boolean {
  return runbook.roles.find((r) => r.id === roleId)?.signers !== undefined;
}
