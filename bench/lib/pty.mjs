// The built binary in a pseudo-terminal with a headless xterm reading its screen: the way a person
// runs it (CI=false, 120x40), so the benches measure the real input and render paths.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn } from '@lydell/node-pty';
import xterm from '@xterm/headless';
import { pause } from './stats.mjs';

const { Terminal } = xterm;

export const REPO = resolve(import.meta.dirname, '..', '..');
export const BIN = join(REPO, 'bin', 'conductor.js');

export function makeHome() {
  return mkdtempSync(join(tmpdir(), 'conductor-bench-'));
}

/** The pids of the session engines started in `home` (each holds its session's lock). */
export function enginePids(home) {
  let ids = [];
  try {
    ids = readdirSync(join(home, 'sessions'));
  } catch {
    return [];
  }
  const pids = [];
  for (const id of ids) {
    try {
      pids.push(JSON.parse(readFileSync(join(home, 'sessions', id, 'lock.json'), 'utf8')).pid);
    } catch {}
  }
  return pids;
}

/** Ends the session engines a run left (they run detached, outside the pty) and removes the home. */
export function removeHome(home) {
  for (const pid of enginePids(home)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  rmSync(home, { recursive: true, force: true });
}

export function appEnv(home) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== 'NODE_OPTIONS') env[key] = value;
  }
  return {
    ...env,
    CI: 'false',
    TERM: 'xterm-256color',
    CONDUCTOR_HOME: home,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

export class PtyApp {
  /**
   * `screen: false` drains the output without parsing it: the abort bench keeps the bench
   * process idle so the sandbox in it stamps requests the moment they arrive. `bin`: another
   * build's launcher (bench/startup.mjs --baseline).
   */
  constructor(args, { home, cols = 120, rows = 40, screen = true, env = {}, bin = BIN }) {
    this.term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
    this.screen = screen;
    this.raw = '';
    /** Called after each chunk has been parsed into the screen. */
    this.onScreen = undefined;
    /** performance.now() of the first byte the program wrote, and of every chunk (for frame timing). */
    this.firstOutputAt = undefined;
    this.pty = spawn(process.execPath, [bin, ...args], {
      name: 'xterm-256color',
      cols,
      rows,
      cwd: REPO,
      env: { ...appEnv(home), ...env },
    });
    this.pty.onData((data) => {
      this.firstOutputAt ??= performance.now();
      this.raw = (this.raw + data).slice(-20_000);
      if (this.screen) this.term.write(data, () => this.onScreen?.());
    });
    this.exited = new Promise((done) => {
      this.pty.onExit((status) => {
        this.exitStatus = status;
        done(status);
      });
    });
  }

  get pid() {
    return this.pty.pid;
  }

  screenText() {
    const buffer = this.term.buffer.active;
    const lines = [];
    for (let row = 0; row < this.term.rows; row++) {
      lines.push(buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? '');
    }
    return lines.join('\n');
  }

  /** Resolves once xterm has parsed everything written so far (its write queue is async). */
  flushed() {
    return new Promise((done) => this.term.write('', done));
  }

  async waitFor(probe, timeoutMs, what, everyMs = 50) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== false) return value;
      if (this.exitStatus)
        throw new Error(
          `the app exited (${JSON.stringify(this.exitStatus)}) before ${what}\n${this.screenText()}`,
        );
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.screenText()}`);
      await pause(everyMs);
    }
  }

  waitForText(what, timeoutMs = 60_000) {
    return this.waitFor(
      () => {
        const screen = this.screenText();
        return (typeof what === 'string' ? screen.includes(what) : what.test(screen)) ? screen : undefined;
      },
      timeoutMs,
      `the screen to show ${String(what)}`,
    );
  }

  isAlive() {
    try {
      process.kill(this.pid, 0);
      return !this.exitStatus;
    } catch {
      return false;
    }
  }

  /**
   * Ends the program with SIGKILL: a gentler signal, or the terminal closing under it, would
   * leave it guarding the session headless (as it should for a person, not for a bench).
   */
  async dispose() {
    const pid = this.pid;
    const gone = () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    };
    if (!gone()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
      for (let i = 0; i < 100 && !gone() && !this.exitStatus; i++) await pause(20);
    }
    try {
      this.pty.destroy();
    } catch {}
    this.term.dispose();
  }
}
