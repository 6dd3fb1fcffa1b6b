import type { ExtraValue } from '../canary/extra-metrics.js';
import type { SeriesStats, Verdict } from '../canary/verdict.js';
import type { Risk } from '../runbook/schema.js';

export type { Verdict };

/**
 * Everything that happens in a session is one of these events. The journal holds them in
 * order; the state is always fold(events). An event carries `at` (clock epoch ms) and never
 * anything secret (no webhook URLs, no credentials).
 */

export interface TrafficLambda {
  functionName: string;
  alias: string;
  primaryVersion: string;
  additionalVersion?: string;
  /** Share of invocations that go to `additionalVersion`, 0..1 (0 when there is none). */
  additionalWeight: number;
}
export interface TrafficStage {
  restApiId: string;
  stage: string;
  deploymentId: string;
  canaryDeploymentId?: string;
  /** 0..100, 0 when the stage has no canary. */
  canaryPercent: number;
}
/** The live split as read back from AWS. */
export interface TrafficSnapshot {
  apiGateway?: TrafficStage;
  lambdas: TrafficLambda[];
  /** Epoch ms (on the AWS clients' clock) when this was read. */
  readAt: number;
}

/**
 * Where a rollback goes, read from AWS and recorded before any traffic moves, so that a rollback
 * after a resume still knows the stable version and deployment.
 */
export interface RollbackTargetRecord {
  apiGateway?: { restApiId: string; stage: string; deploymentId: string; canaryDeploymentId?: string };
  lambdas: Array<{ functionName: string; alias: string; stableVersion: string; canaryVersion: string }>;
}

export interface EvidenceRecord {
  id: string;
  fact: string;
  value: number | null;
  limit?: string;
  ok: boolean;
  detail: string;
}

export interface SampleTargetRecord {
  targetId: string;
  label: string;
  verdict: Verdict;
  reasons: string[];
  canary: SeriesStats;
  baseline: SeriesStats;
  /**
   * The p95 the verdict's limits were computed from (the runbook's fixed baseline, the stable
   * version's, or the last good one); null when there was none. Charts draw the same lines.
   */
  limitsBaseP95Ms?: number | null;
}

export interface ApprovalEventBody {
  step: string;
  role: string;
  approver: string;
  comment: string;
  reference?: string;
  /**
   * Signed by the approver (issue 16.1): `approver` is the signer's name in the runbook, the key's
   * fingerprint names the key, and the whole token is kept so `verify-approvals` can check it
   * again. Absent: typed in, recorded by the conductor.
   */
  signed?: true;
  signer?: string;
  fingerprint?: string;
  token?: string;
  signedAt?: number;
  /** When the token's claims were checked, in real time (a token expires in real time). */
  checkedAt?: number;
  /**
   * The token's expiry on the session's clock: the approval lasts no longer, whatever the gate's
   * expiry. A rehearsal's accelerated clock gets its real hour as `speed` hours; the token holds
   * its literal expiry.
   */
  validUntil?: number;
}

export interface GoNoGoRowRecord {
  input: string;
  value: string;
  limit: string;
  verdict: string;
  reason: string;
}

/**
 * Why conductor asked STS who the credentials are (core/gates/identity.ts decides when):
 * - phase: the first step of a phase in that environment;
 * - profile: a step of another environment's phase names this environment's AWS profile;
 * - dangerous: right before a dangerous step runs;
 * - resumed: the session was resumed (credentials may have changed while it was away);
 * - credentials-error: an AWS call with these credentials failed for want of valid credentials;
 * - refused: the last check of this environment refused, so it is asked again.
 */
export type IdentityCheckReason =
  | 'phase'
  | 'profile'
  | 'dangerous'
  | 'resumed'
  | 'credentials-error'
  | 'refused';

/** Why a progress update went out: the first verdict of a stage, a verdict change, or the interval. */
export type ProgressReason = 'stage' | 'verdict' | 'interval';

/** What a stakeholder progress update reported (core/session/progress-updates.ts decides when one is due). */
export interface ProgressMark {
  reason: ProgressReason;
  /** The canary stage (0-based) the update was about; -1 for the monitoring after promotion. */
  stage: number;
  /** The verdict of the latest judged sample it reported; absent when there was none. */
  verdict?: Verdict;
}

export type StepOutcome = 'passed' | 'failed' | 'skipped';

/** A command's process group: every command leads a group of its own, so its id is the leader's pid. */
export interface CommandGroupRecord {
  pid: number;
  pgid: number;
  /** When the leader started (epoch ms, from /proc): a later process given the same pid is not it. */
  processStartedAt?: number;
  host: string;
}

/**
 * What an engine found of a command group journaled before it and never seen to end:
 * - running: alive on this host, its leader the same process (same start time): waited for;
 * - gone: it ended unseen; its outcome is unknown;
 * - reused: its pid now names another process (another start time): never signalled;
 * - elsewhere: it ran on another host, which this engine cannot see;
 * - unverifiable: the pid is alive but its start time cannot be read to prove it is the same process.
 */
export type OrphanState = 'running' | 'gone' | 'reused' | 'elsewhere' | 'unverifiable';
export type SessionOutcome = 'promoted' | 'rolled-back' | 'halted' | 'abandoned';
export type RollbackTrigger = 'conductor' | 'automatic' | 'guard' | 'drift';
export type DriftChoice = 'adopt' | 'reapply' | 'rollback';
export type StageChoice = 'extend' | 'advance' | 'rollback' | 'investigate';

export type SessionEvent =
  | {
      type: 'session.created';
      at: number;
      sessionId: string;
      runbookFile: string;
      runbookId: string;
      runbookTitle: string;
      runbookHash: string;
      promotionId: string;
      from: string;
      to: string;
      version: string;
      previousVersion?: string;
      conductor: string;
      risk: Risk;
      ticket?: string;
      window?: { start: number; end: number };
      /** `autopilot`: the rehearsal's stand-ins answer for the people (absent: a person drives). */
      rehearsal?: { scenario: string; speed: number; autopilot?: boolean };
    }
  | { type: 'ticket.recorded'; at: number; ticket: string }
  | { type: 'risk.set'; at: number; risk: Risk; mitigation?: string }
  | { type: 'window.declared'; at: number; start: number; end: number }
  | { type: 'window.overridden'; at: number; reason: string; by: string }
  | { type: 'phase.started'; at: number; phase: string }
  | { type: 'phase.completed'; at: number; phase: string }
  | { type: 'step.started'; at: number; step: string; attempt: number }
  /** Steps run again (a go/no-go input measured anew, then the decision): back to pending. */
  | { type: 'steps.reopened'; at: number; steps: string[]; reason: string; by: string }
  | {
      type: 'step.completed';
      at: number;
      step: string;
      outcome: StepOutcome;
      detail: string;
      evidence?: EvidenceRecord[];
      exitCode?: number | null;
      durationMs?: number;
      logFile?: string;
      by?: string;
      note?: string;
    }
  | { type: 'step.confirmed'; at: number; step: string; by: string; note?: string }
  /** A dangerous step's run confirmed by a person: good for that one attempt (a rerun asks again). */
  | { type: 'dangerous.confirmed'; at: number; step: string; by: string; attempt?: number }
  /**
   * A command step is about to start: journaled before its process exists, with the marker put in
   * its environment, so an engine that dies between the spawn and `command.started` leaves a
   * command the next engine can still find (services/commands/process-group.ts findGroupByMarker).
   */
  | {
      type: 'command.starting';
      at: number;
      step: string;
      attempt: number;
      command: string;
      marker: string;
      host: string;
    }
  /**
   * A rollback procedure's command is about to start, its marker in its environment: an engine that
   * dies while it runs leaves it findable, and the next engine waits for it before running it again.
   */
  | {
      type: 'rollback.command.starting';
      at: number;
      step: string;
      command: string;
      marker: string;
      host: string;
    }
  /** A command announced as starting by an engine that died before it saw it start, not found running. */
  | {
      type: 'command.start-unconfirmed';
      at: number;
      step: string;
      attempt: number;
      state: 'gone' | 'elsewhere' | 'unverifiable';
      detail: string;
    }
  /**
   * A command step's process started. Journaled as it starts, before its output: an engine that dies
   * leaves this behind, and the next one looks for the group before it runs the step again. The
   * step's step.completed (or an orphan's end, below) closes it.
   */
  | ({
      type: 'command.started';
      at: number;
      step: string;
      attempt: number;
      command: string;
      /** Its environment's CONDUCTOR_RUN_MARKER, from its command.starting. */
      marker?: string;
      /** Journaled by a later engine that found it by its marker (its own engine died first). */
      recovered?: boolean;
    } & CommandGroupRecord)
  /** An engine found a command started before it and never closed; only `running` is waited for. */
  | {
      type: 'command.orphan-found';
      at: number;
      step: string;
      attempt: number;
      pid: number;
      host: string;
      command: string;
      state: OrphanState;
      runningForMs?: number;
      detail: string;
    }
  /** The orphan waited for ended by itself (its exit code went to the engine that died). */
  | { type: 'command.orphan-exited'; at: number; step: string; attempt: number; pid: number; detail: string }
  /** The orphan was stopped: asked by a person, or at the step's timeout. */
  | {
      type: 'command.orphan-stopped';
      at: number;
      step: string;
      attempt: number;
      pid: number;
      by: string;
      /** asked by a person, its step's timeout, or the session ending (rolled back, abandoned) without it. */
      reason: 'asked' | 'timeout' | 'session-end';
      /** Nothing of its group runs any more. */
      stopped: boolean;
      detail: string;
    }
  /** The person decided to move the first traffic (the canary's `start: manual`). */
  | { type: 'canary.start.confirmed'; at: number; step: string; weight: number; by: string }
  | ({ type: 'approval.recorded'; at: number } & ApprovalEventBody)
  | { type: 'approval.refused'; at: number; step: string; role: string; approver: string; reason: string }
  | { type: 'gate.escalated'; at: number; step: string; text: string }
  | {
      type: 'gonogo.decided';
      at: number;
      step: string;
      decision: 'GO' | 'GO-EXTRA-MONITORING' | 'NO-GO';
      rows: GoNoGoRowRecord[];
      whatWouldChange: string[];
    }
  | {
      type: 'notification.rendered';
      at: number;
      step: string;
      template: string;
      channel: string;
      text: string;
      /** Set on a stakeholder progress update: when the next one is due is derived from these. */
      progress?: ProgressMark;
    }
  | {
      type: 'notification.posted';
      at: number;
      template: string;
      channel: string;
      ok: boolean;
      attempts: number;
      error?: string;
    }
  /** Older journals: the canary's own check, before identity.checked existed. */
  | { type: 'identity.verified'; at: number; env: string; account: string; arn: string }
  /**
   * STS GetCallerIdentity with the environment's credentials, and the verdict: ok when the account
   * is the runbook's. `account` is null when STS did not answer (then `error` says why).
   */
  | {
      type: 'identity.checked';
      at: number;
      env: string;
      expected: string;
      account: string | null;
      arn?: string;
      profile?: string;
      ok: boolean;
      reason: IdentityCheckReason;
      /** The phase and step the check was made for (absent when made on resume with no step left). */
      phase?: string;
      step?: string;
      error?: string;
    }
  | { type: 'rollback-target.recorded'; at: number; target: RollbackTargetRecord }
  | { type: 'traffic.read'; at: number; split: TrafficSnapshot }
  | { type: 'canary.stage.started'; at: number; step: string; stage: number; weight: number; holdMs: number }
  | { type: 'traffic.shifted'; at: number; weight: number; split: TrafficSnapshot }
  | {
      type: 'canary.sample';
      at: number;
      step: string;
      stage: number;
      windowStart: number;
      windowEnd: number;
      verdict: Verdict;
      reasons: string[];
      targets: SampleTargetRecord[];
      extra?: ExtraValue[];
    }
  | { type: 'canary.paused'; at: number; step: string; by: string }
  | { type: 'canary.resumed'; at: number; step: string; by: string }
  | { type: 'canary.extended'; at: number; step: string; byMs: number; by: string; reason?: string }
  | {
      type: 'canary.stage.completed';
      at: number;
      step: string;
      stage: number;
      verdict: Verdict;
      summary: string;
    }
  | {
      type: 'canary.stage.decision-needed';
      at: number;
      step: string;
      stage: number;
      action: 'ask' | 'halt';
      reason: string;
    }
  | {
      type: 'canary.stage.choice';
      at: number;
      step: string;
      stage: number;
      choice: StageChoice;
      by: string;
      reason?: string;
    }
  | { type: 'canary.advanced-early'; at: number; step: string; stage: number; by: string; reason: string }
  | {
      type: 'canary.auto-rollback.armed';
      at: number;
      step: string;
      /** Clock time the rollback fires; the countdown runs in real seconds (see realTimeDeadline). */
      deadline: number;
      reason: string;
      /** Clock ms per real ms while it counts down (a rehearsal's speed); absent: 1. */
      speed?: number;
    }
  /**
   * The countdown is stopped the moment h is pressed; the reason is asked after and follows in
   * `canary.auto-rollback.hold-reason` (absent here: "reason to follow").
   */
  | { type: 'canary.auto-rollback.held'; at: number; step: string; by: string; reason?: string }
  | { type: 'canary.auto-rollback.hold-reason'; at: number; step: string; by: string; reason: string }
  | { type: 'canary.promoted'; at: number; step: string; split: TrafficSnapshot }
  | { type: 'monitor.started'; at: number; step: string; durationMs: number }
  | {
      type: 'aws.retry';
      at: number;
      service: string;
      operation: string;
      attempt: number;
      error: string;
      /** The same error, this many SDK retries in a row (journaled at 1, 2, 4, 8, ... not at every retry). */
      repeats?: number;
      /** Retries of this operation this line stands for, since its previous aws.retry line (absent: 1). */
      count?: number;
    }
  | {
      type: 'aws.error';
      at: number;
      operation: string;
      message: string;
      /** The environment whose credentials made the call. */
      env?: string;
      /** The credentials were missing, invalid or expired: identity is checked again before going on. */
      credentials?: boolean;
      /** The same error, this many times in a row (journaled at 1, 2, 4, 8, ... not at every retry). */
      repeats?: number;
    }
  | { type: 'drift.detected'; at: number; recordedWeight: number; live: TrafficSnapshot; details: string[] }
  | { type: 'drift.resolved'; at: number; choice: DriftChoice; by: string }
  | { type: 'rollback.started'; at: number; trigger: RollbackTrigger; reason: string; by: string }
  | {
      type: 'rollback.traffic-reverted';
      at: number;
      split: TrafficSnapshot;
      verified: boolean;
      durationMs: number;
      /** Rounds of revert requests it took when AWS refused or did not answer the first (absent: 1). */
      attempts?: number;
    }
  | { type: 'rollback.step'; at: number; step: string; outcome: StepOutcome; detail: string }
  | { type: 'rollback.completed'; at: number; verified: boolean; summary: string }
  | { type: 'session.detached'; at: number; pid: number; host: string; mode: 'guard' | 'exit' }
  /** A screen (a client of the engine process) took the conductor's seat. */
  | { type: 'session.attached'; at: number; pid: number; host: string; user: string }
  | {
      type: 'session.resumed';
      at: number;
      pid: number;
      host: string;
      tookOverFrom?: { pid: number; host: string };
    }
  /** A rehearsal's autopilot taken up or handed back (resume --autopilot / --no-autopilot). */
  | { type: 'autopilot.set'; at: number; on: boolean; by: string }
  | { type: 'session.halted'; at: number; reason: string }
  | { type: 'session.completed'; at: number; outcome: SessionOutcome; summary: string }
  | { type: 'warning'; at: number; message: string }
  /**
   * The journal was cut back to its verified prefix: by `conductor repair` after a break in the
   * chain, or by a resume after a torn last line. What was removed is saved beside the journal.
   */
  | ({ type: 'journal.repaired'; at: number } & JournalRepairBody);

export interface JournalRepairBody {
  reason: 'broken' | 'torn-tail';
  /** The line (1-based) where the verified prefix ended: the break, or the torn line. */
  line: number;
  why?: string;
  keptEvents: number;
  removedBytes: number;
  /** The file the removed bytes were saved to, beside the journal. */
  savedAs?: string;
  by: string;
}

export type SessionEventType = SessionEvent['type'];
export type EventOf<T extends SessionEventType> = Extract<SessionEvent, { type: T }>;
