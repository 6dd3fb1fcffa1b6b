import type { SessionStore } from '../services/store/session-store.js';

// The rows of the session index, light enough for a screen's first frame. Both the screen's list
// (session-rows.ts) and the full one (sessions.ts) build on it, so neither imports the other back.

type IndexEntry = ReturnType<SessionStore['index']>[number];

export function age(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours}h ago` : `${Math.round(hours / 24)}d ago`;
}

/** Sessions of the index, newest first, each with its age. */
export function indexRows(entries: Iterable<IndexEntry>, now: number) {
  return [...entries]
    .sort((a, b) => b.updatedAt - a.updatedAt)
    .map((e) => ({ ...e, age: age(now - e.updatedAt) }));
}
