import type { Promotion, Runbook, Step } from '../core/runbook/schema.js';
import type { ApprovalEventBody, DriftChoice, StageChoice } from '../core/session/events.js';
import type { SessionState } from '../core/session/state.js';
import type { Waiting } from '../core/session/waiting.js';

/** An answer that may come back over a socket: one sentence when refused, undefined when done. */
export type Refusal = string | undefined | Promise<string | undefined>;

/**
 * What a screen reads and asks of a session. The engine (`Conductor`) is one, in the process that
 * drives the session; a screen in another process reaches it through a `RemoteSession` client over
 * the session's socket. Screens see only this, so they cannot tell the two apart.
 */
export interface SessionView {
  readonly state: SessionState;
  readonly waiting?: Waiting;
  readonly liveOutput: readonly string[];
  readonly runbook: Runbook;
  readonly promotion: Promotion;
  readonly lastPollAt?: number;
  readonly lastSavedAt?: number;
  readonly trafficShifted: boolean;
  /** The session's folder (journal, logs, reports). */
  readonly dir: string;
  /** A watcher: keys only navigate, nothing is asked of the engine. */
  readonly readOnly?: boolean;
  now(): number;
  definition(stepId: string): Step;
  subscribe(listener: (state: SessionState) => void): () => void;

  /** The abort path: nothing may stand between the key and the rollback requests. */
  abort(): void;
  confirmStep(stepId: string, note?: string): Refusal;
  confirmDangerous(stepId: string): void;
  /** The decision to move the canary's first traffic. */
  confirmCanaryStart(): Refusal;
  rerun(stepId: string): void;
  approve(record: Omit<ApprovalEventBody, 'step'> & { step?: string }): Refusal;
  /** An approval from a signed token: `token` pasted, or `file` (an absolute path) holding one. */
  approveSigned(input: { step?: string; token?: string; file?: string }): Refusal;
  recordTicket(ticket: string): void;
  overrideWindow(reason: string): Refusal;
  pauseHold(): void;
  extendHold(): void;
  advanceNow(reason: string): Refusal;
  chooseAtStageEnd(choice: StageChoice, reason?: string): Refusal;
  /** Stops the countdown at once; called again with the reason when the person has given it. */
  holdAutoRollback(reason?: string): void;
  resolveDrift(choice: DriftChoice): Promise<void>;
  abandon(reason: string): Refusal;
  /** Stop the command the previous engine left running in this step (the step then runs again). */
  stopOrphan(stepId: string): Refusal;
}

/** The actions a driving screen may ask of the engine, by name (the socket's whitelist). */
export const SESSION_ACTIONS = [
  'confirmStep',
  'confirmDangerous',
  'confirmCanaryStart',
  'rerun',
  'approve',
  'approveSigned',
  'recordTicket',
  'overrideWindow',
  'pauseHold',
  'extendHold',
  'advanceNow',
  'chooseAtStageEnd',
  'holdAutoRollback',
  'resolveDrift',
  'abandon',
  'stopOrphan',
] as const;
export type SessionAction = (typeof SESSION_ACTIONS)[number];
