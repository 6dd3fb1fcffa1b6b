import { statSync } from 'node:fs';
import type { Promotion, Runbook, Step } from '../core/runbook/schema.js';
import type { SessionEvent } from '../core/session/events.js';
import { stepDefinition, trafficShifted } from '../core/session/selectors.js';
import { foldEvents, reduce, type SessionState } from '../core/session/state.js';
import type { SessionView } from '../engine/session-view.js';
import { readLockInfo } from '../services/lock.js';
import type { SessionStore } from '../services/store/session-store.js';
import { followJournal, type JournalFollower } from './journal-follow.js';
import type { Parting } from './session-client.js';
import { sessionRunbook } from './session-runbook.js';

const REFUSED = 'This screen follows the journal: it only watches.';

/**
 * A read-only view of a session made from its journal alone, for `conductor watch` when no engine
 * answers on the session's socket (the session is finished, stopped, or driven from another host
 * sharing the folder). It takes no lock, calls no AWS API and never writes: the journal is followed
 * as it grows, so a session that is still being driven keeps moving on this screen.
 */
export class JournalSession implements SessionView {
  readonly runbook: Runbook;
  readonly promotion: Promotion;
  readonly dir: string;
  readonly readOnly = true;
  readonly liveOutput: readonly string[] = [];
  readonly waiting = undefined;
  readonly enginePid = undefined;
  private state_: SessionState;
  private follower?: JournalFollower;
  /** Wall time of the newest event: when it was written (the journal's mtime), not when it was read. */
  private lastEventWall = Date.now();
  private readonly journalFile: string;
  private readonly listeners = new Set<(state: SessionState) => void>();
  private readonly partingListeners = new Set<(parting: Parting) => void>();

  constructor(store: SessionStore, id: string) {
    const { runbook, promotion } = sessionRunbook(store, id);
    this.runbook = runbook;
    this.promotion = promotion;
    this.dir = store.dir(id);
    this.state_ = foldEvents(runbook, promotion, []);
    this.journalFile = store.journalFile(id);
    this.follower = followJournal(this.journalFile, {
      onEvents: (events) => this.apply(events),
      onBroken: (read) =>
        this.part({ kind: 'closed', reason: `its journal no longer verifies (${read.broken})` }),
    });
  }

  private apply(events: SessionEvent[]): void {
    for (const event of events) this.state_ = reduce(this.state_, event);
    // A rehearsal's clock runs on from the newest event at its speed. Anchored at the moment this
    // screen read the journal (up to a follow interval late: 5 clock minutes at ×600), every age in
    // the footer read "just now" for what was minutes old; the file's mtime is when it was written.
    this.lastEventWall = Date.now();
    try {
      this.lastEventWall = Math.min(this.lastEventWall, statSync(this.journalFile).mtimeMs);
    } catch {
      // gone for a moment (a repair renames it): the read time stands
    }
    for (const listener of this.listeners) listener(this.state_);
  }

  get state(): SessionState {
    return this.state_;
  }
  get trafficShifted(): boolean {
    return trafficShifted(this.state_);
  }
  get lastSavedAt(): number | undefined {
    return this.state_.eventCount > 0 ? this.state_.lastEventAt : undefined;
  }
  get lastPollAt(): number | undefined {
    const stages = this.state_.canary?.stages ?? [];
    return (this.state_.canary?.monitor?.samples.at(-1) ?? stages.at(-1)?.samples.at(-1))?.at;
  }

  /** The session's clock: frozen at the end of a finished session; a rehearsal's runs at its speed. */
  now(): number {
    const s = this.state_;
    if (s.status === 'completed') return s.lastEventAt;
    const speed = s.meta.rehearsal?.speed;
    if (speed === undefined) return Date.now();
    // A rehearsal's clock runs only while an engine drives it; a resume starts it where the journal ends.
    if (!this.engineRunning()) return s.lastEventAt;
    return Math.floor(s.lastEventAt + (Date.now() - this.lastEventWall) * speed);
  }

  private engineSeen?: { at: number; running: boolean };

  /** Whether a live engine holds the session's lock (read at most once a second: now() runs every frame). */
  private engineRunning(): boolean {
    const wall = Date.now();
    if (!this.engineSeen || wall - this.engineSeen.at >= 1_000)
      this.engineSeen = { at: wall, running: readLockInfo(this.dir)?.alive === true };
    return this.engineSeen.running;
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

  onParting(listener: (parting: Parting) => void): () => void {
    this.partingListeners.add(listener);
    return () => this.partingListeners.delete(listener);
  }

  private part(parting: Parting): void {
    this.follower?.stop();
    for (const listener of this.partingListeners) listener(parting);
  }

  leave(): Promise<void> {
    this.follower?.stop();
    return Promise.resolve();
  }
  disconnect(): void {
    this.follower?.stop();
  }

  // A watcher asks nothing of the session.
  abort(): void {}
  confirmStep() {
    return REFUSED;
  }
  confirmDangerous(): void {}
  confirmCanaryStart() {
    return REFUSED;
  }
  rerun(): void {}
  approve() {
    return REFUSED;
  }
  approveSigned() {
    return REFUSED;
  }
  recordTicket(): void {}
  overrideWindow() {
    return REFUSED;
  }
  pauseHold(): void {}
  extendHold(): void {}
  advanceNow() {
    return REFUSED;
  }
  chooseAtStageEnd() {
    return REFUSED;
  }
  holdAutoRollback(): void {}
  resolveDrift(): Promise<void> {
    return Promise.resolve();
  }
  abandon() {
    return REFUSED;
  }
  stopOrphan() {
    return REFUSED;
  }
}
