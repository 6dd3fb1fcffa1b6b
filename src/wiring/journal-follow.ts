import { type StatWatcher, unwatchFile, watchFile } from 'node:fs';
import type { SessionEvent } from '../core/session/events.js';
import { type JournalRead, readJournal } from '../services/store/journal.js';

export interface JournalFollower {
  stop(): void;
}

/**
 * Follows a session's journal as it grows, from another process: no lock, no socket, no AWS call.
 * The file is polled (its size and mtime: this works on any filesystem, a shared one included) and
 * read again when it changed; the chain is verified on every read, as everywhere else, and only
 * the events after those already delivered are handed on. A chain that breaks is reported once.
 */
export function followJournal(
  file: string,
  handlers: {
    /** The events appended since the last call (all of them the first time). */
    onEvents: (events: SessionEvent[], read: JournalRead) => void;
    /** The journal does not verify any more (the text says where and why). */
    onBroken?: (read: JournalRead) => void;
  },
  options: { intervalMs?: number; from?: number } = {},
): JournalFollower {
  let delivered = options.from ?? 0;
  let brokenSaid = false;
  const read = () => {
    let journal: JournalRead;
    try {
      journal = readJournal(file);
    } catch {
      return; // gone for a moment (a repair renames it): the next poll sees it again
    }
    if (journal.broken) {
      if (!brokenSaid) handlers.onBroken?.(journal);
      brokenSaid = true;
      return;
    }
    if (journal.events.length > delivered) {
      const fresh = journal.events.slice(delivered);
      delivered = journal.events.length;
      handlers.onEvents(fresh, journal);
    }
  };
  read();
  const listener = () => read();
  const watcher: StatWatcher = watchFile(
    file,
    { interval: options.intervalMs ?? 500, persistent: true },
    listener,
  );
  return {
    stop() {
      watcher.removeAllListeners();
      unwatchFile(file, listener);
    },
  };
}
