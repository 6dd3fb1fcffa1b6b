/**
 * THE way the engine tries a failed call again (issue 12, point 7): every retried AWS or command
 * error waits before the next try, doubling up to a cap and jittered so retries never fall in step;
 * the wait and the error's sentence are shown on screen; and the error is journaled once per
 * distinct error with its count, never once per try (see ErrorStreaks).
 */

export interface RetryPolicy {
  /** The wait after the first failure. */
  firstMs: number;
  /** No wait is longer than this. */
  capMs: number;
  /**
   * The waits are real time: a rollback is an emergency, and a rehearsal's accelerated clock must
   * not stretch "1 s" into ten minutes of session time nor shrink it to a spin. Otherwise the waits
   * are session (clock) time, never under a quarter of a real second.
   */
  realTime?: boolean;
}

/** A call the session needs (where a rollback goes, a traffic shift, STS...): 5 s doubling to 5 min. */
export const AWS_RETRY: RetryPolicy = { firstMs: 5_000, capMs: 300_000 };

/** The traffic revert of a rollback: 1 s doubling to 10 s, real time. */
export const ROLLBACK_RETRY: RetryPolicy = { firstMs: 1_000, capMs: 10_000, realTime: true };

/** A command the rehearsal's autopilot runs again (a load test measured on a busy machine). */
export const COMMAND_RETRY: RetryPolicy = { firstMs: 5_000, capMs: 60_000 };

/** The shortest real wait between two tries: an accelerated clock must not spin. */
const FLOOR_REAL_MS = 250;

/**
 * How long to wait (clock ms) before try `failures + 1`, after `failures` tries failed in a row:
 * doubling from the policy's first wait to its cap, then ±20 % of jitter.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  failures: number,
  clockSpeed: number,
  random: () => number = Math.random,
): number {
  const base = doubled(policy.firstMs, policy.capMs, failures);
  const clockMs = policy.realTime ? base * clockSpeed : Math.max(base, FLOOR_REAL_MS * clockSpeed);
  return clockMs * jitter(random);
}

/** The same doubling and jitter, in whatever unit `firstMs` is (a poll's retries within its period). */
export function backoffMs(
  firstMs: number,
  capMs: number,
  failures: number,
  random: () => number = Math.random,
): number {
  return doubled(firstMs, capMs, failures) * jitter(random);
}

function doubled(firstMs: number, capMs: number, failures: number): number {
  return Math.min(firstMs * 2 ** Math.max(0, failures - 1), capMs);
}

function jitter(random: () => number): number {
  return 0.8 + random() * 0.4;
}

/** The wait, as a person reads it: whole real seconds, at least 1. */
export function waitSeconds(delayClockMs: number, clockSpeed: number): number {
  return Math.max(1, Math.round(delayClockMs / clockSpeed / 1000));
}

/** Journaled at the 1st, 2nd, 4th, 8th... time of the same error in a row. */
export function journaledAt(repeats: number): boolean {
  return repeats > 0 && (repeats & (repeats - 1)) === 0;
}

export interface Streak {
  message: string;
  /** Tries that failed with this error in a row, every one counted. */
  repeats: number;
  /** `repeats` when this streak was last journaled. */
  journaled: number;
}

/**
 * Failures in a row, one streak per key (an operation in an environment). The same error again
 * lengthens the streak; another error starts a new one; a success ends it.
 */
export class ErrorStreaks {
  private streaks = new Map<string, Streak>();

  /** Count one failure; says whether this one is to be journaled (with the streak's count). */
  fail(key: string, message: string): { streak: Streak; journal: boolean } {
    const previous = this.streaks.get(key);
    const repeats = previous && previous.message === message ? previous.repeats + 1 : 1;
    const journal = journaledAt(repeats);
    const streak: Streak = { message, repeats, journaled: journal ? repeats : (previous?.journaled ?? 0) };
    this.streaks.set(key, streak);
    return { streak, journal };
  }

  get(key: string): Streak | undefined {
    return this.streaks.get(key);
  }

  /** The call worked: its streak is over. Returns the streak that ended, if there was one. */
  end(key: string): Streak | undefined {
    const streak = this.streaks.get(key);
    this.streaks.delete(key);
    return streak;
  }
}
