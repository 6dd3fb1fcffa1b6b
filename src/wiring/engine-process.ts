import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Risk } from '../core/runbook/schema.js';
import { UserError } from '../errors.js';
import { readLockInfo } from '../services/lock.js';
import { diskRoomProblem } from '../services/store/disk-space.js';
import { conductorHome, engineSocketPath } from '../services/store/paths.js';
import type { SessionStore } from '../services/store/session-store.js';
import { attachSession, type RemoteSession } from './session-client.js';

/** What the engine process is asked to do: start a session, or take up an existing one. */
export type EngineSpec =
  | {
      kind: 'rehearse';
      home?: string;
      runbookFile: string;
      promotionId: string;
      scenario: string;
      speed: number;
      autopilot?: boolean;
      version?: string;
      ticket?: string;
      risk?: Risk;
      window?: { start: number; end: number };
      clockStart?: number;
      sandboxUrl?: string;
    }
  | {
      kind: 'start';
      home?: string;
      runbookFile: string;
      promotionId: string;
      version: string;
      ticket?: string;
      risk: Risk;
      window?: { start: number; end: number };
    }
  | { kind: 'resume'; home?: string; sessionId: string; autopilot?: boolean };

const LAUNCHER = fileURLToPath(new URL('../../bin/conductor.js', import.meta.url));

/** How long an engine may take to open its session (a rehearsal starts its AWS stand-in first). */
const READY_TIMEOUT_MS = 60_000;

/**
 * Start the engine of a session in a process of its own: its own session and process group, no
 * terminal, so closing or killing the screen never stops it. Resolves once it serves its socket.
 */
export function spawnEngine(
  spec: EngineSpec,
): Promise<{ sessionId: string; socketPath: string; pid: number }> {
  // A full disk refuses at once, before an engine starts that could record nothing.
  const problem = diskRoomProblem(
    join(spec.home ?? conductorHome(), 'sessions'),
    spec.kind === 'resume' ? `run \`conductor resume ${spec.sessionId}\` again` : 'start the session again',
  );
  if (problem) return Promise.reject(new UserError(problem, 1));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LAUNCHER, '__engine', JSON.stringify(spec)], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let out = '';
    let err = '';
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.unref();
      fn();
    };
    const timer = setTimeout(
      () => settle(() => reject(new UserError('The session engine did not start within a minute.', 1))),
      READY_TIMEOUT_MS,
    );
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      err = (err + chunk).slice(-4_000);
    });
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline < 0) return;
      const line = out.slice(0, newline);
      if (line.startsWith('ready ')) {
        const [, sessionId, socketPath] = line.split(' ');
        settle(() => resolve({ sessionId, socketPath, pid: child.pid ?? 0 }));
      } else if (line.startsWith('error ')) {
        const { message, exitCode } = JSON.parse(line.slice('error '.length)) as {
          message: string;
          exitCode: number;
        };
        settle(() => reject(new UserError(message, exitCode)));
      }
    });
    child.on('exit', (code) =>
      settle(() =>
        reject(
          new UserError(
            `The session engine stopped before it was ready (exit ${code})${err.trim() ? `: ${err.trim().split('\n').at(-1)}` : '.'}`,
            1,
          ),
        ),
      ),
    );
  });
}

/** The socket of the engine that drives session `id` now, if one is running. */
export function runningEngine(store: SessionStore, id: string): string | undefined {
  const dir = store.dir(id);
  const lock = readLockInfo(dir);
  // A lock that names a dead process means no engine; a missing lock (deleted by hand) does not
  // prove there is none: its socket is asked before anyone starts a second engine.
  if (lock && !lock.alive) return undefined;
  const socketPath = engineSocketPath(dir);
  return existsSync(socketPath) ? socketPath : undefined;
}

/**
 * A screen on session `id`: attached to its running engine, or to a new engine that takes the
 * session up from its journal (`resume`). `autopilot` true or false takes a rehearsal's autopilot
 * up or over by hand; undefined keeps the session's (journaled) mode.
 */
export async function attachOrResume(
  store: SessionStore,
  id: string,
  options: { home?: string; autopilot?: boolean } = {},
): Promise<RemoteSession> {
  const running = runningEngine(store, id);
  if (running) {
    try {
      return await attachSession(running, 'driver', { autopilot: options.autopilot });
    } catch {
      // Its socket does not answer: the engine is stuck or gone; a new one takes the lock over.
    }
  }
  const engine = await spawnEngine({
    kind: 'resume',
    home: options.home,
    sessionId: id,
    autopilot: options.autopilot,
  });
  return attachSession(engine.socketPath, 'driver', { autopilot: options.autopilot });
}
