/**
 * Time for the app and the sandbox. Production uses the wall clock; a rehearsal runs the app
 * and the sandbox on ONE accelerated clock, so a 15-minute hold passes in 15 s at speed 60.
 */
export interface Clock {
  /** Epoch milliseconds on this clock. */
  now(): number;
  /** Resolves after `ms` of this clock's time; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** How many clock milliseconds pass per real millisecond. */
  readonly speed: number;
  /**
   * Epoch milliseconds in the real world, for facts that are not on this clock (a signed token is
   * dated and expires by its approver's real clock). Absent: this clock is the real world's.
   */
  wallNow?(): number;
  /**
   * Real work the clock's reader awaits (an AWS call, a command, a webhook): returned unchanged. A
   * clock that skips idle time (the tests' virtual clock) holds still until it settles. Absent:
   * this clock's time runs whatever the process does.
   */
  track?<T>(work: Promise<T>): Promise<T>;
}

/**
 * The port with every call that returns a promise handed to `clock.track`: what the engine awaits
 * of the outside world is known to its clock in one place. A clock without `track` gets the port
 * itself.
 */
export function trackedBy<T extends object>(clock: Clock, port: T): T {
  const track = clock.track?.bind(clock);
  if (!track) return port;
  const tracked = { ...port } as Record<string, unknown>;
  for (const [name, member] of Object.entries(port)) {
    if (typeof member !== 'function') continue;
    tracked[name] = (...args: unknown[]) => {
      const result = (member as (...a: unknown[]) => unknown).apply(port, args);
      return result instanceof Promise ? track(result) : result;
    };
  }
  return tracked as T;
}

/** The real world's time by this clock: its own time when it is the wall clock. */
export function wallTime(clock: Clock): number {
  return clock.wallNow ? clock.wallNow() : clock.now();
}

/**
 * A real-world moment on this clock: a real hour from now is `speed` hours of a rehearsal's clock
 * from now. On the wall clock it is the moment itself.
 */
export function onClock(clock: Clock, wallMs: number): number {
  if (!clock.wallNow) return wallMs;
  return Math.floor(clock.now() + (wallMs - clock.wallNow()) * clock.speed);
}

function realSleep(realMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, realMs),
    );
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: realSleep,
  speed: 1,
};

/** A clock that starts at `start` (epoch ms) and runs `speed` times faster than real time. */
export function acceleratedClock(speed: number, start = Date.now()): Clock {
  if (!(speed > 0)) throw new Error(`clock speed must be positive, got ${speed}`);
  const realStart = performance.now();
  return {
    speed,
    now: () => Math.floor(start + (performance.now() - realStart) * speed),
    sleep: (ms, signal) => realSleep(ms / speed, signal),
    wallNow: () => Date.now(),
  };
}
