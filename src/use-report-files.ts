import { readdirSync } from 'node:fs';
import { useCallback, useRef, useSyncExternalStore } from 'react';
import type { SessionView } from './engine/session-view.js';
import { REPORT_FILES } from './services/report/report-files.js';

/**
 * The reports a finished session's end wrote into its folder (not its credentials, emulator data
 * or engine files); undefined while the session goes on, or when the folder cannot be read.
 */
export function reportFilesIn(dir: string): string[] | undefined {
  try {
    const present = new Set(readdirSync(dir));
    return Object.values(REPORT_FILES).filter((f) => present.has(f));
  } catch {
    return undefined;
  }
}

/**
 * The report files of the session once it has ended. The folder is read when the session is seen
 * completed (on subscribing, or when the engine tells of a change), never while a frame is drawn;
 * read again at each later word of the engine, as the end writes its files one after another.
 */
export function useReportFiles(conductor: SessionView): readonly string[] | undefined {
  const files = useRef<{ of?: SessionView; list?: readonly string[] }>({});
  const subscribe = useCallback(
    (onChange: () => void) => {
      const look = () => {
        if (conductor.state.status !== 'completed') return;
        const seen = files.current.of === conductor ? files.current.list : undefined;
        const list = reportFilesIn(conductor.dir);
        // The end writes its files one after another: each word of the engine may bring more.
        if (list?.join('\n') === seen?.join('\n')) return;
        files.current = { of: conductor, list };
        onChange();
      };
      look();
      return conductor.subscribe(look);
    },
    [conductor],
  );
  return useSyncExternalStore(subscribe, () =>
    files.current.of === conductor ? files.current.list : undefined,
  );
}
