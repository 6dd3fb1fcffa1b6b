import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conductorHome, sessionsDir } from './paths.js';

/**
 * The index of sessions: a cache of each session's title and status, rebuilt from the journals.
 * SessionStore writes it through conf; a screen reads it here before its first frame, without
 * loading conf and its schema tooling (ajv, about 20 ms of the home screen's first frame).
 */
export interface SessionIndexEntry {
  id: string;
  title: string;
  runbookFile: string;
  promotionId: string;
  version: string;
  status: string;
  currentStep: string;
  createdAt: number;
  updatedAt: number;
  rehearsal: boolean;
}

/** Where conf keeps the index: `<home>/config/config.json` (SessionStore's Conf options). */
export const INDEX_DIR = 'config';
export const INDEX_NAME = 'config';

export function indexFile(home: string): string {
  return join(home, INDEX_DIR, `${INDEX_NAME}.json`);
}

export const newestFirst = (entries: SessionIndexEntry[]): SessionIndexEntry[] =>
  entries.sort((a, b) => b.updatedAt - a.updatedAt);

/**
 * The index as conf last wrote it, newest first; empty when there is none yet. An index that does
 * not read is no index: the journals are the truth, and a session it misses is listed from them.
 */
export function readSessionIndex(home = conductorHome()): SessionIndexEntry[] {
  let sessions: Record<string, SessionIndexEntry> | undefined;
  try {
    sessions = (JSON.parse(readFileSync(indexFile(home), 'utf8')) as { sessions?: typeof sessions }).sessions;
  } catch {
    return [];
  }
  return newestFirst(Object.values(sessions ?? {}));
}

/** Session ids found on disk, whether or not the index knows them. */
export function journalIdsIn(home = conductorHome()): string[] {
  const dir = sessionsDir(home);
  return readdirSync(dir).filter((id) => existsSync(join(dir, id, 'journal.jsonl')));
}
