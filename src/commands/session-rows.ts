import { journalIdsIn, readSessionIndex } from '../services/store/session-index.js';
import { indexRows } from './index-rows.js';

// Apart from sessions.ts: a screen lists sessions before its first frame, and sessions.ts loads the
// runbook parser (YAML and the schema), needed only to list a session the index does not know.
// The index is read without conf (session-index.ts); the store, and conf with it, only then.

// The test of the age column imports it from here.
export { age } from './index-rows.js';

/**
 * `sessionRows` for a screen: the same rows, with the session store and sessions.ts (and the
 * parser) loaded only when a journal on disk is missing from the index and must be folded to be
 * listed.
 */
export async function screenSessionRows(home: string | undefined, now = Date.now()) {
  const entries = readSessionIndex(home);
  const known = new Set(entries.map((e) => e.id));
  if (journalIdsIn(home).every((id) => known.has(id))) return indexRows(entries, now);
  const [{ sessionRows }, { SessionStore }] = await Promise.all([
    import('./sessions.js'),
    import('../services/store/session-store.js'),
  ]);
  return sessionRows(new SessionStore(home), now);
}
