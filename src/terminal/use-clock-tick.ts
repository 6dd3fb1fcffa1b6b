import { useEffect, useState } from 'react';

/** At most this many real milliseconds between redraws the clock asks for (2 a second). */
const FASTEST_MS = 500;
/** Drawn just after the second turns, not just before it. */
const PAST_THE_SECOND_MS = 5;

/**
 * Real milliseconds until the next redraw a clock needs: when its second turns (the header's
 * HH:MM:SS, a countdown's mm:ss and "ago" ages change no more often), but never sooner than
 * FASTEST_MS. At speed 1 that is once a second, on the second; an accelerated rehearsal clock turns
 * many seconds in 500 ms and is drawn twice a second. Each frame costs the screen tens of
 * milliseconds on a busy machine, and a key that arrives during one waits for it.
 */
export function nextTickMs(now: number, speed: number): number {
  const toNextSecond = 1000 - (((now % 1000) + 1000) % 1000) + PAST_THE_SECOND_MS;
  return Math.max(FASTEST_MS, Math.ceil(toNextSecond / Math.max(speed, 1e-9)));
}

/** Redraws when the session clock's second turns (see nextTickMs); `now` reads that clock. */
export function useClockTick(now: () => number, speed: number): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    let timer: NodeJS.Timeout;
    const schedule = () => {
      timer = setTimeout(
        () => {
          setTick((t) => t + 1);
          schedule();
        },
        nextTickMs(now(), speed),
      );
    };
    schedule();
    return () => clearTimeout(timer);
  }, [now, speed]);
}
