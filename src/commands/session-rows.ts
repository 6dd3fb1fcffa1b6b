import type { SessionStore } from '../services/store/session-store.js';
import { indexRows } from './index-rows.js';

// Apart from sessions.ts: a screen lists sessions before its first frame, and sessions.ts loads the
// runbook parser (YAML and the schema), needed only to list a session the index does not know.

// The test of the age column imports it from here.
export { age } from './index-rows.js';

/**
 * `sessionRows` for a screen: the same rows, with sessions.ts (and the parser) loaded only when a
 * journal on disk is missing from the index and must be folded to be listed.
 */
export async function screenSessionRows(store: SessionStore, now = Date.now()) {
  const entries = store.index();
  const known = new Set(entries.map((e) => e.id));
  if (store.journalIds().every((id) => known.has(id))) return indexRows(entries, now);
  const { sessionRows } = await import('./sessions.js');
  return sessionRows(store, now);
}
