import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type IPty, spawn } from '@lydell/node-pty';
import { Terminal } from '@xterm/headless';

/** The repository root: the binary and the default runbook path are relative to it. */
import { type TestBbwsOptions, testBbwsText } from '../support/test-bbws.js';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const BIN = join(REPO, 'bin', 'conductor.js');

/** The environment every run of the binary gets: a real colour terminal, not CI, no SDK warning. */
export function conductorEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // vitest marks its own children; the app must not think it runs under a test runner or CI.
    if (value !== undefined && !key.startsWith('VITEST') && key !== 'NODE_OPTIONS') env[key] = value;
  }
  return {
    ...env,
    CI: 'false',
    // is-in-ci (Ink's) reads this one too: under it Ink draws nothing until the program exits.
    CONTINUOUS_INTEGRATION: 'false',
    TERM: 'xterm-256color',
    CONDUCTOR_HOME: home,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

/** A fresh CONDUCTOR_HOME; remove it with `removeHome`. */
export function makeHome(): string {
  return mkdtempSync(join(tmpdir(), 'conductor-e2e-'));
}

export function removeHome(home: string): void {
  rmSync(home, { recursive: true, force: true });
}

const newestMtime = (dir: string): number => {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
};

/** How long a beforeAll may take to build dist/ (or wait for another test file's build). */
export const BUILD_TIMEOUT_MS = 240_000;

/**
 * Builds dist/ when it is missing or older than src/ (`npm test` has already built it). Test
 * files run in parallel: a lock directory lets one of them build while the others wait, so no
 * test starts the binary while tsc is halfway through writing it.
 */
export function ensureBuilt(): void {
  const dist = join(REPO, 'dist');
  const fresh = () => existsSync(dist) && newestMtime(dist) >= newestMtime(join(REPO, 'src'));
  if (fresh()) return;
  const lock = join(
    tmpdir(),
    `conductor-e2e-build-${createHash('sha1').update(REPO).digest('hex').slice(0, 8)}`,
  );
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else builds; a lock older than the deadline was left by a killed run.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (!held) continue;
      if (Date.now() > deadline || Date.now() - held.mtimeMs > 180_000) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (fresh()) return;
    const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPO, encoding: 'utf8' });
    // tsc still emits when another engineer's file has a type error; only a missing entry
    // point stops the e2e tests (they then fail on behaviour, not on someone's typo).
    if (result.status !== 0 && !existsSync(join(dist, 'cli.js')))
      throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Key names as the app's key table spells them, turned into the bytes a terminal sends. */
const KEY_BYTES: Record<string, string> = {
  enter: '\r',
  space: ' ',
  escape: '\x1b',
  tab: '\t',
  backspace: '\x7f',
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
};

export function keyBytes(name: string): string {
  if (name.startsWith('ctrl+') && name.length === 6) {
    return String.fromCharCode(name.charCodeAt(5) - 96);
  }
  return KEY_BYTES[name] ?? name;
}

/** What a screen may be asked to show: a piece of text, or a pattern. */
export type Shown = string | RegExp;

/** How long the pty must stay silent after an exit before its output counts as all there. */
const OUTPUT_SETTLED_MS = 200;

export interface ExitStatus {
  exitCode: number;
  signal?: number;
}

export interface StartOptions {
  home: string;
  cols?: number;
  rows?: number;
  env?: Record<string, string>;
  /** Another conductor binary (an installed package's); default the checkout's bin/conductor.js. */
  bin?: string;
  /** The working directory; default the repository. */
  cwd?: string;
}

/**
 * The built binary in a pseudo-terminal, its output parsed by a headless xterm: what a person
 * would see, read back as lines of text.
 */
export class TerminalSession {
  readonly pty: IPty;
  readonly term: Terminal;
  readonly exited: Promise<ExitStatus>;
  private exitStatus: ExitStatus | undefined;
  /** Everything the program wrote, for a failure message. */
  private raw = '';
  private hungUp = false;
  /** The last whole frame the terminal showed (see keepWholeFrame); what every read of the screen sees. */
  private frame: { lines: string[]; alternate: boolean };
  /** Chunks of output handed to the terminal and not yet parsed by it. */
  private unparsed = 0;
  private lastDataAt = 0;

  constructor(args: string[], options: StartOptions) {
    const cols = options.cols ?? 120;
    const rows = options.rows ?? 40;
    this.term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
    this.pty = spawn(process.execPath, [options.bin ?? BIN, ...args], {
      name: 'xterm-256color',
      cols,
      rows,
      cwd: options.cwd ?? REPO,
      env: conductorEnv(options.home, options.env),
    });
    this.frame = this.readFrame();
    this.pty.onData((data) => {
      this.raw = (this.raw + data).slice(-200_000);
      this.lastDataAt = Date.now();
      this.unparsed++;
      this.term.write(data, () => {
        this.unparsed--;
        this.keepWholeFrame();
      });
    });
    this.exited = new Promise((done) => {
      this.pty.onExit(({ exitCode, signal }) => {
        this.exitStatus = { exitCode, signal: signal || undefined };
        done(this.exitStatus);
      });
    });
  }

  get pid(): number {
    return this.pty.pid;
  }

  /** The exit status once the program ended. */
  get exit(): ExitStatus | undefined {
    return this.exitStatus;
  }

  /**
   * Keeps the screen as it stands once a chunk of output is parsed, unless that chunk ended inside a
   * frame: Ink brackets each frame in a synchronized update (DEC mode 2026), and a frame can arrive
   * in several chunks and be parsed in several slices. A read between them would see the top of the
   * new frame over the bottom of the old one, which no terminal ever shows a person.
   */
  private keepWholeFrame(): void {
    if (!this.term.modes.synchronizedOutputMode) this.frame = this.readFrame();
  }

  private readFrame(): { lines: string[]; alternate: boolean } {
    const buffer = this.term.buffer.active;
    const lines: string[] = [];
    for (let row = 0; row < this.term.rows; row++) {
      lines.push(buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? '');
    }
    return { lines, alternate: buffer.type === 'alternate' };
  }

  /**
   * The frame a person sees. A program killed half-way through a frame never ends its synchronized
   * update: once it has exited and all it wrote is parsed, what it drew is what stays on the screen.
   */
  private shownFrame(): { lines: string[]; alternate: boolean } {
    if (this.exitStatus && this.unparsed === 0) this.frame = this.readFrame();
    return this.frame;
  }

  /** The visible screen (the last whole frame), one string per row, trailing blanks trimmed. */
  screenLines(): string[] {
    return [...this.shownFrame().lines];
  }

  screenText(): string {
    return this.screenLines().join('\n');
  }

  /** Prints the screen when E2E_SCREENS=1 (to see what a flow saw, or paste it into a note). */
  show(label: string): void {
    if (process.env.E2E_SCREENS !== '1') return;
    process.stdout.write(`\n--- ${label} (${this.term.cols}x${this.term.rows}) ---\n${this.screenText()}\n`);
  }

  /** Whether the alternate screen is up (a full-screen app is showing). */
  get onAltScreen(): boolean {
    return this.shownFrame().alternate;
  }

  /**
   * Polls the screen until one frame shows `what` (every one of them, when given several); returns
   * that frame. Things drawn from different state (a banner and the key bar, a panel and the
   * status line) may reach the screen a frame apart: wait for all of them here rather than assert
   * the second on the frame that showed the first.
   */
  async waitForText(what: Shown | Shown[], timeoutMs = 20_000): Promise<string> {
    return this.waitForScreen(what, true, timeoutMs);
  }

  /** Polls the screen until one frame shows none of `what`; returns that frame. */
  async waitForNoText(what: Shown | Shown[], timeoutMs = 20_000): Promise<string> {
    return this.waitForScreen(what, false, timeoutMs);
  }

  private async waitForScreen(what: Shown | Shown[], shown: boolean, timeoutMs: number): Promise<string> {
    const all = Array.isArray(what) ? what : [what];
    const shows = (screen: string, one: Shown) =>
      typeof one === 'string' ? screen.includes(one) : one.test(screen);
    return this.waitFor(
      () => {
        const screen = this.screenText();
        return all.every((one) => shows(screen, one) === shown) ? screen : undefined;
      },
      timeoutMs,
      `the screen to ${shown ? 'show' : 'stop showing'} ${all.map(String).join(shown ? ' and ' : ' or ')}`,
    );
  }

  /** Polls `probe` (screen, journal, anything) until it returns a value; fails with the screen. */
  async waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) {
        throw new Error(
          `Timed out after ${timeoutMs}ms waiting for ${what}.${this.exitStatus ? ` The program exited (${JSON.stringify(this.exitStatus)}).` : ''}\n--- screen ---\n${this.screenText()}\n--- last output ---\n${this.raw.slice(-2000)}`,
        );
      }
      await pause(100);
    }
  }

  /**
   * Presses keys one by one (names as in the key table: 'x', 'enter', 'space', 'ctrl+x'), each
   * its own read, the way a person types them; a short gap lets the app take each one apart.
   */
  async press(...keys: string[]): Promise<void> {
    for (const key of keys) {
      this.pty.write(keyBytes(key));
      await pause(60);
    }
  }

  /**
   * Moves the selected option field of a form (‹ value ›) with ↓ until it shows `value`, one
   * redraw at a time: frames come at most 15 times a second, so a second press sent before the
   * first one shows would skip past the option.
   */
  async choose(field: string, value: string): Promise<void> {
    const shown = () => new RegExp(`▸ ${field} +‹ ([^›]+) ›`).exec(this.screenText())?.[1]?.trim();
    for (let tries = 0; tries < 8; tries++) {
      const before = await this.waitFor(shown, 5_000, `the ${field} field`);
      if (before === value) return;
      await this.press('down');
      await this.waitFor(
        () => (shown() !== before ? true : undefined),
        5_000,
        `the ${field} field to change`,
      );
    }
    throw new Error(`The ${field} field never offered "${value}":\n${this.screenText()}`);
  }

  /** Types text into a form field as one chunk, as a paste or a fast typist delivers it. */
  async type(text: string): Promise<void> {
    this.pty.write(text);
    await pause(60);
  }

  resize(cols: number, rows: number): void {
    this.pty.resize(cols, rows);
    this.term.resize(cols, rows);
    if (this.unparsed === 0) this.keepWholeFrame();
  }

  /** Sends a signal to the program, the terminal staying open. */
  kill(signal: NodeJS.Signals): void {
    try {
      process.kill(this.pid, signal);
    } catch {
      // already gone
    }
  }

  /** Closes the terminal under the program, as a dropped SSH connection does (the kernel sends SIGHUP). */
  hangUp(): void {
    this.hungUp = true;
    this.pty.kill('SIGHUP');
    closePty(this.pty);
  }

  /** Whether the program's process still exists, whatever happened to its terminal. */
  isAlive(): boolean {
    try {
      process.kill(this.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Waits for the program to end, failing with the screen when it does not. The exit can be reported
   * before the terminal has parsed the last of the output (leaving the alternate screen, a closing
   * sentence): it also waits until all of it is on the screen and the pty has gone quiet.
   */
  async waitForExit(timeoutMs = 20_000): Promise<ExitStatus> {
    if (this.hungUp) {
      await this.waitFor(() => !this.isAlive() || undefined, timeoutMs, 'the program to exit');
      return this.exitStatus ?? { exitCode: 0 };
    }
    const status = await this.waitFor(() => this.exitStatus, timeoutMs, 'the program to exit');
    await this.waitFor(
      () => this.unparsed === 0 && Date.now() - this.lastDataAt >= OUTPUT_SETTLED_MS,
      timeoutMs,
      'the output of the program to reach the screen after it exited',
    );
    return status;
  }

  /** Ends the program if a test left it running (cleanup only). */
  dispose(): void {
    if (this.isAlive()) this.kill('SIGKILL');
    try {
      closePty(this.pty);
    } catch {
      // already closed
    }
    this.term.dispose();
  }
}

/** node-pty closes the master side with destroy(), which its typings leave out. */
function closePty(pty: IPty): void {
  (pty as IPty & { destroy(): void }).destroy();
}

export function pause(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Starts `conductor ARGS` in a new pseudo-terminal (120x40 unless told). */
export function startConductor(args: string[], options: StartOptions): TerminalSession {
  return new TerminalSession(args, options);
}

/** The one session directory under CONDUCTOR_HOME/sessions (undefined until it exists). */
export function sessionDir(home: string): string | undefined {
  const root = join(home, 'sessions');
  if (!existsSync(root)) return undefined;
  const ids = readdirSync(root).filter((name) => existsSync(join(root, name, 'journal.jsonl')));
  if (ids.length > 1) throw new Error(`expected one session under ${root}, found ${ids.join(', ')}`);
  return ids[0] ? join(root, ids[0]) : undefined;
}

export interface JournalEvent {
  type: string;
  at: number;
  [field: string]: unknown;
}

/** The session's journal events, in order (a half-written last line is left out). */
export function readJournal(home: string): JournalEvent[] {
  const dir = sessionDir(home);
  if (!dir) return [];
  const events: JournalEvent[] = [];
  for (const line of readFileSync(join(dir, 'journal.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push((JSON.parse(line) as { event: JournalEvent }).event);
    } catch {
      // the writer may be mid-line
    }
  }
  return events;
}

export function eventsOf(home: string, type: string): JournalEvent[] {
  return readJournal(home).filter((event) => event.type === type);
}

/** The e2e copy of BBWS (test/support/test-bbws.ts), written into `home`; returns its path for `--runbook`. */
export function bbwsRunbook(home: string, options: TestBbwsOptions = {}): string {
  const file = join(
    home,
    options.baselineP95 ? `bbws-baseline-${options.baselineP95}.yaml` : 'bbws-e2e.yaml',
  );
  writeFileSync(file, testBbwsText(options));
  return file;
}

/** The pid of the engine that holds session `dir`'s lock (the process that drives it), if any. */
export function enginePid(dir: string | undefined): number | undefined {
  if (!dir) return undefined;
  try {
    return (JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}

export function processAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Ends every session engine started in `home` (they run detached, outside any test's terminal). */
export function killEngines(home: string): void {
  let ids: string[] = [];
  try {
    ids = readdirSync(join(home, 'sessions'));
  } catch {
    return;
  }
  for (const id of ids) {
    const pid = enginePid(join(home, 'sessions', id));
    if (pid && processAlive(pid) && pid !== process.pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }
}
