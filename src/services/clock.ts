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
