import { render } from 'ink';
import type { ExitHow } from '../app.js';
import type { Conductor } from '../engine/conductor.js';
import { UserError } from '../errors.js';
import { Root, type RootProps } from '../root.js';
import { HANDOVER_SIGNAL } from '../services/lock.js';
import { enterAltScreen, installTerminalRestore, type TerminalRestoreOptions } from '../terminal/index.js';

/** What owns a session's resources (sandbox, lock, journal) and closes them. */
export interface SessionHandle {
  conductor: Conductor;
  close(): Promise<void>;
}

export function requireTty(): void {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
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

/**
 * Run the full-screen app until the person leaves. The process may outlive the screen: on
 * SIGHUP (the SSH connection dropped) or a chosen detach it keeps guarding the session
 * headless, until the session ends or another conductor takes it over.
 */
export async function runInteractive(
  props: Omit<RootProps, 'onExit' | 'onConductor' | 'start' | 'resume'> & {
    start: (request: Parameters<RootProps['start']>[0]) => Promise<SessionHandle>;
    resume: (id: string) => Promise<SessionHandle>;
    initial?: SessionHandle;
    onSessionEnd?: (conductor: Conductor) => Promise<string[]>;
  },
): Promise<number> {
  requireTty();
  // Writes to a terminal that went away must not crash the guard.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  process.on('warning', () => undefined);

  let handle: SessionHandle | undefined = props.initial;
  let ink: ReturnType<typeof render> | undefined;
  let finished: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    finished = resolve;
  });
  let closing = false;

  const unmountScreen = () => {
    ink?.unmount();
    ink = undefined;
    restore.restore();
  };

  const shutdown = async (code: number, how: 'detach' | 'quit' | 'handover') => {
    if (closing) return;
    closing = true;
    unmountScreen();
    const c = handle?.conductor;
    if (c && how !== 'handover' && c.state.status !== 'completed') c.detach();
    await handle?.close().catch(() => undefined);
    if (c && how === 'detach' && c.state.status !== 'completed') {
      log(
        `Session ${c.state.meta.sessionId} left as it is; \`conductor resume ${c.state.meta.sessionId}\` continues it.`,
      );
    }
    if (how === 'handover') log('Another conductor took this session over.');
    finished(code);
  };

  const guard = () => {
    const c = handle?.conductor;
    unmountScreen();
    if (!c || c.state.status === 'completed') {
      void shutdown(0, 'quit');
      return;
    }
    if (c.mode !== 'guard') c.becomeGuard();
    log(
      `conductor is guarding session ${c.state.meta.sessionId} headless (pid ${process.pid}): it keeps watching and may roll back, never advances. \`conductor resume ${c.state.meta.sessionId}\` takes over.`,
    );
  };

  const onSignal: TerminalRestoreOptions['onSignal'] = {};
  onSignal.SIGHUP = () => guard();
  onSignal.SIGTERM = () => void shutdown(0, 'detach');
  onSignal.SIGINT = () => void shutdown(0, 'detach');
  const restore = installTerminalRestore(process.stdout, {
    onSignal,
    onUncaught: (error) => {
      log(
        `conductor stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}`,
      );
      void shutdown(1, 'detach');
    },
  });
  process.on(HANDOVER_SIGNAL, () => void shutdown(0, 'handover'));

  const watchEnd = (c: Conductor) => {
    let reported = false;
    c.subscribe((state) => {
      if (state.status !== 'completed' || reported) return;
      reported = true;
      void props.onSessionEnd?.(c).then(
        (files) => {
          if (files.length) c.notify();
          if (c.mode === 'guard') void shutdown(0, 'quit');
        },
        () => undefined,
      );
    });
  };

  const onConductor = (c: Conductor) => {
    watchEnd(c);
    void c.start();
  };

  enterAltScreen(process.stdout);
  ink = render(
    <Root
      {...props}
      conductor={handle?.conductor}
      start={async (request) => {
        handle = await props.start(request);
        return handle.conductor;
      }}
      resume={async (id) => {
        handle = await props.resume(id);
        return handle.conductor;
      }}
      onConductor={onConductor}
      onExit={(how: ExitHow) => {
        if (how === 'detach') guard();
        else void shutdown(0, 'quit');
      }}
    />,
    { exitOnCtrlC: false, maxFps: 15, patchConsole: true },
  );
  if (handle) onConductor(handle.conductor);
  const code = await done;
  restore.uninstall();
  // Sockets of the AWS clients and the sandbox, timers of a finished session: nothing may keep
  // a finished conductor (or a guard whose session ended) alive.
  setTimeout(() => process.exit(code), 100);
  return code;
}
