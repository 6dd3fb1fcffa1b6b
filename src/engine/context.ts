import type { Variables } from '../core/runbook/interpolate.js';
import type { Environment, Promotion, Runbook, Step } from '../core/runbook/schema.js';
import type { RollbackTrigger, SessionEvent, StageChoice } from '../core/session/events.js';
import type { SessionState } from '../core/session/state.js';
import type { Waiting } from '../core/session/waiting.js';
import type { Clock } from '../services/clock.js';
import type { AwsPort, NotifyPort, WorkPort } from './ports.js';
import type { RetryPolicy } from './retry.js';

/**
 * The settings of a session that the engine's modules read. The Conductor's own options extend
 * these with what only it uses (the journal, the store, how to reach AWS).
 */
export interface EngineOptions {
  /** The runbook's file: a role's signers file is found beside it. */
  runbookFile: string;
  work: WorkPort;
  notify: NotifyPort;
  /** The person conducting (a handle). */
  conductor: string;
  /** The rehearsal autopilot answers for the people; on a resume, undefined keeps the session's. */
  autopilot?: boolean;
  /**
   * No metrics exist before this moment (clock ms): a resumed rehearsal's sandbox started here.
   * Windows start no earlier, and the first judgement waits for whole periods after it.
   */
  metricsSince?: number;
  /** Environment variables for command steps beyond AWS_PROFILE/AWS_REGION/ENVIRONMENT. */
  commandEnv?: (env: Environment) => Record<string, string>;
}

/**
 * What the runners, drift, identity, orphans, rollback, the watch and the step requests use of the
 * session they drive, and nothing more. The Conductor implements it; these modules take this
 * interface, never the class, so the engine's parts import the class nowhere but where it is made
 * and served, and no import goes round in a circle.
 */
export interface EngineContext {
  // ---- the session and its definition ------------------------------------------------

  /** fold(events): the one truth, changed only by dispatch. */
  readonly state: SessionState;
  readonly runbook: Runbook;
  readonly promotion: Promotion;
  readonly options: Readonly<EngineOptions>;
  /** The environment the promotion goes to. */
  readonly env: Environment;
  /** The session's folder: journal, command logs, reports. */
  readonly dir: string;
  definition(stepId: string): Step;
  /** The environment a step acts on. */
  stepEnv(stepId: string): Environment;
  /** The values for `${...}` in that environment (the promotion's by default). */
  variables(env?: Environment): Variables;
  /** A headless guard never advances a stage; it may still roll back. */
  readonly mode: 'interactive' | 'guard';
  readonly trafficShifted: boolean;

  // ---- time and signals ----------------------------------------------------------------

  now(): number;
  readonly clock: Clock;
  /** Aborted when the loop is interrupted (an abort, an abandon) or the engine stops. */
  readonly signal: AbortSignal;
  /** Aborted only when the engine stops: what must run to its end (a revert) runs under it. */
  readonly stopSignal: AbortSignal;

  // ---- recording and showing -----------------------------------------------------------

  /** Durable first: appended and fsynced, then folded into state, then shown. */
  dispatch(event: SessionEvent): void;
  /** Tell screens something not journaled changed (live output, the waiting reason). */
  notify(): void;
  /** Live output of the running command, bounded; not journaled (its log file has it all). */
  liveOutput: string[];
  /** When the metrics were last polled (shown on screen). */
  lastPollAt?: number;
  /** AWS calls made, counted for the cost of watching. */
  readonly awsCalls: { metrics: number; traffic: number };

  // ---- waiting for a person, a gate or a retry ---------------------------------------

  readonly waiting?: Waiting;
  setWaiting(waiting: Waiting | undefined): void;
  /** Until `ms` of clock time pass or something changes; shifted traffic stays watched meanwhile. */
  waitWatching(ms: number): Promise<void>;
  /** Resolves at the next change of state, or after `timeoutMs` of clock time. */
  changed(timeoutMs?: number): Promise<void>;
  subscribe(listener: (state: SessionState) => void): () => void;

  // ---- AWS: the port, and its failures counted and retried -----------------------------

  awsFor(env?: Environment): AwsPort;
  recordAwsError(operation: string, error: unknown, env?: Environment, sentence?: string): void;
  recordAwsSuccess(operation: string, env?: Environment): void;
  retryDelayMs(operation: string, env?: Environment, policy?: RetryPolicy): number;
  /** Wait before trying a failed call again, saying on screen what failed and when the next try is. */
  backOff(operation: string, step?: string, env?: Environment): Promise<void>;
  /** The live split could not be read on resume or attach: read it again before going on. */
  driftCheckDue: boolean;

  // ---- what a person asks (the autopilot and the rollback band ask it the same way) ----

  confirmStep(stepId: string, note?: string, by?: string): string | undefined;
  confirmDangerous(stepId: string, by?: string): void;
  confirmCanaryStart(by?: string): string | undefined;
  chooseAtStageEnd(choice: StageChoice, reason?: string, by?: string): string | undefined;
  /** The rollback requests leave before anything else: no render, no disk write, no await. */
  abort(reason?: string, trigger?: RollbackTrigger): void;
  rerun(stepId: string): void;
  /** True once per `rerun` of the step: the runner takes the request. */
  takeRerun(stepId: string): boolean;
  /** Who asked to stop the previous engine's command of this step, once. */
  takeOrphanStop(stepId: string): string | undefined;
}
