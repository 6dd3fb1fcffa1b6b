import { closeSync, existsSync, fsyncSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { diskFailureCode } from './journal.js';

/**
 * A session needs room on its disk: every event is a fsynced line, every command leaves a log.
 * Below this much free space a session is not started or resumed.
 */
export const MIN_FREE_BYTES = 1024 * 1024;

/** What the probe writes and removes: more than a journal line, so a disk "almost full" shows. */
const PROBE_BYTES = 64 * 1024;

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${Math.floor(bytes / 1024)} KiB`;
}

/**
 * Why a session cannot be recorded under `dir` (the sessions folder, or the home when it is not
 * made yet): a full disk (free space below MIN_FREE_BYTES, or a small fsynced write refused), a
 * read-only one, a failing one. One sentence ending with `then`; undefined when there is room.
 * Reads and a probe file only: nothing of a session is created or changed.
 */
export function diskRoomProblem(dir: string, then: string): string | undefined {
  let where = dir;
  while (!existsSync(where) && join(where, '..') !== where) where = join(where, '..');
  try {
    const stats = statfsSync(where);
    const free = Number(stats.bavail) * Number(stats.bsize);
    if (free < MIN_FREE_BYTES)
      return `The disk holding ${where} is full (${formatBytes(free)} free, at least ${formatBytes(MIN_FREE_BYTES)} needed): the session could not be recorded; free space and ${then}.`;
  } catch {
    // statfs is not everywhere: the probe below still says
  }
  const probe = join(where, `.conductor-space-check-${process.pid}`);
  let fd: number | undefined;
  try {
    fd = openSync(probe, 'w', 0o600);
    writeSync(fd, Buffer.alloc(PROBE_BYTES));
    fsyncSync(fd);
    return undefined;
  } catch (error) {
    const code = diskFailureCode(error);
    if (code === 'ENOSPC' || code === 'EDQUOT')
      return `The disk holding ${where} is full: the session could not be recorded; free space and ${then}.`;
    if (code === 'EROFS')
      return `The disk holding ${where} is read-only: the session could not be recorded; make it writable and ${then}.`;
    if (code)
      return `The disk holding ${where} failed a test write (${code}): the session could not be recorded; check the disk and ${then}.`;
    // Anything else (permissions, say) is not about room: the engine's own error says it better.
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
    rmSync(probe, { force: true });
  }
}
