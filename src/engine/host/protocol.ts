import type { SessionEvent } from '../../core/session/events.js';
import type { Waiting } from '../../core/session/waiting.js';
import type { SessionAction } from '../session-view.js';

/**
 * The engine's socket speaks newline-delimited JSON. One line a message; the abort key is the
 * one message that is not JSON, so the engine can act on it before parsing anything.
 */
export const ABORT_LINE = 'x';

/**
 * The abort key from the driver's key thread (terminal/key-thread.ts), on a connection of its own
 * that never says hello: `x <token>`, the token the engine gave the driver in its welcome. The key
 * thread reads the keyboard beside the screen's render, so an abort never waits for a frame.
 */
export const abortLineWith = (token: string) => `${ABORT_LINE} ${token}`;

export type ClientRole = 'driver' | 'watcher';

/** What the engine does not journal but a screen shows. */
export interface LiveFacts {
  waiting?: Waiting;
  liveOutput: string[];
  lastPollAt?: number;
  lastSavedAt?: number;
  /** Who drives: a screen ('interactive') or nobody (the engine guards alone). */
  mode: 'interactive' | 'guard';
}

export type ClientMessage =
  /** `autopilot` (a driver's): take the rehearsal autopilot up, or over by hand; absent keeps it. */
  | { t: 'hello'; role: ClientRole; pid: number; host: string; user: string; autopilot?: boolean }
  | { t: 'call'; id: number; method: SessionAction; args: unknown[] }
  /** The screen leaves: 'detach' leaves a guard; 'quit' (nothing shifted) ends the engine too. */
  | { t: 'leave'; how: 'detach' | 'quit' };

export type EngineMessage =
  | {
      t: 'welcome';
      sessionId: string;
      dir: string;
      runbookText: string;
      runbookFile: string;
      promotionId: string;
      events: SessionEvent[];
      live: LiveFacts;
      /** The engine's clock read `at` at wall time `wall`, running `speed` times real time. */
      clock: { at: number; wall: number; speed: number };
      enginePid: number;
      /** The driver's only: what its key thread's abort line carries (abortLineWith). */
      abortToken?: string;
    }
  | { t: 'event'; event: SessionEvent }
  | { t: 'live'; live: LiveFacts }
  | { t: 'result'; id: number; value?: string; error?: string }
  /** Another screen took the conductor's seat; this one should leave. */
  | { t: 'replaced'; by: { pid: number; host: string } }
  | { t: 'bye'; reason: string }
  /**
   * The engine cannot go on (the disk refused the journal, an unexpected error): the one sentence
   * saying what happened and the way back. The screen shows it and exits with code 1.
   */
  | { t: 'fatal'; message: string };

/** Splits a byte stream into lines; keeps a partial line for the next chunk. */
export function lineReader(onLine: (line: string) => void): (chunk: Buffer | string) => void {
  let pending = '';
  return (chunk) => {
    pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line) onLine(line);
      newline = pending.indexOf('\n');
    }
  };
}

export function encode(message: ClientMessage | EngineMessage): string {
  return `${JSON.stringify(message)}\n`;
}
