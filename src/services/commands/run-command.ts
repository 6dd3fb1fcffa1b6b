import { createWriteStream, existsSync, fchmodSync, mkdirSync, openSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { execa } from 'execa';
import { formatDuration } from '../../core/runbook/duration.js';
import type { CommandGroupRecord } from '../../core/session/events.js';
import { safeText } from '../../core/text/safe-text.js';
import { describeCommand, failureSentence } from './failure.js';
import { BoundedText, TailLines } from './output-buffers.js';
import { openCapture } from './output-capture.js';
import { commandGroupRecord } from './process-group.js';

export interface CommandRun {
  argv: string[];
  shell: boolean;
  cwd?: string;
  /** Merged over process.env (AWS_PROFILE, AWS_REGION, ENVIRONMENT and the step's own). */
  env: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Full output is appended here (the session's log), with a header and a footer line. */
  logFile: string;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Lines kept in memory for the screen; default 200. */
  maxTailLines?: number;
  /** Between SIGTERM and SIGKILL of the process group; default 3000 ms. */
  killGraceMs?: number;
  /**
   * Called as the process starts, before any output is read: who it is (for the journal, so an
   * engine that dies leaves the group findable). When it throws, the command is stopped: nothing
   * runs that could not be recorded.
   */
  onStart?: (group: CommandGroupRecord) => void;
}

export interface CommandResult {
  exitCode: number | null;
  durationMs: number;
  timedOut: boolean;
  canceled: boolean;
  /** The last lines of stdout and stderr, interleaved as they arrived. */
  tail: string[];
  /** The last 256 KiB of output, for evidence patterns and test summaries. */
  output: string;
  /** One sentence when the command did not succeed (missing tool, exit code, timeout, cancel). */
  failure?: string;
  /** Epoch ms when the command started; lets evidence reject files older than the run. */
  startedAt?: number;
  /** The signal that ended the command, when one did. */
  signal?: string;
}

const OUTPUT_LIMIT_CHARS = 256 * 1024;
/** A line longer than this is cut into pieces so a tool printing without newlines cannot exhaust memory. */
const MAX_LINE_CHARS = 16 * 1024;

/**
 * Process groups still running. Detached children are not killed by Node when we exit, so on exit we
 * take them down ourselves: a conductor that dies must not leave a terraform apply running unseen.
 */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const group of liveGroups) signalGroup(group, 'SIGKILL');
    });
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    // ESRCH: the group is already gone.
    return false;
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The log is private (0600, as the README says): a command's output may hold what only its operator may read. */
function openLog(path: string): WriteStream {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, 'a', 0o600);
  // The mode above counts only for a new file (and is cut by the umask); set it either way.
  fchmodSync(fd, 0o600);
  return createWriteStream(path, { fd });
}

function closeLog(log: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    log.end(() => resolve());
    log.once('error', () => resolve());
  });
}

export async function runCommand(run: CommandRun): Promise<CommandResult> {
  const startedAt = Date.now();
  const started = performance.now();
  const tail = new TailLines(run.maxTailLines ?? 200);
  const output = new BoundedText(OUTPUT_LIMIT_CHARS);
  const log = openLog(run.logFile);
  const commandText = run.shell ? run.argv.join(' ') : describeCommand(run.argv);
  log.write(`$ ${commandText}${run.cwd ? `   (in ${run.cwd})` : ''}\n`);

  const emit = (raw: string, stream: 'stdout' | 'stderr') => {
    // The log keeps the bytes as printed; everything shown, journaled or judged gets the safe text.
    log.write(stream === 'stderr' ? `! ${raw}\n` : `  ${raw}\n`);
    const line = safeText(raw);
    tail.push(line);
    output.append(`${line}\n`);
    try {
      run.onLine?.(line, stream);
    } catch {
      // A listener's bug must not stop the command or lose its output.
    }
  };

  const notStarted = async (failure: string, canceled: boolean): Promise<CommandResult> => {
    log.write(`[${failure}]\n`);
    await closeLog(log);
    return {
      exitCode: null,
      durationMs: 0,
      timedOut: false,
      canceled,
      tail: [],
      output: '',
      failure,
      startedAt,
    };
  };
  if (run.signal?.aborted) return notStarted(`\`${commandText}\` was canceled before it started.`, true);
  // spawn reports a missing cwd as ENOENT, which would blame the tool; name the folder instead.
  if (run.cwd && !existsSync(run.cwd)) {
    return notStarted(
      `The folder ${run.cwd} does not exist (the runbook runs \`${commandText}\` there).`,
      false,
    );
  }

  // The command writes straight into files, not into pipes this process holds: an engine that dies
  // (SIGKILL, OOM) must not take a half-done `terraform apply` down with SIGPIPE on its next line.
  // The files are followed here for the screen, the tail and the log, and removed once read whole;
  // after a crash they hold what the orphan printed.
  const capture = openCapture(run.logFile);
  const [file, ...args] = run.argv;
  // execa passes a file descriptor to spawn as it is (the child gets its own copy); its types only
  // name fds 3-9, hence the cast.
  const stdio = { stdin: 'ignore', stdout: capture.fds.stdout, stderr: capture.fds.stderr } as unknown as {
    stdin: 'ignore';
    stdout: 3;
    stderr: 3;
  };
  const subprocess = run.shell
    ? execa(run.argv.join(' '), {
        shell: true,
        cwd: run.cwd,
        env: run.env,
        extendEnv: true,
        ...stdio,
        detached: true,
        buffer: false,
        reject: false,
        stripFinalNewline: false,
      })
    : execa(file, args, {
        cwd: run.cwd,
        env: run.env,
        extendEnv: true,
        ...stdio,
        detached: true,
        buffer: false,
        reject: false,
        stripFinalNewline: false,
      });
  // The child has its own copies; ours would only keep the files open.
  capture.closeWriters();

  const pid = subprocess.pid;
  if (pid !== undefined) trackGroup(pid);

  const followers = (['stdout', 'stderr'] as const).map((stream) => {
    const decoder = new StringDecoder('utf8');
    let partial = '';
    const take = (text: string) => {
      partial += text;
      let newline = partial.indexOf('\n');
      while (newline !== -1) {
        emit(partial.slice(0, newline).replace(/\r$/, ''), stream);
        partial = partial.slice(newline + 1);
        newline = partial.indexOf('\n');
      }
      while (partial.length > MAX_LINE_CHARS) {
        emit(partial.slice(0, MAX_LINE_CHARS), stream);
        partial = partial.slice(MAX_LINE_CHARS);
      }
    };
    return capture.follow(stream, {
      data: (chunk) => take(decoder.write(chunk)),
      end: () => {
        take(decoder.end());
        if (partial.length > 0) emit(partial.replace(/\r$/, ''), stream);
        partial = '';
      },
    });
  });

  let timedOut = false;
  let canceled = false;
  let forceKillTimer: NodeJS.Timeout | undefined;
  const stopGroup = () => {
    if (pid === undefined) return;
    signalGroup(pid, 'SIGTERM');
    if (forceKillTimer) return;
    forceKillTimer = setTimeout(() => {
      if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
    }, run.killGraceMs ?? 3000);
    forceKillTimer.unref();
  };

  const timeoutTimer = setTimeout(() => {
    timedOut = true;
    stopGroup();
  }, run.timeoutMs);
  const onAbort = () => {
    canceled = true;
    stopGroup();
  };
  run.signal?.addEventListener('abort', onAbort, { once: true });
  if (pid !== undefined && run.onStart) {
    try {
      run.onStart(commandGroupRecord(pid));
    } catch {
      canceled = true;
      stopGroup();
    }
  }

  // When the leader exits, whatever it left running in its group is an orphan of this step: stop it,
  // otherwise a background grandchild holding stdout open would also keep this promise from settling.
  subprocess.once('exit', () => {
    if (pid !== undefined && groupAlive(pid)) stopGroup();
  });

  const result = await subprocess;
  // Everything the command wrote is in the files now: read them to their end, then let them go.
  for (const follower of followers) await follower.drain();
  capture.remove();
  clearTimeout(timeoutTimer);
  run.signal?.removeEventListener('abort', onAbort);
  if (pid !== undefined) {
    // The kill timer may still be needed for stragglers that ignore SIGTERM; forget the group only when empty.
    if (!groupAlive(pid)) {
      liveGroups.delete(pid);
      if (forceKillTimer) clearTimeout(forceKillTimer);
    } else {
      const waitForGroup = setInterval(() => {
        if (!groupAlive(pid)) {
          liveGroups.delete(pid);
          clearInterval(waitForGroup);
        }
      }, 200);
      waitForGroup.unref();
    }
  }

  const durationMs = Math.round(performance.now() - started);
  const exitCode = typeof result.exitCode === 'number' ? result.exitCode : null;
  const spawnErrorCode =
    result.failed && result.exitCode === undefined && !result.isTerminated
      ? ((result.cause as NodeJS.ErrnoException | undefined)?.code ?? 'unknown')
      : undefined;

  const failure = failureSentence({
    argv: run.argv,
    shell: run.shell,
    exitCode,
    timedOut,
    canceled,
    timeoutMs: run.timeoutMs,
    spawnErrorCode,
    spawnErrorMessage: spawnErrorCode ? (result.cause as Error | undefined)?.message : undefined,
    signal: result.signal,
    output: output.text(),
    cwd: run.cwd,
  });

  log.write(`[${failure ?? 'exit code 0.'} ${formatDuration(durationMs)}]\n`);
  await closeLog(log);

  return {
    exitCode,
    durationMs,
    timedOut,
    canceled,
    tail: tail.lines(),
    output: output.text(),
    failure,
    startedAt,
    signal: result.signal,
  };
}
