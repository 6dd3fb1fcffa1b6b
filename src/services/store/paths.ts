import { chmodSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where conductor keeps sessions: $CONDUCTOR_HOME, else $XDG_STATE_HOME/conductor, else ~/.local/state/conductor. */
export function conductorHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CONDUCTOR_HOME) return env.CONDUCTOR_HOME;
  const state = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'conductor');
}

/**
 * A folder private to the user: created 0700 when missing. A folder that already exists keeps its
 * mode: it may be one the user pointed us at (CONDUCTOR_HOME=/srv/shared, a 1777 folder) and
 * is not ours to lock down.
 */
export function privateDir(path: string): string {
  const created = mkdirSync(path, { recursive: true, mode: 0o700 });
  // The mode given to mkdir is cut by the umask; set it exactly on what we made.
  if (created !== undefined) chmodSync(path, 0o700);
  return path;
}

/** A folder that is conductor's own (sessions/, a session's, config/): 0700 whether new or not. */
export function ownPrivateDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
  return path;
}

export function sessionsDir(home = conductorHome()): string {
  return ownPrivateDir(join(privateDir(home), 'sessions'));
}

export function sessionDir(id: string, home = conductorHome()): string {
  return ownPrivateDir(join(sessionsDir(home), id));
}

/**
 * The engine's socket for the session in `dir`. A Unix socket path must fit in 108 bytes: a deep
 * home gets a private folder under the system's temporary folder instead, named by the session.
 */
export function engineSocketPath(dir: string, tmp = '/tmp'): string {
  const inside = join(dir, 'engine.sock');
  if (Buffer.byteLength(inside) < 100) return inside;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const base = dir.split('/').filter(Boolean).at(-1) ?? 'session';
  return join(ownPrivateDir(join(tmp, `conductor-${uid}`)), `${base}.sock`);
}
