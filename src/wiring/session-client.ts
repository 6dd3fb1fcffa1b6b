import { connect, type Socket } from 'node:net';
import { hostname, userInfo } from 'node:os';
import { formatProblem, parseRunbook } from '../core/runbook/parse.js';
import type { Promotion, Runbook, Step } from '../core/runbook/schema.js';
import type { ApprovalEventBody, DriftChoice, StageChoice } from '../core/session/events.js';
import { findPromotion, stepDefinition, trafficShifted } from '../core/session/selectors.js';
import { foldEvents, reduce, type SessionState } from '../core/session/state.js';
import type { Waiting } from '../engine/conductor.js';
import {
  ABORT_LINE,
  type ClientMessage,
  type ClientRole,
  type EngineMessage,
  encode,
  type LiveFacts,
  lineReader,
} from '../engine/host/protocol.js';
import type { SessionAction, SessionView } from '../engine/session-view.js';
import { UserError } from '../errors.js';

type Welcome = Extract<EngineMessage, { t: 'welcome' }>;

/** Why the engine let this screen go (another screen took the seat, the engine stopped). */
export type Parting =
  | { kind: 'replaced'; by: { pid: number; host: string } }
  | { kind: 'closed'; reason: string }
  /** The engine cannot go on: `message` is its one sentence (what happened, the way back). */
  | { kind: 'fatal'; message: string };

/**
 * A screen's view of a session driven by an engine process: it folds the engine's events with the
 * same reducer, shows the engine's live facts, and sends the person's actions over the socket.
 */
export class RemoteSession implements SessionView {
  readonly runbook: Runbook;
  readonly promotion: Promotion;
  readonly dir: string;
  readonly readOnly: boolean;
  readonly enginePid: number;
  private state_: SessionState;
  private live: LiveFacts;
  private readonly clock: Welcome['clock'];
  private readonly listeners = new Set<(state: SessionState) => void>();
  private readonly pending = new Map<number, (value: string | undefined) => void>();
  private readonly partingListeners = new Set<(parting: Parting) => void>();
  private nextId = 1;
  private parting?: Parting;
  private readonly abortToken?: string;

  constructor(
    private readonly socket: Socket,
    welcome: Welcome,
    role: ClientRole,
    private readonly socketPath?: string,
  ) {
    const parsed = parseRunbook(welcome.runbookText, welcome.runbookFile);
    if (!parsed.ok) throw new UserError(parsed.problems.map(formatProblem).join('\n'));
    const promotion = findPromotion(parsed.runbook, welcome.promotionId);
    if (!promotion) throw new UserError(`The engine's runbook has no promotion ${welcome.promotionId}.`);
    this.runbook = parsed.runbook;
    this.promotion = promotion;
    this.dir = welcome.dir;
    this.readOnly = role === 'watcher';
    this.enginePid = welcome.enginePid;
    this.clock = welcome.clock;
    this.state_ = foldEvents(parsed.runbook, promotion, welcome.events);
    this.live = welcome.live;
    this.abortToken = welcome.abortToken;
  }

  /**
   * Where the key thread sends the abort key on a connection of its own (terminal/key-thread.ts):
   * the engine's socket and the token of this driver; undefined for a watcher.
   */
  abortChannel(): { socketPath: string; token: string } | undefined {
    if (this.readOnly || this.abortToken === undefined || this.socketPath === undefined) return undefined;
    return { socketPath: this.socketPath, token: this.abortToken };
  }

  /** Messages after the welcome. */
  receive(message: EngineMessage): void {
    switch (message.t) {
      case 'event':
        this.state_ = reduce(this.state_, message.event);
        this.live = { ...this.live, lastSavedAt: message.event.at };
        this.changed();
        break;
      case 'live':
        this.live = message.live;
        this.changed();
        break;
      case 'result':
        this.pending.get(message.id)?.(message.error ?? message.value);
        this.pending.delete(message.id);
        break;
      case 'replaced':
        this.part({ kind: 'replaced', by: message.by });
        break;
      case 'bye':
        this.part({ kind: 'closed', reason: message.reason });
        break;
      case 'fatal':
        this.part({ kind: 'fatal', message: message.message });
        break;
      default:
        break;
    }
  }

  /** The socket closed: every pending question gets its answer, listeners hear why. */
  closed(): void {
    for (const [, resolve] of this.pending) resolve('The engine is gone; the session is saved.');
    this.pending.clear();
    this.part({ kind: 'closed', reason: 'the engine closed the connection' });
  }

  private part(parting: Parting): void {
    if (this.parting) return;
    this.parting = parting;
    for (const listener of this.partingListeners) listener(parting);
  }

  onParting(listener: (parting: Parting) => void): () => void {
    if (this.parting) listener(this.parting);
    this.partingListeners.add(listener);
    return () => this.partingListeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener(this.state_);
  }

  get state(): SessionState {
    return this.state_;
  }
  get waiting(): Waiting | undefined {
    return this.live.waiting;
  }
  get liveOutput(): readonly string[] {
    return this.live.liveOutput;
  }
  get lastPollAt(): number | undefined {
    return this.live.lastPollAt;
  }
  get lastSavedAt(): number | undefined {
    return this.live.lastSavedAt;
  }
  get mode(): LiveFacts['mode'] {
    return this.live.mode;
  }
  get trafficShifted(): boolean {
    return trafficShifted(this.state_);
  }

  now(): number {
    return Math.floor(this.clock.at + (Date.now() - this.clock.wall) * this.clock.speed);
  }

  definition(stepId: string): Step {
    const step = stepDefinition(this.promotion, stepId);
    if (!step) throw new Error(`step ${stepId} is not in promotion ${this.promotion.id}`);
    return step;
  }

  subscribe(listener: (state: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private write(message: ClientMessage): void {
    if (!this.socket.destroyed) this.socket.write(encode(message));
  }

  private call(method: SessionAction, ...args: unknown[]): Promise<string | undefined> {
    if (this.readOnly) return Promise.resolve('This screen only watches the session.');
    if (this.socket.destroyed) return Promise.resolve('The engine is gone; the session is saved.');
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.write({ t: 'call', id, method, args });
    });
  }

  /** The abort path: one short line on the socket, before anything else. */
  abort(): void {
    if (!this.readOnly && !this.socket.destroyed) this.socket.write(`${ABORT_LINE}\n`);
  }
  confirmStep(stepId: string, note?: string) {
    return this.call('confirmStep', stepId, note);
  }
  confirmDangerous(stepId: string): void {
    void this.call('confirmDangerous', stepId);
  }
  confirmCanaryStart() {
    return this.call('confirmCanaryStart');
  }
  rerun(stepId: string): void {
    void this.call('rerun', stepId);
  }
  stopOrphan(stepId: string) {
    return this.call('stopOrphan', stepId);
  }
  approve(record: Omit<ApprovalEventBody, 'step'> & { step?: string }) {
    return this.call('approve', record);
  }
  approveSigned(input: { step?: string; token?: string; file?: string }) {
    return this.call('approveSigned', input);
  }
  recordTicket(ticket: string): void {
    void this.call('recordTicket', ticket);
  }
  overrideWindow(reason: string) {
    return this.call('overrideWindow', reason);
  }
  pauseHold(): void {
    void this.call('pauseHold');
  }
  extendHold(): void {
    void this.call('extendHold');
  }
  advanceNow(reason: string) {
    return this.call('advanceNow', reason);
  }
  chooseAtStageEnd(choice: StageChoice, reason?: string) {
    return this.call('chooseAtStageEnd', choice, reason);
  }
  holdAutoRollback(reason?: string): void {
    if (reason === undefined) void this.call('holdAutoRollback');
    else void this.call('holdAutoRollback', reason);
  }
  abandon(reason: string) {
    return this.call('abandon', reason);
  }
  async resolveDrift(choice: DriftChoice): Promise<void> {
    const error = await this.call('resolveDrift', choice);
    if (error) throw new Error(error);
  }

  /** The screen leaves: 'detach' leaves the engine guarding; 'quit' ends it when nothing is shifted. */
  leave(how: 'detach' | 'quit'): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.end(encode({ t: 'leave', how }), () => resolve());
      setTimeout(resolve, 1_000).unref();
    });
  }

  /** Leave without a word (the terminal went away): the engine guards. */
  disconnect(): void {
    this.socket.destroy();
  }
}

/** Attach to the engine of a session at `socketPath`. Rejects when no engine answers there. */
export function attachSession(
  socketPath: string,
  role: ClientRole,
  /** `autopilot`: a driver that takes the autopilot up (true) or over by hand (false); absent keeps it. */
  options: { timeoutMs?: number; autopilot?: boolean } = {},
): Promise<RemoteSession> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    socket.setNoDelay(true);
    let session: RemoteSession | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new UserError(`The session's engine did not answer on ${socketPath}.`));
    }, options.timeoutMs ?? 5_000);
    socket.on(
      'data',
      lineReader((line) => {
        let message: EngineMessage;
        try {
          message = JSON.parse(line) as EngineMessage;
        } catch {
          return;
        }
        if (session) {
          session.receive(message);
          return;
        }
        if (message.t !== 'welcome') return;
        clearTimeout(timer);
        try {
          session = new RemoteSession(socket, message, role, socketPath);
          resolve(session);
        } catch (error) {
          socket.destroy();
          reject(error);
        }
      }),
    );
    socket.on('error', (error) => {
      clearTimeout(timer);
      if (!session) reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      session?.closed();
    });
    socket.on('connect', () => {
      socket.write(
        encode({
          t: 'hello',
          role,
          pid: process.pid,
          host: hostname(),
          user: userInfo().username,
          ...(role === 'driver' && options.autopilot !== undefined ? { autopilot: options.autopilot } : {}),
        }),
      );
    });
  });
}
