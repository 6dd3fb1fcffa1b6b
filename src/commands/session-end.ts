import type { Conductor } from '../engine/conductor.js';
import { writeSessionReports } from '../services/report/index.js';
import type { SessionStore } from '../services/store/session-store.js';

/** When a session ends: the approval record and the release report, written into its folder. */
export async function writeReportsAtEnd(store: SessionStore, conductor: Conductor): Promise<string[]> {
  try {
    const { files } = await writeSessionReports(store, conductor.state.meta.sessionId, {
      now: conductor.now(),
    });
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
