import { render } from 'ink';
import type { ExitHow } from '../app.js';
import type { SessionView } from '../engine/session-view.js';
import { UserError } from '../errors.js';
import { type KeyContext, matchKey } from '../keys.js';
import { Root, type RootProps } from '../root.js';
import { frameLog } from '../terminal/frame-log.js';
import {
  enterAltScreen,
  installTerminalRestore,
  type TerminalRestoreOptions,
  themeSetting,
} from '../terminal/index.js';
import { type AbortKeys, type KeyThread, startKeyThread } from '../terminal/key-thread.js';
import { NO_KEY } from '../terminal/keypress.js';
import type { Parting, RemoteSession } from '../wiring/session-client.js';

/**
 * What a screen holds: a session view it can leave. A `RemoteSession` (an engine over its socket)
 * or, for `conductor watch` with no engine to ask, a `JournalSession` following the journal.
 */
export type ScreenSession = SessionView &
  Pick<RemoteSession, 'onParting' | 'disconnect'> &
  Partial<Pick<RemoteSession, 'abortChannel'>> & {
    readonly enginePid?: number;
    leave(how: 'detach' | 'quit'): Promise<void>;
  };

/** Whether a person can answer on this terminal: stdin and stdout are both a TTY. */
export function interactiveTerminal(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true;
}

/**
 * What every screen command checks before anything starts: a theme that exists, then a terminal a
 * person can answer on.
 */
export function requireTty(): void {
  const theme = themeSetting(process.env);
  if (!theme.ok) throw new UserError(theme.message, 2);
  if (!interactiveTerminal()) {
    throw new UserError(
      'conductor needs an interactive terminal (stdin and stdout must be a TTY); for scripts use `conductor sessions`, `conductor status ID` and `conductor report ID`.',
      2,
    );
  }
}

function log(line: string): void {
  try {
    process.stderr.write(`${line}\n`);
  } catch {
    // the terminal may be gone (SIGHUP): the journal has everything
  }
}

/** What the prompt says when the screen leaves a session (the id, and how to come back). */
export function leavingMessage(
  session: ScreenSession,
  how: 'detach' | 'quit' | 'signal',
): string | undefined {
  const { sessionId } = session.state.meta;
  if (session.readOnly)
    return session.enginePid === undefined
      ? `Stopped watching session ${sessionId}.`
      : `Stopped watching session ${sessionId}; its engine goes on.`;
  if (session.state.status === 'completed') return undefined;
  const rollback = session.state.rollback;
  if (rollback && rollback.completedAt === undefined)
    return `Session ${sessionId}: engine pid ${session.enginePid} finishes the rollback on its own. \`conductor watch ${sessionId}\` follows it; \`conductor report ${sessionId}\` when it is done.`;
  if (how === 'detach' || session.trafficShifted)
    return `Session ${sessionId} is guarded by conductor engine pid ${session.enginePid}: it keeps watching and may roll back, never advances. \`conductor resume ${sessionId}\` takes it back; \`conductor watch ${sessionId}\` watches.`;
  return `Session ${sessionId} left as it is; \`conductor resume ${sessionId}\` continues it.`;
}

/** What the abort keys do in this key context, by the key table itself (keys.ts). */
export function abortKeysIn(ctx: KeyContext): AbortKeys {
  return {
    x: matchKey('x', NO_KEY, ctx)?.id === 'abort',
    ctrlX: matchKey('x', { ...NO_KEY, ctrl: true }, ctx)?.id === 'abort',
  };
}

/** The key thread, or none where a worker cannot start (the screen's thread then reads the keys). */
function startKeyThreadOrNot(): KeyThread | undefined {
  try {
    return startKeyThread();
  } catch {
    return undefined;
  }
}

/**
 * The full-screen app: one screen, a client of the engine process that drives the session. The
 * screen never drives anything itself: leaving it (q, a signal, a dropped connection, a crash)
 * leaves the engine guarding the session, and the prompt comes back.
 */
export async function runInteractive(
  props: Omit<RootProps, 'onExit' | 'onSession' | 'start' | 'resume' | 'session'> & {
    start: (request: Parameters<RootProps['start']>[0]) => Promise<RemoteSession>;
    resume: (id: string) => Promise<RemoteSession>;
    initial?: ScreenSession;
  },
): Promise<number> {
  requireTty();
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  process.on('warning', () => undefined);

  let session: ScreenSession | undefined = props.initial;
  let ink: ReturnType<typeof render> | undefined;
  let finished: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    finished = resolve;
  });
  let closing = false;

  // The keyboard on a thread of its own, so the abort key never waits for a frame (key-thread.ts).
  const keyThread: KeyThread | undefined =
    process.env.CONDUCTOR_KEY_THREAD === '0' ? undefined : startKeyThreadOrNot();

  const unmountScreen = () => {
    ink?.unmount();
    ink = undefined;
    keyThread?.stop();
    restore.restore();
  };

  /** Leave the screen; the engine decides what it means for the session (see serveSession). */
  const leave = async (how: 'detach' | 'quit' | 'signal' | 'hangup', code = 0) => {
    if (closing) return;
    closing = true;
    unmountScreen();
    const s = session;
    if (s && how === 'hangup') s.disconnect();
    else if (s && how !== 'hangup') {
      const message = leavingMessage(s, how);
      await s.leave(how === 'signal' ? (s.trafficShifted ? 'detach' : 'quit') : how);
      if (message) log(message);
    }
    finished(code);
  };

  const parted = (parting: Parting) => {
    if (closing) return;
    const id = session?.state.meta.sessionId ?? '';
    closing = true;
    unmountScreen();
    if (parting.kind === 'replaced')
      log(
        `Another terminal (pid ${parting.by.pid} on ${parting.by.host}) took session ${id} over; its engine keeps driving it.`,
      );
    else if (parting.kind === 'fatal') log(`conductor: ${parting.message}`);
    else if (parting.kind === 'closed' && session?.readOnly)
      log(`Stopped watching session ${id}: ${parting.reason}.`);
    else if (session?.state.status !== 'completed')
      log(
        `The engine of session ${id} stopped (${parting.reason}); \`conductor resume ${id}\` takes the session up from its journal.`,
      );
    finished(parting.kind === 'replaced' ? 0 : 1);
  };

  const onSignal: TerminalRestoreOptions['onSignal'] = {};
  // The terminal went away: nobody can read a message; the engine guards.
  onSignal.SIGHUP = () => void leave('hangup');
  onSignal.SIGTERM = () => void leave('signal');
  onSignal.SIGINT = () => void leave('signal');
  const restore = installTerminalRestore(process.stdout, {
    onSignal,
    onUncaught: (error) => {
      log(
        `conductor's screen stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}; the session's engine keeps it.`,
      );
      void leave('hangup', 1);
    },
  });

  const onSession = (s: SessionView) => {
    session = s as ScreenSession;
    session.onParting(parted);
  };
  const onKeyContext = (ctx: KeyContext) => {
    if (!keyThread) return;
    keyThread.setChannel(session?.abortChannel?.());
    keyThread.setKeys(abortKeysIn(ctx));
  };

  enterAltScreen(process.stdout);
  const frames = frameLog();
  if (frames.onKeyThreadAbort) keyThread?.onAborted(frames.onKeyThreadAbort);
  ink = render(
    <Root
      {...props}
      session={session}
      start={async (request) => props.start(request)}
      resume={async (id) => props.resume(id)}
      onSession={onSession}
      onKeyContext={onKeyContext}
      onExit={(how: ExitHow) => void leave(how)}
    />,
    {
      exitOnCtrlC: false,
      maxFps: 15,
      patchConsole: true,
      onRender: frames.onRender,
      ...(keyThread ? { stdin: keyThread.stdin } : {}),
    },
  );
  if (session) onSession(session);
  const code = await done;
  restore.uninstall();
  setTimeout(() => process.exit(code), 50);
  return code;
}
