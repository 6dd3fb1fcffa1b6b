import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { stageChoiceRefusal, stageChoices } from '../core/canary/stage-choices.js';
import type { Variables } from '../core/runbook/interpolate.js';
import type { Environment, Promotion, Risk, Runbook, Step } from '../core/runbook/schema.js';
import type {
  ApprovalEventBody,
  DriftChoice,
  RollbackTrigger,
  SessionEvent,
  StageChoice,
} from '../core/session/events.js';
import {
  currentStage,
  currentStep,
  environmentOf,
  phaseOf,
  sessionSummary,
  stepDefinition,
  stepEnvironment,
  trafficShifted,
} from '../core/session/selectors.js';
import { foldEvents, reduce, type SessionState, type StepState } from '../core/session/state.js';
import { sessionVariables } from '../core/session/variables.js';
import type { Waiting } from '../core/session/waiting.js';
import type { Clock } from '../services/clock.js';
import { JournalWriteError } from '../services/store/journal.js';
import type { OpenedJournal, SessionStore } from '../services/store/session-store.js';
import type { EngineContext, EngineOptions } from './context.js';
import { checkDrift } from './drift.js';
import { checkIdentity, ensureIdentity } from './identity.js';
import { noticeOrphans, runningOrphan } from './orphans.js';
import type { AwsPort } from './ports.js';
import { AWS_RETRY, ErrorStreaks, type RetryPolicy, retryDelayMs, waitSeconds } from './retry.js';
import { type RollbackHandle, startRollback } from './rollback.js';
import { approveThroughGate } from './runners/approval.js';
import { runStep } from './runners/index.js';
import { approveSigned, type SignedApprovalInput } from './signed-approval.js';
import { waitWatching } from './watch.js';

// Screens and the socket's client import the type from here, where it was first defined.
export type { Waiting } from '../core/session/waiting.js';

/** What the engine's modules read (engine/context.ts), and what only the Conductor itself uses. */
export interface ConductorOptions extends EngineOptions {
  runbook: Runbook;
  promotion: Promotion;
  store: SessionStore;
  journal: OpenedJournal;
  clock: Clock;
  aws: (env: Environment) => AwsPort;
  /** Extra values for ${...} (a rehearsal points baseUrl at the sandbox). */
  variables?: (env: Environment) => Variables;
}

export interface NewSession {
  version: string;
  previousVersion?: string;
  risk: Risk;
  ticket?: string;
  window?: { start: number; end: number };
  rehearsal?: { scenario: string; speed: number };
  runbookText: string;
}

export type Listener = (state: SessionState) => void;

/**
 * Drives one session through its runbook. Every outcome becomes an event that is appended
 * (fsynced) to the journal before it is folded into state and shown; abort is the one
 * exception: its rollback requests go out first.
 */
export class Conductor implements EngineContext {
  readonly options: ConductorOptions;
  private state_: SessionState;
  private listeners = new Set<Listener>();
  private eventListeners = new Set<(event: SessionEvent) => void>();
  private errorStreaks = new ErrorStreaks();
  /** Retries of the AWS SDK (inside one call) since the last aws.retry line, per operation. */
  private sdkRetriesUnjournaled = new Map<string, number>();
  /** Aborted by stop() only (never by an interrupt of the loop): what must run to the end, a revert. */
  private stopAbort = new AbortController();
  private journalFailure?: JournalWriteError;
  private journalFailureListeners = new Set<(error: JournalWriteError) => void>();
  /** The live split could not be read on resume or attach: read again before going on. */
  driftCheckDue = false;
  private wakers: Array<() => void> = [];
  private loopAbort = new AbortController();
  private rollbackHandle?: RollbackHandle;
  /** The revert is kept signed ahead of the key (keepRevertReady). */
  private revertArmed = false;
  /** Events in effect whose write waits for the revert requests to leave (dispatchAfterRequests). */
  private unwritten: SessionEvent[] = [];
  private stopped = false;
  private running?: Promise<void>;
  mode: 'interactive' | 'guard' = 'interactive';
  waiting?: Waiting;
  /** Live output of the running command, bounded. Not journaled (the log file has it all). */
  liveOutput: string[] = [];
  private rerunRequests = new Set<string>();
  lastPollAt?: number;
  lastSavedAt?: number;
  awsCalls = { metrics: 0, traffic: 0 };

  constructor(options: ConductorOptions) {
    this.options = options;
    this.state_ = foldEvents(options.runbook, options.promotion, options.journal.read.events);
  }

  get state(): SessionState {
    return this.state_;
  }

  get runbook(): Runbook {
    return this.options.runbook;
  }

  get promotion(): Promotion {
    return this.options.promotion;
  }

  get clock(): Clock {
    return this.options.clock;
  }

  get signal(): AbortSignal {
    return this.loopAbort.signal;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every event once it is durable, in order (the engine's socket sends them to its screens). */
  subscribeEvents(listener: (event: SessionEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Durable first: written and fsynced, then folded, then shown. */
  dispatch(event: SessionEvent): void {
    // An event of the abort path waiting for its write goes first: the journal keeps the order.
    this.writeAfterRequests();
    // A journal the disk refused takes nothing more: an event that cannot be durable is not shown.
    if (this.journalFailure) throw this.journalFailure;
    try {
      this.options.journal.writer.append(event);
    } catch (error) {
      if (error instanceof JournalWriteError) this.failJournal(error);
      throw error;
    }
    this.lastSavedAt = event.at;
    this.state_ = reduce(this.state_, event);
    this.updateIndex();
    for (const listener of this.eventListeners) listener(event);
    this.notify();
  }

  /**
   * The abort path only: the event takes effect at once (the loop sees the rollback and runs no
   * step), while its disk write and its announcement wait one turn of the event loop. The revert
   * requests started just before it reach the wire in the SDK's microtasks; an fsync ahead of them
   * cost 5 to 30 ms on a busy disk (bench/abort). The rollback is under way in AWS whether or not
   * the disk takes the record, so showing it before it is durable says nothing untrue.
   */
  private dispatchAfterRequests(event: SessionEvent): void {
    if (this.journalFailure) throw this.journalFailure;
    this.state_ = reduce(this.state_, event);
    this.updateIndex();
    this.unwritten.push(event);
    if (this.unwritten.length === 1) setImmediate(() => this.writeAfterRequests());
  }

  /** Writes and announces what dispatchAfterRequests held back (next turn, next dispatch or stop). */
  private writeAfterRequests(): void {
    if (this.unwritten.length === 0) return;
    const events = this.unwritten;
    this.unwritten = [];
    for (const event of events) {
      if (this.journalFailure) return;
      try {
        this.options.journal.writer.append(event);
      } catch (error) {
        // Off the caller's stack: the failure is the engine's to report (failJournal), not a throw.
        if (error instanceof JournalWriteError) this.failJournal(error);
        return;
      }
      this.lastSavedAt = event.at;
      for (const listener of this.eventListeners) listener(event);
    }
    this.notify();
  }

  /** The session's folder: journal, command logs, reports. */
  get dir(): string {
    return this.options.journal.dir;
  }

  /** Every event of the journal, read back from disk (the truth a new screen folds). */
  journalEvents(): SessionEvent[] {
    return this.options.store.readEvents(this.options.journal.id);
  }

  /** Tell screens something not journaled changed (live output, waiting reason). */
  notify(): void {
    this.keepRevertReady();
    for (const listener of this.listeners) listener(this.state_);
    const wakers = this.wakers;
    this.wakers = [];
    for (const wake of wakers) wake();
  }

  /** Resolves at the next change of state, or after `timeoutMs` of clock time. */
  changed(timeoutMs = 1_000): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        resolve();
      };
      this.wakers.push(finish);
      this.clock.sleep(timeoutMs, this.signal).then(finish, finish);
    });
  }

  now(): number {
    return this.clock.now();
  }

  get env(): Environment {
    const env = environmentOf(this.runbook, this.promotion.to);
    if (!env) throw new Error(`environment ${this.promotion.to} missing`);
    return env;
  }

  awsFor(env: Environment = this.env): AwsPort {
    return this.options.aws(env);
  }

  variables(env: Environment = this.env): Variables {
    return {
      ...sessionVariables(this.runbook, this.state_, this.now(), env.id),
      ...(this.options.variables?.(env) ?? {}),
    };
  }

  stepEnv(stepId: string): Environment {
    return stepEnvironment(this.runbook, this.promotion, stepId);
  }

  definition(stepId: string): Step {
    const step = stepDefinition(this.promotion, stepId);
    if (!step) throw new Error(`step ${stepId} is not in promotion ${this.promotion.id}`);
    return step;
  }

  setWaiting(waiting: Waiting | undefined): void {
    const same =
      waiting?.kind === this.waiting?.kind &&
      waiting?.message === this.waiting?.message &&
      waiting?.step === this.waiting?.step;
    this.waiting = waiting;
    if (!same) this.notify();
  }

  // ---- starting and resuming ----------------------------------------------------------

  create(input: NewSession): void {
    const at = this.now();
    this.dispatch({
      type: 'session.created',
      at,
      sessionId: this.options.journal.id,
      runbookFile: this.options.runbookFile,
      runbookId: this.runbook.runbook.id,
      runbookTitle: this.runbook.runbook.title,
      runbookHash: createHash('sha256').update(input.runbookText).digest('hex'),
      promotionId: this.promotion.id,
      from: this.promotion.from,
      to: this.promotion.to,
      version: input.version,
      previousVersion: input.previousVersion,
      conductor: this.options.conductor,
      risk: input.risk,
      ticket: input.ticket,
      window: input.window,
      // The autopilot is the session's: a resume keeps it unless told otherwise (setAutopilot).
      rehearsal:
        input.rehearsal && this.options.autopilot ? { ...input.rehearsal, autopilot: true } : input.rehearsal,
    });
  }

  /**
   * Who answers for the people of a rehearsal from now on: the autopilot's stand-ins, or a person
   * (`resume --no-autopilot` takes over by hand). A change is journaled; a real session has none.
   */
  setAutopilot(on: boolean, by = this.options.conductor): string | undefined {
    if (on && !this.state_.meta.rehearsal) return 'The autopilot only drives rehearsals.';
    this.options.autopilot = on;
    if (on !== this.state_.autopilot) this.dispatch({ type: 'autopilot.set', at: this.now(), on, by });
    return undefined;
  }

  /** After a restart: record who took over, then compare the live split with the journal. */
  async resumed(tookOverFrom?: { pid: number; host: string }, warnings: string[] = []): Promise<void> {
    for (const message of [...this.options.journal.read.warnings, ...warnings]) {
      this.dispatch({ type: 'warning', at: this.now(), message });
    }
    this.dispatch({
      type: 'session.resumed',
      at: this.now(),
      pid: process.pid,
      host: hostname(),
      tookOverFrom,
    });
    // Driven as the journal says, unless this engine was asked for the other mode.
    if (this.state_.meta.rehearsal)
      this.setAutopilot(this.options.autopilot ?? this.state_.autopilot, this.options.conductor);
    // A command the previous engine started and never saw end: found (and journaled) before anything runs.
    noticeOrphans(this);
    if (this.state_.rollbackTarget && this.state_.status !== 'completed') {
      // Reading the live split is touching the environment: who the credentials are comes first.
      // STS or the read not answering now does not hold the engine up: the loop asks again.
      this.driftCheckDue = true;
      const step = currentStep(this.state_);
      if (
        await checkIdentity(
          this,
          this.env,
          'resumed',
          step && this.stepEnv(step.id) === this.env ? step : undefined,
          { wait: false },
        )
      )
        await checkDrift(this);
    }
  }

  /**
   * An AWS call failed: one sentence, every failure counted. A call tried again and again must not
   * flood the journal (nor the screen): the same error in a row is journaled at its 1st, 2nd, 4th,
   * 8th... time, with the count (engine/retry.ts). A credentials error makes identity due again.
   * `sentence` replaces the port's description (a poll cut short by its own deadline).
   */
  recordAwsError(operation: string, error: unknown, env: Environment = this.env, sentence?: string): void {
    const port = this.awsFor(env);
    const message = sentence ?? port.describeError(error, operation);
    const { streak, journal } = this.errorStreaks.fail(`${env.id}|${operation}`, message);
    if (!journal) return;
    this.dispatch({
      type: 'aws.error',
      at: this.now(),
      operation,
      message,
      env: env.id,
      ...(port.isCredentialsError?.(error) && { credentials: true }),
      ...(streak.repeats > 1 && { repeats: streak.repeats }),
    });
  }

  /**
   * The AWS SDK tried a call again (its own retries, inside one call): journaled like an error,
   * once per distinct error with the count of retries it stands for, never once per retry.
   */
  recordRetry(info: { service: string; operation: string; attempt: number; error: string }): void {
    const key = `sdk|${info.service}|${info.operation}`;
    const count = (this.sdkRetriesUnjournaled.get(key) ?? 0) + 1;
    const { streak, journal } = this.errorStreaks.fail(key, info.error);
    if (!journal) {
      this.sdkRetriesUnjournaled.set(key, count);
      return;
    }
    this.sdkRetriesUnjournaled.delete(key);
    this.dispatch({
      type: 'aws.retry',
      at: this.now(),
      service: info.service,
      operation: info.operation,
      attempt: info.attempt,
      error: info.error,
      ...(streak.repeats > 1 && { repeats: streak.repeats }),
      ...(count > 1 && { count }),
    });
  }

  /**
   * Wait before trying a failed call again, saying on screen what failed and when the next try is.
   * Resolves early when something changes (an abort, a person's answer). With traffic shifted the
   * metrics are polled meanwhile and the rollback band stays armed.
   */
  async backOff(operation: string, step?: string, env: Environment = this.env): Promise<void> {
    const delay = this.retryDelayMs(operation, env);
    const streak = this.errorStreaks.get(`${env.id}|${operation}`);
    this.setWaiting({
      step,
      kind: 'retrying',
      message: `${streak?.message ?? `${operation} failed.`} Trying again in ${waitSeconds(delay, this.clock.speed)} s (attempt ${(streak?.repeats ?? 1) + 1}).`,
    });
    await this.waitWatching(delay);
  }

  /** The call worked: its error streak is over. */
  recordAwsSuccess(operation: string, env: Environment = this.env): void {
    this.errorStreaks.end(`${env.id}|${operation}`);
  }

  /**
   * How long to wait before trying a failed call again (engine/retry.ts): doubling from 5 s to
   * 5 min of session time unless told otherwise, never under a quarter of a real second (an
   * accelerated clock must not spin), jittered so that retries do not fall in step.
   */
  retryDelayMs(operation: string, env: Environment = this.env, policy: RetryPolicy = AWS_RETRY): number {
    const repeats = this.errorStreaks.get(`${env.id}|${operation}`)?.repeats ?? 1;
    return retryDelayMs(policy, repeats, this.clock.speed);
  }

  /**
   * Wait for a person or a gate (or before a retry): until `ms` of clock time pass or something
   * changes. While traffic is shifted the metrics are polled meanwhile and the rollback band stays
   * armed (engine/watch.ts): no wait of the session leaves shifted traffic unwatched.
   */
  waitWatching(ms: number): Promise<void> {
    return waitWatching(this, ms);
  }

  /** Aborted only when the engine stops (never by an interrupt): a rollback's revert runs under it. */
  get stopSignal(): AbortSignal {
    return this.stopAbort.signal;
  }

  /** The disk refused the journal: the session cannot go on (the engine says so and stops). */
  onJournalFailure(listener: (error: JournalWriteError) => void): () => void {
    if (this.journalFailure) listener(this.journalFailure);
    this.journalFailureListeners.add(listener);
    return () => this.journalFailureListeners.delete(listener);
  }

  get journalFailed(): JournalWriteError | undefined {
    return this.journalFailure;
  }

  /**
   * Nothing more can be recorded: the loop stops driving (no step, no poll, no stage), but a
   * rollback's traffic revert goes on until AWS confirms it (it needs no disk).
   */
  private failJournal(error: JournalWriteError): void {
    if (this.journalFailure) return;
    this.journalFailure = error;
    this.stopped = true;
    this.loopAbort.abort(error);
    for (const listener of this.journalFailureListeners) listener(error);
    this.notify();
  }

  /** The traffic revert of the rollback under way: resolves once it landed (or the engine stopped). */
  revertInFlight(): Promise<unknown> | undefined {
    return this.rollbackHandle?.reverted;
  }

  /**
   * While traffic is shifted and no rollback runs, the revert of the recorded target is kept
   * signed ahead of the key (services/aws/signed-revert.ts): the abort then writes it straight to
   * a socket. Called at every change of state; the port does nothing when nothing changed.
   */
  private keepRevertReady(): void {
    const s = this.state_;
    const target = s.rollbackTarget;
    const armed =
      !this.stopped && target !== undefined && !s.rollback && s.status !== 'completed' && this.trafficShifted;
    if (!armed && !this.revertArmed) return;
    this.revertArmed = armed;
    try {
      this.awsFor().readyRollback?.(armed ? target : undefined, s.canary?.promoted === true);
    } catch {
      // Never in the way of a change of state: a revert not signed ahead goes through the SDK.
    }
  }

  // ---- the loop -----------------------------------------------------------------------

  start(): Promise<void> {
    this.keepRevertReady();
    this.running ??= this.loop().catch((error) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!this.stopped)
        this.dispatch({ type: 'session.halted', at: this.now(), reason: `engine error: ${message}` });
    });
    return this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      // A new round after an interruption (interruptLoop) runs under a fresh signal.
      if (this.loopAbort.signal.aborted) this.loopAbort = new AbortController();
      const state = this.state_;
      if (state.status === 'completed') {
        this.setWaiting(undefined);
        return;
      }
      if (state.rollback && state.rollback.completedAt === undefined) {
        await this.finishRollback();
        continue;
      }
      // The canary runner asks about a drift itself while it keeps polling with the rollback band
      // armed; anywhere else the session waits for the answer.
      const watching = currentStep(state)?.kind === 'canary';
      if (state.drift && !state.drift.resolved && !watching) {
        this.setWaiting({
          kind: 'drift',
          message:
            'The live traffic split differs from the journal: adopt it, re-apply the recorded split, or roll back.',
        });
        await this.waitWatching(5_000);
        continue;
      }
      if (state.status === 'halted') {
        this.setWaiting({ kind: 'halted', message: state.summary ?? 'The session is halted.' });
        await this.waitWatching(5_000);
        continue;
      }
      const step = currentStep(state);
      if (!step) {
        this.completeIfDone();
        continue;
      }
      // Identity before touch: nothing of a phase (no process, no http, no notice) before its account is proven.
      if (!(await ensureIdentity(this, step))) continue;
      // The live split could not be read on resume (or attach): read before going on. The canary
      // and the monitor read it with every poll.
      if (
        this.driftCheckDue &&
        step.kind !== 'canary' &&
        step.kind !== 'monitor' &&
        !(await checkDrift(this))
      ) {
        await this.backOff('read traffic split', step.id);
        continue;
      }
      this.enterPhase(step);
      await runStep(this, step);
      this.leavePhaseIfDone(step);
    }
  }

  private enterPhase(step: StepState): void {
    const phase = this.state_.phases.find((p) => p.id === step.phaseId);
    if (phase && phase.status === 'todo')
      this.dispatch({ type: 'phase.started', at: this.now(), phase: phase.id });
  }

  private leavePhaseIfDone(step: StepState): void {
    const phase = this.state_.phases.find((p) => p.id === step.phaseId);
    if (phase?.status !== 'current') return;
    const done = this.state_.steps
      .filter((s) => s.phaseId === phase.id)
      .every((s) => s.status === 'passed' || s.status === 'skipped');
    if (done) this.dispatch({ type: 'phase.completed', at: this.now(), phase: phase.id });
  }

  private completeIfDone(): void {
    if (this.state_.status === 'completed') return;
    this.dispatch({
      type: 'session.completed',
      at: this.now(),
      outcome: 'promoted',
      summary: `${this.state_.meta.version} promoted to ${this.env.title}; every step passed.`,
    });
  }

  stop(): void {
    this.writeAfterRequests();
    this.stopped = true;
    if (this.revertArmed) this.awsFor().readyRollback?.(undefined, false);
    this.revertArmed = false;
    this.loopAbort.abort(new Error('conductor stopped'));
    this.stopAbort.abort(new Error('conductor stopped'));
    this.notify();
  }

  /**
   * Cancel what the loop is doing now (a command, a poll) without stopping the session. The signal
   * stays aborted until the loop starts its next round (loop renews it there): work that looks at
   * `signal.aborted` after an await sees that it was interrupted. (Renewing it here made an
   * interrupted metrics poll look like a failed one: an AWS error and a STALE sample were written,
   * two fsyncs, before the rollback's requests reached the wire; bench/abort.)
   */
  interruptLoop(): void {
    this.loopAbort.abort(new Error('interrupted'));
  }

  // ---- the conductor's actions (called through the key table) ------------------------

  confirmStep(stepId: string, note?: string, by = this.options.conductor): string | undefined {
    const step = this.state_.steps.find((s) => s.id === stepId);
    const def = this.definition(stepId);
    if (!step || step !== currentStep(this.state_)) return 'Only the current step can be confirmed.';
    if (def.kind !== 'manual') return 'This step is not a manual item.';
    if (def.evidence === 'required' && !note?.trim())
      return 'This item needs an evidence note (a link, ticket or value).';
    const at = this.now();
    this.dispatch({ type: 'step.confirmed', at, step: stepId, by, note });
    this.dispatch({
      type: 'step.completed',
      at,
      step: stepId,
      outcome: 'passed',
      detail: `confirmed by ${by}`,
      by,
      note,
    });
    return undefined;
  }

  /**
   * End the session here, its reason journaled: a way out of a stop (a NO-GO, a halt) that will not
   * be fixed tonight. Never while traffic is shifted or a rollback runs: roll back first (x).
   */
  abandon(reason: string, by = this.options.conductor): string | undefined {
    const s = this.state_;
    if (s.status === 'completed') return 'The session is already over.';
    if (!reason.trim()) return 'Abandoning a session needs a reason.';
    if (s.rollback && s.rollback.completedAt === undefined)
      return 'A rollback is running: it finishes first.';
    if (this.trafficShifted)
      return 'Traffic is shifted to the new version: roll back first (x), then abandon.';
    const orphan = runningOrphan(this)?.command;
    if (orphan)
      return `\`${orphan.command}\` from the previous engine still runs (pid ${orphan.pid}): stop it first (enter on its step) or wait for it to end.`;
    this.interruptLoop();
    this.dispatch({
      type: 'session.completed',
      at: this.now(),
      outcome: 'abandoned',
      summary: `Abandoned by ${by}: ${reason.trim()}`,
    });
    return undefined;
  }

  /** Confirms the dangerous step's next run only (each run of a PROD apply is confirmed). */
  confirmDangerous(stepId: string, by = this.options.conductor): void {
    const attempt = (this.state_.steps.find((s) => s.id === stepId)?.attempts ?? 0) + 1;
    this.dispatch({ type: 'dangerous.confirmed', at: this.now(), step: stepId, by, attempt });
  }

  /** The decision to move the canary's first traffic: only while the canary waits for it. */
  confirmCanaryStart(by = this.options.conductor): string | undefined {
    const step = currentStep(this.state_);
    const def = step && this.definition(step.id);
    if (!step || def?.kind !== 'canary' || (this.state_.canary?.stages.length ?? 0) > 0)
      return 'The canary is not waiting to start.';
    if (step.startConfirmedBy) return undefined;
    if (this.mode === 'guard') return 'A headless guard never starts the canary.';
    this.dispatch({
      type: 'canary.start.confirmed',
      at: this.now(),
      step: step.id,
      weight: def.stages[0]?.weight ?? 0,
      by,
    });
    return undefined;
  }

  rerun(stepId: string): void {
    this.rerunRequests.add(stepId);
    this.notify();
  }

  takeRerun(stepId: string): boolean {
    return this.rerunRequests.delete(stepId);
  }

  private orphanStops = new Map<string, string>();

  /** Stop the command the previous engine left running in this step; the step then runs again. */
  stopOrphan(stepId: string, by = this.options.conductor): string | undefined {
    const step = this.state_.steps.find((s) => s.id === stepId);
    if (!step?.command?.orphan) return 'No command of this step from the previous engine is running.';
    this.orphanStops.set(stepId, by);
    this.notify();
    return undefined;
  }

  /** Who asked to stop the previous engine's command of this step, once. */
  takeOrphanStop(stepId: string): string | undefined {
    const by = this.orphanStops.get(stepId);
    this.orphanStops.delete(stepId);
    return by;
  }

  approve(record: Omit<ApprovalEventBody, 'step'> & { step?: string }): string | undefined {
    const step = record.step ?? currentStep(this.state_)?.id;
    if (!step) return 'There is no approval gate open.';
    const def = this.definition(step);
    if (def.kind !== 'approval') return 'The current step is not an approval gate.';
    // Only what a person types: `signed` and its fields come from a verified token, never from a client.
    const { role, approver, comment, reference } = record;
    return this.recordApproval(def.id, { role, approver, comment, reference });
  }

  /** Record an approval from a signed token (pasted, or the path of its file). */
  approveSigned(input: SignedApprovalInput): Promise<string | undefined> {
    return approveSigned(this, input);
  }

  private recordApproval(step: string, record: Omit<ApprovalEventBody, 'step'>): string | undefined {
    // Imported lazily to keep the gate logic in one place (core/gates).
    return approveThroughGate(this, step, record);
  }

  recordTicket(ticket: string): void {
    this.dispatch({ type: 'ticket.recorded', at: this.now(), ticket: ticket.trim() });
  }

  declareWindow(start: number, end: number): void {
    this.dispatch({ type: 'window.declared', at: this.now(), start, end });
  }

  overrideWindow(reason: string, by = this.options.conductor): string | undefined {
    if (!reason.trim()) return 'Moving traffic outside the maintenance window needs a reason.';
    this.dispatch({ type: 'window.overridden', at: this.now(), reason: reason.trim(), by });
    return undefined;
  }

  setRisk(risk: Risk, mitigation?: string): void {
    this.dispatch({ type: 'risk.set', at: this.now(), risk, mitigation });
  }

  pauseHold(by = this.options.conductor): void {
    const stage = currentStage(this.state_);
    if (!stage || stage.completedAt !== undefined || !this.state_.canary) return;
    const type = stage.pausedAt === undefined ? 'canary.paused' : 'canary.resumed';
    this.dispatch({ type, at: this.now(), step: this.state_.canary.step, by });
  }

  extendHold(by = this.options.conductor, reason?: string): void {
    const canary = this.state_.canary;
    if (!canary) return;
    const def = this.definition(canary.step);
    if (def.kind !== 'canary') return;
    this.dispatch({
      type: 'canary.extended',
      at: this.now(),
      step: canary.step,
      byMs: def.extendBy,
      by,
      reason,
    });
  }

  advanceNow(reason: string, by = this.options.conductor): string | undefined {
    const canary = this.state_.canary;
    const stage = currentStage(this.state_);
    if (!canary || !stage || stage.completedAt !== undefined) return 'No canary stage is running.';
    if (this.mode === 'guard') return 'A headless guard never advances a stage.';
    if (!reason.trim()) return 'Advancing early needs a reason.';
    if (stage.samples.some((s) => s.verdict === 'NO-GO' || s.verdict === 'ROLLBACK'))
      return 'This stage has NO-GO or ROLLBACK samples: it cannot be advanced.';
    this.dispatch({
      type: 'canary.advanced-early',
      at: this.now(),
      step: canary.step,
      stage: stage.index,
      by,
      reason,
    });
    return undefined;
  }

  chooseAtStageEnd(choice: StageChoice, reason?: string, by = this.options.conductor): string | undefined {
    const canary = this.state_.canary;
    const stage = currentStage(this.state_);
    if (!canary || !stage?.decision) return 'No decision is pending.';
    const def = this.definition(canary.step);
    // The answers the screen lists, worked out from the samples now: one that stopped being
    // allowed since the screen drew it (a STALE sample arrived) is refused, not carried out.
    if (def.kind === 'canary') {
      const refused = stageChoiceRefusal(stageChoices(this.state_, stage, def), choice);
      if (refused) return refused;
    }
    if (choice === 'advance' && this.mode === 'guard') return 'A headless guard never advances a stage.';
    if (choice === 'investigate' && !reason?.trim()) return 'Holding to investigate needs a reason.';
    if (choice === 'rollback') {
      this.abort(`conductor chose to roll back at the end of stage ${stage.index + 1}`);
      return undefined;
    }
    if (choice === 'extend') {
      this.extendHold(by, reason);
    }
    this.dispatch({
      type: 'canary.stage.choice',
      at: this.now(),
      step: canary.step,
      stage: stage.index,
      choice,
      by,
      reason,
    });
    return undefined;
  }

  /**
   * Stop the automatic rollback's countdown at once (h), with the reason if it is known already.
   * Called again with the reason once the person has typed it: that is journaled as the hold's
   * reason. A reason that comes after the countdown is gone still goes to its hold.
   */
  holdAutoRollback(reason?: string | null, by = this.options.conductor): void {
    const canary = this.state_.canary;
    if (!canary || this.state_.rollback) return;
    // Over the socket an absent reason arrives as null.
    const given = typeof reason === 'string' && reason.trim() ? reason.trim() : undefined;
    // A reason answers the hold still waiting for one, never holds a newer countdown by itself.
    const hold = canary.holds?.at(-1);
    if (given && hold && hold.reason === undefined) {
      this.dispatch({
        type: 'canary.auto-rollback.hold-reason',
        at: this.now(),
        step: canary.step,
        by,
        reason: given,
      });
      return;
    }
    const armed = canary.autoRollback;
    if (armed && armed.heldBy === undefined)
      this.dispatch({
        type: 'canary.auto-rollback.held',
        at: this.now(),
        step: canary.step,
        by,
        reason: given,
      });
  }

  async resolveDrift(choice: DriftChoice, by = this.options.conductor): Promise<void> {
    if (!this.state_.drift || this.state_.drift.resolved) return;
    if (choice === 'rollback') {
      this.dispatch({ type: 'drift.resolved', at: this.now(), choice, by });
      this.abort('conductor chose to roll back after a traffic drift', 'drift');
      return;
    }
    const target = this.state_.rollbackTarget;
    if (choice === 'reapply' && target) {
      const split = await this.awsFor().setCanaryWeight(target, this.state_.recordedWeight, this.signal);
      this.dispatch({ type: 'traffic.shifted', at: this.now(), weight: this.state_.recordedWeight, split });
    }
    if (choice === 'adopt') {
      const live = this.state_.drift.live;
      const weight =
        live.apiGateway?.canaryPercent ?? Math.round((live.lambdas[0]?.additionalWeight ?? 0) * 100);
      this.dispatch({ type: 'traffic.shifted', at: this.now(), weight, split: live });
    }
    this.dispatch({ type: 'drift.resolved', at: this.now(), choice, by });
  }

  /**
   * Abort and roll back. The rollback requests leave before anything else: no render, no
   * disk write, no await. rollback.started takes effect at once and is written at the next turn,
   * once the requests are on the wire (dispatchAfterRequests).
   */
  abort(reason = 'the abort key was pressed', trigger: RollbackTrigger = 'conductor'): void {
    if (this.rollbackHandle || (this.state_.rollback && this.state_.rollback.completedAt === undefined))
      return;
    if (this.state_.status === 'completed') return;
    const target = this.state_.rollbackTarget;
    const startedAt = this.now();
    this.rollbackHandle = startRollback(this, target, this.state_.canary?.promoted === true);
    // The loop stops a turn later, once the revert requests are on the wire: aborting its calls (a
    // hung poll's socket and its error, its timers) took 1 to 7 ms in bench/abort, between the key
    // and the requests leaving. Until then it sees the rollback in the state and moves nothing.
    setImmediate(() => this.interruptLoop());
    this.dispatchAfterRequests({
      type: 'rollback.started',
      at: startedAt,
      trigger,
      reason,
      by: trigger === 'conductor' || trigger === 'drift' ? this.options.conductor : trigger,
    });
  }

  private async finishRollback(): Promise<void> {
    this.rollbackHandle ??= startRollback(
      this,
      this.state_.rollbackTarget,
      this.state_.canary?.promoted === true,
    );
    await this.rollbackHandle.finish();
    this.rollbackHandle = undefined;
  }

  /** SIGHUP: keep guarding without a screen. Never advances a stage; may still roll back. */
  becomeGuard(): void {
    this.mode = 'guard';
    this.dispatch({
      type: 'session.detached',
      at: this.now(),
      pid: process.pid,
      host: hostname(),
      mode: 'guard',
    });
  }

  /**
   * A screen took the conductor's seat. After a spell of guarding alone the live split is read
   * again: anything changed behind the guard's back is shown before going on.
   */
  attachDriver(): void {
    const wasGuard = this.mode === 'guard';
    this.mode = 'interactive';
    this.notify();
    const s = this.state_;
    if (wasGuard && s.rollbackTarget && s.status !== 'completed' && !s.rollback && this.trafficShifted)
      void checkDrift(this).catch(() => undefined);
  }

  detach(): void {
    this.dispatch({
      type: 'session.detached',
      at: this.now(),
      pid: process.pid,
      host: hostname(),
      mode: 'exit',
    });
  }

  get trafficShifted(): boolean {
    return trafficShifted(this.state_);
  }

  private lastIndexKey = '';

  /** The conf index is rewritten whole on every set: only when what it lists has changed. */
  private updateIndex(): void {
    const s = this.state_;
    if (!s.meta.sessionId) return;
    const key = `${s.status}|${s.outcome ?? ''}|${currentStep(s)?.id ?? ''}`;
    if (key === this.lastIndexKey) return;
    this.lastIndexKey = key;
    this.options.store.updateIndex(sessionSummary(s));
  }

  phaseTitleOf(stepId: string): string {
    return phaseOf(this.promotion, stepId)?.title ?? '';
  }
}
