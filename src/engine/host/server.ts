import { randomBytes } from 'node:crypto';
import { chmodSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { SessionEvent } from '../../core/session/events.js';
import type { Conductor } from '../conductor.js';
import { SESSION_ACTIONS, type SessionAction } from '../session-view.js';
import {
  ABORT_LINE,
  abortLineWith,
  type ClientMessage,
  type ClientRole,
  type EngineMessage,
  encode,
  type LiveFacts,
  lineReader,
} from './protocol.js';

interface Client {
  socket: Socket;
  role?: ClientRole;
  pid?: number;
  host?: string;
  left?: 'detach' | 'quit';
  /** A driver's: the token its key thread's abort line must carry. */
  abortToken?: string;
}

export interface SessionServerOptions {
  conductor: Conductor;
  socketPath: string;
  runbookText: string;
  /** The session ended, or a screen quit with nothing shifted: the host closes and exits. */
  onFinished: (why: 'quit' | 'completed') => void;
}

export interface SessionServer {
  server: Server;
  /** Screens attached now, by role. */
  clients(): { drivers: number; watchers: number };
  /** Tell every screen the engine cannot go on, in one sentence (they show it and exit). */
  fatal(message: string): void;
  close(): Promise<void>;
}

/** Live facts change often (a command's output): coalesced to one message per this many ms. */
const LIVE_COALESCE_MS = 40;

function liveOf(c: Conductor): LiveFacts {
  return {
    waiting: c.waiting,
    liveOutput: c.liveOutput.slice(-200),
    lastPollAt: c.lastPollAt,
    lastSavedAt: c.lastSavedAt,
    mode: c.mode,
  };
}

/**
 * Serves one session to its screens. A driver is the conductor's seat (one at a time: a new one
 * replaces the old, which is told to leave); watchers only read. With no driver the engine guards
 * alone: it keeps polling and may roll back, never advances.
 */
export function serveSession(options: SessionServerOptions): Promise<SessionServer> {
  const { conductor } = options;
  const clients = new Set<Client>();
  let driver: Client | undefined;
  /** The screen quit with nothing shifted: the engine ends, it does not guard. */
  let quitting = false;
  /** The engine is shutting down: screens leaving now change nothing. */
  let closed = false;
  let liveTimer: NodeJS.Timeout | undefined;

  /**
   * Events dispatched in one go (a re-applied split and the drift it resolves) reach the screens in
   * one write, so no frame ever shows one without the other; flushed before the next task.
   */
  let pending = '';
  const flush = () => {
    if (pending === '') return;
    const lines = pending;
    pending = '';
    for (const client of clients) if (client.role && !client.socket.destroyed) client.socket.write(lines);
  };
  const broadcast = (message: EngineMessage) => {
    if (pending === '') queueMicrotask(flush);
    pending += encode(message);
  };
  const send = (client: Client, message: EngineMessage) => {
    flush(); // an answer never overtakes the events it follows
    if (!client.socket.destroyed) client.socket.write(encode(message));
  };

  conductor.subscribeEvents((event: SessionEvent) => broadcast({ t: 'event', event }));
  conductor.subscribe(() => {
    liveTimer ??= setTimeout(() => {
      liveTimer = undefined;
      broadcast({ t: 'live', live: liveOf(conductor) });
    }, LIVE_COALESCE_MS);
  });

  const becomeGuardIfAlone = () => {
    if (driver || quitting || closed || conductor.state.status === 'completed') return;
    if (conductor.mode !== 'guard') conductor.becomeGuard();
  };

  const onHello = (client: Client, message: Extract<ClientMessage, { t: 'hello' }>) => {
    client.pid = message.pid;
    client.host = message.host;
    if (message.role === 'driver') {
      if (driver && driver !== client) {
        send(driver, { t: 'replaced', by: { pid: message.pid, host: message.host } });
        driver.socket.end();
      }
      driver = client;
      // What this driver's key thread proves itself with (abortLineWith).
      client.abortToken = randomBytes(16).toString('hex');
      if (conductor.state.status !== 'completed') {
        conductor.dispatch({
          type: 'session.attached',
          at: conductor.now(),
          pid: message.pid,
          host: message.host,
          user: message.user,
        });
        // Before the seat is taken, so the autopilot never answers for a person who took over.
        if (typeof message.autopilot === 'boolean') conductor.setAutopilot(message.autopilot, message.user);
        conductor.attachDriver();
      }
    }
    // The welcome carries every event so far (read back from the journal); only later events are
    // sent one by one, so the role is set after it.
    send(client, {
      t: 'welcome',
      sessionId: conductor.state.meta.sessionId,
      dir: conductor.dir,
      runbookText: options.runbookText,
      runbookFile: conductor.options.runbookFile,
      promotionId: conductor.promotion.id,
      events: conductor.journalEvents(),
      live: liveOf(conductor),
      clock: { at: conductor.now(), wall: Date.now(), speed: conductor.clock.speed },
      enginePid: process.pid,
      ...(client.abortToken !== undefined ? { abortToken: client.abortToken } : {}),
    });
    client.role = message.role;
  };

  const onCall = async (client: Client, message: Extract<ClientMessage, { t: 'call' }>) => {
    if (client !== driver) {
      send(client, { t: 'result', id: message.id, error: 'This screen only watches the session.' });
      return;
    }
    if (!SESSION_ACTIONS.includes(message.method as SessionAction)) {
      send(client, { t: 'result', id: message.id, error: `Unknown action ${message.method}.` });
      return;
    }
    try {
      const method = conductor[message.method] as (...args: unknown[]) => unknown;
      const value = await method.apply(conductor, message.args);
      send(client, { t: 'result', id: message.id, value: typeof value === 'string' ? value : undefined });
    } catch (error) {
      send(client, {
        t: 'result',
        id: message.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };

  const onLine = (client: Client, line: string) => {
    // The abort path: before any parsing, and only for the conductor's seat.
    if (line === ABORT_LINE) {
      if (client === driver) conductor.abort();
      return;
    }
    // The driver's key thread, on its own connection: the token proves it is the driver's.
    if (line.startsWith(`${ABORT_LINE} `)) {
      if (driver?.abortToken !== undefined && line === abortLineWith(driver.abortToken)) conductor.abort();
      return;
    }
    let message: ClientMessage;
    try {
      message = JSON.parse(line) as ClientMessage;
    } catch {
      return;
    }
    if (message.t === 'hello') onHello(client, message);
    else if (message.t === 'call') void onCall(client, message);
    else if (message.t === 'leave' && client === driver) {
      client.left = message.how;
      // A rollback under way is finished by the engine whatever the screen says (it guards).
      const rollingBack =
        conductor.state.rollback !== undefined && conductor.state.rollback.completedAt === undefined;
      if (message.how === 'quit' && !conductor.trafficShifted && !rollingBack) {
        quitting = true;
        if (conductor.state.status !== 'completed') conductor.detach();
        options.onFinished('quit');
      }
    }
  };

  const server = createServer((socket) => {
    const client: Client = { socket };
    clients.add(client);
    socket.setNoDelay(true);
    socket.on(
      'data',
      lineReader((line) => onLine(client, line)),
    );
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clients.delete(client);
      if (client === driver) {
        driver = undefined;
        becomeGuardIfAlone();
      }
    });
  });

  return new Promise((resolve, reject) => {
    rmSync(options.socketPath, { force: true });
    server.once('error', reject);
    server.listen(options.socketPath, () => {
      server.off('error', reject);
      // Only the user may talk to the engine: the socket is 0600 (its folder is 0700 too).
      chmodSync(options.socketPath, 0o600);
      const mine = statSync(options.socketPath).ino;
      // Removed on close only while it is still this engine's (a successor may have bound the path).
      const removeIfMine = () => {
        try {
          if (statSync(options.socketPath).ino === mine) rmSync(options.socketPath, { force: true });
        } catch {
          // already gone
        }
      };
      resolve({
        server,
        fatal: (message) => {
          broadcast({ t: 'fatal', message });
          flush();
        },
        clients: () => {
          let drivers = 0;
          let watchers = 0;
          for (const c of clients) {
            if (c.role === 'driver') drivers++;
            if (c.role === 'watcher') watchers++;
          }
          return { drivers, watchers };
        },
        close: () =>
          new Promise<void>((done) => {
            closed = true;
            if (liveTimer) clearTimeout(liveTimer);
            for (const c of clients) {
              send(c, { t: 'bye', reason: 'the engine stopped' });
              c.socket.end();
            }
            server.close(() => done());
            removeIfMine();
          }),
      });
    });
  });
}
