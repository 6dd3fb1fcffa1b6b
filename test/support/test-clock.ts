import type { Clock } from '../../src/services/clock.js';

interface Sleeper {
  at: number;
  seq: number;
  wake: () => void;
}

export interface TestClockOptions {
  /** Epoch ms the clock starts at; default the current minute (CloudWatch's periods are whole minutes). */
  start?: number;
  /**
   * The speed the engine is told (its real-time rules convert by it: a retry's floor, a rollback
   * countdown, an AWS call's timeout), and the rate time runs at while tracked work has held it
   * still for longer than `graceMs` (a hung call still meets its deadline). Default 600.
   */
  speed?: number;
  /** Real ms tracked work may hold the clock still before time runs at `speed`. Default 250. */
  graceMs?: number;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const realPause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The engine's and the sandbox's clock in tests: virtual time that jumps over idle time.
 *
 * Time stands still while anything happens, and moves in these ways only:
 * - when the process is idle (no tracked work in flight, no sleep begun or ended for a few loop
 *   turns and a real millisecond), it jumps to the earliest sleeper's moment and wakes it: a
 *   15-minute hold costs the real time of its polls, not 15 minutes / speed;
 * - while tracked work (an AWS call, a command, a webhook: `track`, wired by services/clock.ts
 *   trackedBy) has held it still for `graceMs`, it runs at `speed`, so a call that hangs meets its
 *   clock deadline as it would in a rehearsal;
 * - when the process has not been idle for `graceMs` (a loop that sleeps and wakes at once,
 *   untracked work), it runs at `speed` too: never slower than a rehearsal's accelerated clock;
 * - `advance(ms)` moves it on demand.
 *
 * So a sample is judged at the moment it is due however busy the machine is (no STALE by chance),
 * and sleepers due at the same moment wake in the order they began.
 */
export class TestClock implements Clock {
  readonly speed: number;
  private readonly graceMs: number;
  private at: number;
  private readonly sleepers: Sleeper[] = [];
  private seq = 0;
  /** Bumped by every sleep begun or ended and every tracked call begun or settled. */
  private stir = 0;
  private busy = 0;
  /** Real moment (performance.now()) from which held work lets time run. */
  private ranTo = 0;
  /** Real moment up to which time has run at `speed` (for held work or a process never idle). */
  private creditedTo = 0;
  /** Real moment of the last idle moment (or of the last wake-up a jump made). */
  private quietAt = performance.now();
  private runner?: NodeJS.Timeout;
  private checking = false;
  private stopped = false;
  private readonly idleListeners = new Set<() => void>();
  /** Jumps made over idle time, and the clock time they skipped. */
  jumps = 0;
  skippedMs = 0;
  /** Clock time that ran at `speed` under work held past the grace. */
  ranMs = 0;

  constructor(options: TestClockOptions = {}) {
    this.speed = options.speed ?? 600;
    this.graceMs = options.graceMs ?? 250;
    this.at = options.start ?? Math.floor(Date.now() / 60_000) * 60_000;
  }

  now(): number {
    this.runHeld();
    return this.at;
  }

  wallNow(): number {
    return Date.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        const index = this.sleepers.indexOf(sleeper);
        if (index >= 0) this.sleepers.splice(index, 1);
        this.stir++;
        reject(signal?.reason);
      };
      const sleeper: Sleeper = {
        at: this.now() + Math.max(0, Math.ceil(ms)),
        seq: this.seq++,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      let index = this.sleepers.length;
      while (index > 0 && this.sleepers[index - 1].at > sleeper.at) index--;
      this.sleepers.splice(index, 0, sleeper);
      this.stir++;
      this.check();
    });
  }

  track<T>(work: Promise<T>): Promise<T> {
    if (this.busy++ === 0) {
      this.ranTo = performance.now() + this.graceMs;
      this.runner = setInterval(() => this.wakeDue(), 10);
      this.runner.unref();
    }
    this.stir++;
    const settled = () => {
      this.runHeld();
      if (--this.busy === 0) {
        clearInterval(this.runner);
        // The held work's time is counted (runHeld): the grace for a busy process starts anew.
        this.quietAt = performance.now();
      }
      this.stir++;
      this.check();
    };
    work.then(settled, settled);
    return work;
  }

  /** Moves the clock `ms` on and wakes whoever is due. */
  advance(ms: number): void {
    this.at += Math.max(0, ms);
    this.wakeDue();
  }

  /** Called at each idle moment, before time jumps: a test looks at the state the engine left. */
  onIdle(listener: () => void): () => void {
    this.idleListeners.add(listener);
    return () => this.idleListeners.delete(listener);
  }

  /** No more jumps (the test is over); sleepers stay asleep. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.runner);
  }

  /** How many sleepers wait, for a test of the clock. */
  get waiting(): number {
    return this.sleepers.length;
  }

  private runHeld(): void {
    if (this.busy === 0) return;
    this.runFrom(this.ranTo);
  }

  /** Time runs at `speed` from real moment `from` (or from where it last ran, if later) to now. */
  private runFrom(from: number): void {
    const real = performance.now();
    const start = Math.max(from, this.creditedTo);
    if (real <= start) return;
    const ran = Math.floor((real - start) * this.speed);
    this.at += ran;
    this.ranMs += ran;
    this.creditedTo = real;
  }

  private wakeDue(): void {
    this.runHeld();
    while (this.sleepers.length && this.sleepers[0].at <= this.at) {
      const sleeper = this.sleepers.shift() as Sleeper;
      this.stir++;
      sleeper.wake();
    }
  }

  private check(): void {
    if (this.checking || this.stopped) return;
    this.checking = true;
    void this.watch().finally(() => {
      this.checking = false;
      // A sleep begun as the watch ended found it still running: watch again.
      if (this.sleepers.length > 0 && this.busy === 0) this.check();
    });
  }

  /** While anyone sleeps: wake the due, and jump over idle time to the next one. */
  private async watch(): Promise<void> {
    this.quietAt = Math.max(this.quietAt, performance.now() - this.graceMs / 2);
    while (!this.stopped && this.sleepers.length > 0) {
      this.wakeDue();
      if (this.sleepers.length === 0 || this.busy > 0) return;
      const stir = this.stir;
      await nextTurn();
      await nextTurn();
      await realPause(1);
      if (this.stopped || this.busy > 0) return;
      if (this.stir !== stir || this.sleepers.length === 0) {
        // Never idle for longer than the grace (a loop that sleeps and wakes at once, untracked
        // work): time runs at `speed`, as on a rehearsal's clock, rather than standing still for ever.
        this.runFrom(this.quietAt + this.graceMs);
        continue;
      }
      this.quietAt = performance.now();
      for (const listener of this.idleListeners) listener();
      if (this.stir !== stir) continue;
      const next = this.sleepers[0].at;
      if (next > this.at) {
        this.jumps++;
        this.skippedMs += next - this.at;
        this.at = next;
      }
    }
  }
}
