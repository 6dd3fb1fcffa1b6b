import { closeSync, fchmodSync, openSync, readSync, rmSync } from 'node:fs';

/**
 * Where a command's stdout and stderr go: two files beside its log, which the command writes
 * directly (they are its fds, not pipes held by the engine). An engine that dies leaves the command
 * writing on unharmed (a pipe with no reader would kill it with SIGPIPE on its next line) and its
 * output on disk; a live engine follows the files as they grow.
 */
export interface OutputCapture {
  /** Write ends for the child's stdout and stderr. */
  fds: { stdout: number; stderr: number };
  /** Close this process's write ends once the child holds its own. */
  closeWriters(): void;
  follow(stream: 'stdout' | 'stderr', on: FollowHandlers): Follower;
  /** Remove both files (their text is in the log by then). */
  remove(): void;
}

export interface FollowHandlers {
  data(chunk: Buffer): void;
  end(): void;
}

export interface Follower {
  /** Read what is left to the end of the file, then stop following. */
  drain(): Promise<void>;
}

/** How often a growing file is read while the command runs: the screen's lines arrive this fresh. */
const FOLLOW_MS = 20;
const CHUNK_BYTES = 64 * 1024;
/** Chunks read per turn of the event loop: a flood of output never holds the engine (the abort key) up. */
const CHUNKS_PER_TURN = 16;

export function openCapture(logFile: string): OutputCapture {
  const paths = { stdout: `${logFile}.stdout`, stderr: `${logFile}.stderr` };
  const open = (path: string) => {
    const fd = openSync(path, 'w', 0o600);
    fchmodSync(fd, 0o600); // the umask may have cut the mode; the output may hold what only its operator may read
    return fd;
  };
  const fds = { stdout: open(paths.stdout), stderr: open(paths.stderr) };
  let writersOpen = true;
  return {
    fds,
    closeWriters() {
      if (!writersOpen) return;
      writersOpen = false;
      closeSync(fds.stdout);
      closeSync(fds.stderr);
    },
    follow: (stream, on) => followFile(paths[stream], on),
    remove() {
      this.closeWriters();
      rmSync(paths.stdout, { force: true });
      rmSync(paths.stderr, { force: true });
    },
  };
}

function followFile(path: string, on: FollowHandlers): Follower {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let position = 0;
  let done = false;
  /** Reads up to `limit` chunks; true when the end of what is written now was reached. */
  const readSome = (limit: number): boolean => {
    for (let i = 0; i < limit; i++) {
      const bytes = readSync(fd, buffer, 0, CHUNK_BYTES, position);
      if (bytes === 0) return true;
      position += bytes;
      on.data(Buffer.from(buffer.subarray(0, bytes)));
    }
    return false;
  };
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    if (done) return;
    const caughtUp = readSome(CHUNKS_PER_TURN);
    timer = setTimeout(tick, caughtUp ? FOLLOW_MS : 0);
  };
  timer = setTimeout(tick, FOLLOW_MS);
  return {
    async drain() {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      while (!readSome(CHUNKS_PER_TURN)) await new Promise((resolve) => setImmediate(resolve));
      closeSync(fd);
      on.end();
    },
  };
}
