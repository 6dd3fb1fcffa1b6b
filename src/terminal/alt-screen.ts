/**
 * The alternate screen. Ink 6 has no option for it, so we write the sequences ourselves and make
 * sure the terminal is given back on EVERY way out: normal exit, signals, a crash. A person on an
 * SSH session at 3 a.m. must never be left with a blank screen and no cursor.
 */

export const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
export const LEAVE_ALT_SCREEN = '\x1b[?1049l';
export const SHOW_CURSOR = '\x1b[?25h';
/** Bracketed paste mode: the terminal marks a paste, so it is never read as key presses. */
export const BRACKETED_PASTE_ON = '\x1b[?2004h';
export const BRACKETED_PASTE_OFF = '\x1b[?2004l';

export interface WritableLike {
  write(chunk: string): unknown;
}

/**
 * TERM=dumb says the terminal understands no control sequence at all (an Emacs shell buffer, some
 * serial consoles, a log capture): it gets plain text, no screen switch, no cursor codes.
 */
export function isDumbTerminal(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.TERM?.trim().toLowerCase() === 'dumb';
}

/** Bracketed paste: a paste arrives marked, so it is never read as key presses (see keypress.ts). */
export function enterAltScreen(stdout: WritableLike, env: NodeJS.ProcessEnv = process.env): void {
  if (isDumbTerminal(env)) return;
  stdout.write(ENTER_ALT_SCREEN + BRACKETED_PASTE_ON);
}

export function leaveAltScreen(stdout: WritableLike, env: NodeJS.ProcessEnv = process.env): void {
  if (isDumbTerminal(env)) return;
  stdout.write(BRACKETED_PASTE_OFF + SHOW_CURSOR + LEAVE_ALT_SCREEN);
}

export type RestoreSignal = 'SIGTERM' | 'SIGINT' | 'SIGHUP';
const SIGNAL_NUMBERS: Record<RestoreSignal, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** The part of `process` this module touches, so tests can hand in their own. */
export interface ProcessLike {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  exit(code?: number): unknown;
  stderr: WritableLike;
}

export interface TerminalRestoreOptions {
  process?: ProcessLike;
  /**
   * What to do after the terminal is restored on a signal. Without a hook the process exits with
   * 128 + the signal number, as the shell expects. (SIGHUP is where the engine keeps guarding
   * without a screen, so the caller usually hooks it.)
   */
  onSignal?: Partial<Record<RestoreSignal, (signal: RestoreSignal) => void>>;
  /** What to do after the terminal is restored on a crash. Default: one line on stderr, exit 1. */
  onUncaught?: (error: unknown) => void;
  /** Where TERM is read (TERM=dumb: nothing to restore); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface TerminalRestore {
  /** Leave the alternate screen and show the cursor; only the first call writes. */
  restore(): void;
  /** Remove the process hooks (the terminal is not touched). */
  uninstall(): void;
}

const installed = new WeakMap<object, TerminalRestore>();

/** Idempotent: a second call for the same stdout returns the first handle. */
export function installTerminalRestore(
  stdout: WritableLike,
  options: TerminalRestoreOptions = {},
): TerminalRestore {
  const existing = installed.get(stdout);
  if (existing) return existing;
  const proc = options.process ?? (process as unknown as ProcessLike);
  let restored = false;

  const restore = () => {
    if (restored) return;
    restored = true;
    leaveAltScreen(stdout, options.env);
  };
  const onExit = () => restore();
  const signalListeners = (Object.keys(SIGNAL_NUMBERS) as RestoreSignal[]).map((signal) => {
    const listener = () => {
      restore();
      const hook = options.onSignal?.[signal];
      if (hook) hook(signal);
      else proc.exit(128 + SIGNAL_NUMBERS[signal]);
    };
    return { signal, listener };
  });
  const onUncaught = (error: unknown) => {
    restore();
    if (options.onUncaught) {
      options.onUncaught(error);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    proc.stderr.write(`conductor stopped on an unexpected error: ${message}\n`);
    proc.exit(1);
  };

  proc.on('exit', onExit);
  proc.on('uncaughtException', onUncaught);
  for (const { signal, listener } of signalListeners) proc.on(signal, listener);

  const handle: TerminalRestore = {
    restore,
    uninstall() {
      proc.off('exit', onExit);
      proc.off('uncaughtException', onUncaught);
      for (const { signal, listener } of signalListeners) proc.off(signal, listener);
      installed.delete(stdout);
    },
  };
  installed.set(stdout, handle);
  return handle;
}
