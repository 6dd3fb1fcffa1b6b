import type { Conductor } from '../engine/conductor.js';
import type { SessionStore } from '../services/store/session-store.js';

/** When a session ends: the approval record and the release report, written into its folder. */
export async function writeReportsAtEnd(store: SessionStore, conductor: Conductor): Promise<string[]> {
  try {
    const reportModule = '../services/report/index.js';
    const module = (await import(reportModule)) as {
      writeSessionReports?: (store: SessionStore, id: string) => Promise<{ files: string[] }>;
    };
    if (!module.writeSessionReports) return [];
    const { files } = await module.writeSessionReports(store, conductor.state.meta.sessionId);
    return files;
  } catch (error) {
    conductor.dispatch({
      type: 'warning',
      at: conductor.now(),
      message: `The release report could not be written: ${error instanceof Error ? error.message : String(error)}`,
    });
    return [];
  }
}
