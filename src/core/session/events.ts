import type { Risk } from '../runbook/schema.js';

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
  /** 0..1 */
  additionalWeight: number;
}
export interface TrafficStage {
  restApiId: string;
  stage: string;
  deploymentId: string;
  canaryDeploymentId?: string;
  /** 0..100 */
  canaryPercent: number;
}
/** The live split as read back from AWS. */
export interface TrafficSnapshot {
  apiGateway?: TrafficStage;
  lambdas: TrafficLambda[];
  readAt: number;
}

/** Where a rollback goes, read from AWS before any traffic moves. */
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

export interface SeriesRecord {
  requests: number;
  errors: number;
  errorRatePct: number | null;
  p95Ms: number | null;
  throttles: number;
}

export type Verdict = 'PASS' | 'WATCH' | 'NO-GO' | 'ROLLBACK' | 'INSUFFICIENT' | 'STALE';

export interface SampleTargetRecord {
  targetId: string;
  label: string;
  verdict: Verdict;
  reasons: string[];
  canary: SeriesRecord;
  baseline: SeriesRecord;
}

export interface ApprovalEventBody {
  step: string;
  role: string;
  approver: string;
  comment: string;
  reference?: string;
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

export type StepOutcome = 'passed' | 'failed' | 'skipped';
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
      rehearsal?: { scenario: string; speed: number };
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
  | { type: 'dangerous.confirmed'; at: number; step: string; by: string }
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
      extra?: Array<{ id: string; value: number | null }>;
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
  | { type: 'aws.retry'; at: number; service: string; operation: string; attempt: number; error: string }
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
