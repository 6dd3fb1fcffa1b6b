import { endsRollbackBreach } from '../canary/stage.js';
import type { Promotion, Runbook, StepKind } from '../runbook/schema.js';
import type {
  ApprovalEventBody,
  CommandGroupRecord,
  DriftChoice,
  EventOf,
  EvidenceRecord,
  GoNoGoRowRecord,
  JournalRepairBody,
  OrphanState,
  ProgressMark,
  RollbackTargetRecord,
  RollbackTrigger,
  SampleTargetRecord,
  SessionEvent,
  SessionOutcome,
  StageChoice,
  TrafficSnapshot,
  Verdict,
} from './events.js';

/** Samples kept per canary stage in memory (the journal keeps them all). */
export const MAX_SAMPLES_PER_STAGE = 240;

export type StepStatus = 'pending' | 'running' | 'passed' | 'failed' | 'skipped';

export interface StepState {
  id: string;
  phaseId: string;
  kind: StepKind;
  title: string;
  status: StepStatus;
  attempts: number;
  startedAt?: number;
  endedAt?: number;
  detail?: string;
  evidence: EvidenceRecord[];
  exitCode?: number | null;
  durationMs?: number;
  logFile?: string;
  confirmedBy?: string;
  note?: string;
  dangerousConfirmedBy?: string;
  /** Who decided to move the canary's first traffic. */
  startConfirmedBy?: string;
  /** The process group of the step's command, from its start until its end is journaled. */
  command?: CommandRunState;
  /** A command announced (command.starting) and not yet seen to start: looked for by its marker. */
  commandStarting?: { attempt: number; command: string; marker: string; host: string; at: number };
  /** The attempt `dangerousConfirmedBy` confirmed: a dangerous step's next attempt asks again. */
  dangerousConfirmedFor?: number;
  startConfirmedAt?: number;
}

export interface CommandRunState extends CommandGroupRecord {
  attempt: number;
  command: string;
  marker?: string;
  at: number;
  /** What a later engine found of it, while it waits for it to end. */
  orphan?: { state: OrphanState; at: number; detail: string };
}

export interface PhaseState {
  id: string;
  title: string;
  environment: string;
  status: 'todo' | 'current' | 'done';
  startedAt?: number;
  endedAt?: number;
}

export interface SampleState {
  at: number;
  windowStart: number;
  windowEnd: number;
  verdict: Verdict;
  reasons: string[];
  targets: SampleTargetRecord[];
  extra?: Array<{ id: string; value: number | null }>;
}

export interface CanaryStageState {
  index: number;
  weight: number;
  holdMs: number;
  startedAt: number;
  extendedMs: number;
  /** Hold time that did not count: paused by the conductor or metrics stale. */
  pausedMs: number;
  pausedAt?: number;
  /** Who paused the hold: the conductor's handle, or 'metrics-stale' when the timer held itself. */
  pausedBy?: string;
  samples: SampleState[];
  completedAt?: number;
  verdict?: Verdict;
  summary?: string;
  decision?: { action: 'ask' | 'halt'; reason: string; at: number };
  choices: Array<{ choice: StageChoice; by: string; reason?: string; at: number }>;
  /** A drift adopted while the stage ran: the weight it runs at since, instead of `weight`. */
  adoptedWeight?: number;
}

/** A person stopped an automatic rollback's countdown: at once, with the reason given after. */
export interface AutoRollbackHold {
  at: number;
  step: string;
  by: string;
  /** Why the rollback fired the countdown. */
  breach: string;
  /** Undefined while the reason is still to follow. */
  reason?: string;
  reasonAt?: number;
}

export interface CanaryState {
  step: string;
  stages: CanaryStageState[];
  promoted: boolean;
  promotedAt?: number;
  autoRollback?: {
    deadline: number;
    reason: string;
    /** Clock ms per real ms while it counts down: the countdown runs in real seconds. */
    speed?: number;
    heldBy?: string;
    heldAt?: number;
    /** Undefined while held with the reason still to follow. */
    heldReason?: string;
  };
  /** Every hold of an automatic rollback, kept after the countdown it stopped is gone (journal, report). */
  holds?: AutoRollbackHold[];
  monitor?: { step: string; startedAt: number; durationMs: number; samples: SampleState[] };
}

/** What the session was started with (its session.created event), and what was recorded since. */
export type SessionMeta = Omit<EventOf<'session.created'>, 'type' | 'at'> & {
  mitigation?: string;
  windowOverride?: { reason: string; by: string; at: number };
  createdAt: number;
};

export interface RollbackState {
  trigger: RollbackTrigger;
  reason: string;
  by: string;
  startedAt: number;
  revertedAt?: number;
  revertDurationMs?: number;
  verified?: boolean;
  split?: TrafficSnapshot;
  steps: Array<{ step: string; outcome: string; detail: string; at: number }>;
  /** The procedure's command started last and not yet recorded (rollback.step closes it). */
  commandStarting?: { step: string; command: string; marker: string; host: string; at: number };
  completedAt?: number;
  summary?: string;
}

/** A progress update as journaled (its notification.rendered event's mark and time). */
export type ProgressRecord = ProgressMark & { at: number };

/** One STS GetCallerIdentity check, as journaled. */
export type IdentityCheckState = Omit<EventOf<'identity.checked'>, 'type'>;

/**
 * Whether an environment's identity still stands: `clear` in the phase it was checked for, or
 * stale since a refusal, a resume or a credentials error (core/gates/identity.ts reads this).
 */
export type IdentityClearance =
  | { clear: true; phase?: string; at: number }
  | { clear: false; since: 'refused' | 'resumed' | 'credentials-error'; at: number };

/** Identity checks kept in memory (the journal keeps them all). */
export const MAX_IDENTITY_CHECKS = 200;

export interface SessionState {
  meta: SessionMeta;
  status: 'active' | 'halted' | 'completed';
  outcome?: SessionOutcome;
  summary?: string;
  /** When the session completed (session.completed); the screens' clock stops there. */
  completedAt?: number;
  phases: PhaseState[];
  steps: StepState[];
  approvals: Array<ApprovalEventBody & { at: number }>;
  refusals: Array<{ step: string; role: string; approver: string; reason: string; at: number }>;
  escalations: Array<{ step: string; text: string; at: number }>;
  gonogo?: {
    step: string;
    decision: 'GO' | 'GO-EXTRA-MONITORING' | 'NO-GO';
    rows: GoNoGoRowRecord[];
    whatWouldChange: string[];
    at: number;
  };
  notifications: Array<{
    step: string;
    template: string;
    channel: string;
    text: string;
    at: number;
    posted?: boolean;
    error?: string;
  }>;
  /** Stakeholder progress updates sent so far: the last, and the last sent for the interval. */
  progress?: { last: ProgressRecord; lastInterval?: ProgressRecord };
  identity: Record<string, { account: string; arn: string; at: number }>;
  identityChecks: IdentityCheckState[];
  identityClearance: Record<string, IdentityClearance>;
  rollbackTarget?: RollbackTargetRecord;
  /** The rehearsal's autopilot answers for the people: as started, then as each autopilot.set says. */
  autopilot: boolean;
  /** The canary weight the journal says is live (percent). */
  recordedWeight: number;
  /** The split the journal last set (or adopted), resource by resource: what drift is judged against. */
  recordedSplit?: TrafficSnapshot;
  lastSplit?: TrafficSnapshot;
  canary?: CanaryState;
  drift?: {
    recordedWeight: number;
    live: TrafficSnapshot;
    details: string[];
    at: number;
    resolved?: DriftChoice;
  };
  rollback?: RollbackState;
  retries: number;
  awsErrors: Array<{ operation: string; message: string; at: number }>;
  warnings: string[];
  attachments: Array<{
    kind: 'detached' | 'resumed' | 'attached';
    pid: number;
    host: string;
    at: number;
    mode?: string;
  }>;
  /** Each time the journal was cut back to its verified prefix (repair, or a torn tail on resume). */
  journalRepairs: Array<JournalRepairBody & { at: number }>;
  lastEventAt: number;
  eventCount: number;
}

/** The empty state of a session of this promotion, before its first event. */
export function initialState(runbook: Runbook, promotion: Promotion): SessionState {
  return {
    meta: {
      sessionId: '',
      runbookFile: '',
      runbookId: runbook.runbook.id,
      runbookTitle: runbook.runbook.title,
      runbookHash: '',
      promotionId: promotion.id,
      from: promotion.from,
      to: promotion.to,
      version: '',
      conductor: '',
      risk: 'low',
      createdAt: 0,
    },
    status: 'active',
    phases: promotion.phases.map((phase) => ({
      id: phase.id,
      title: phase.title,
      environment: phase.environment ?? promotion.to,
      status: 'todo',
    })),
    steps: promotion.phases.flatMap((phase) =>
      phase.steps.map(
        (step): StepState => ({
          id: step.id,
          phaseId: phase.id,
          kind: step.kind,
          title: step.title,
          status: 'pending',
          attempts: 0,
          evidence: [],
        }),
      ),
    ),
    approvals: [],
    refusals: [],
    escalations: [],
    notifications: [],
    identity: {},
    identityChecks: [],
    identityClearance: {},
    autopilot: false,
    recordedWeight: 0,
    retries: 0,
    awsErrors: [],
    warnings: [],
    attachments: [],
    journalRepairs: [],
    lastEventAt: 0,
    eventCount: 0,
  };
}

function mapStep(state: SessionState, id: string, f: (s: StepState) => StepState): StepState[] {
  return state.steps.map((s) => (s.id === id ? f(s) : s));
}

function mapPhase(state: SessionState, id: string, f: (p: PhaseState) => PhaseState): PhaseState[] {
  return state.phases.map((p) => (p.id === id ? f(p) : p));
}

function mapCurrentStage(
  state: SessionState,
  f: (s: CanaryStageState) => CanaryStageState,
): CanaryState | undefined {
  const canary = state.canary;
  if (!canary || canary.stages.length === 0) return canary;
  const last = canary.stages.length - 1;
  return { ...canary, stages: canary.stages.map((s, i) => (i === last ? f(s) : s)) };
}

function currentStageOf(state: SessionState): CanaryStageState | undefined {
  return state.canary?.stages.at(-1);
}

function pushBounded<T>(items: T[], item: T, max: number): T[] {
  const next = items.length >= max ? items.slice(items.length - max + 1) : items.slice();
  next.push(item);
  return next;
}

/** The one reducer: state = fold(events). Pure. */
export function reduce(state: SessionState, event: SessionEvent): SessionState {
  const s: SessionState = { ...state, lastEventAt: event.at, eventCount: state.eventCount + 1 };
  switch (event.type) {
    case 'session.created': {
      const { type: _t, at, ...rest } = event;
      return {
        ...s,
        meta: { ...s.meta, ...rest, createdAt: at },
        autopilot: event.rehearsal?.autopilot === true,
      };
    }
    case 'autopilot.set':
      return { ...s, autopilot: event.on };
    case 'ticket.recorded':
      return { ...s, meta: { ...s.meta, ticket: event.ticket } };
    case 'risk.set':
      return { ...s, meta: { ...s.meta, risk: event.risk, mitigation: event.mitigation } };
    case 'window.declared':
      return { ...s, meta: { ...s.meta, window: { start: event.start, end: event.end } } };
    case 'window.overridden':
      return {
        ...s,
        meta: { ...s.meta, windowOverride: { reason: event.reason, by: event.by, at: event.at } },
      };
    case 'phase.started':
      return {
        ...s,
        phases: mapPhase(s, event.phase, (p) => ({ ...p, status: 'current', startedAt: event.at })),
      };
    case 'phase.completed':
      return { ...s, phases: mapPhase(s, event.phase, (p) => ({ ...p, status: 'done', endedAt: event.at })) };
    case 'steps.reopened': {
      const reopened = new Set(event.steps);
      const phases = new Set(s.steps.filter((st) => reopened.has(st.id)).map((st) => st.phaseId));
      return {
        ...s,
        steps: s.steps.map((st) => (reopened.has(st.id) ? { ...st, status: 'pending' } : st)),
        phases: s.phases.map((p) =>
          phases.has(p.id) && p.status === 'done' ? { ...p, status: 'current', endedAt: undefined } : p,
        ),
      };
    }
    case 'step.started':
      return {
        ...s,
        steps: mapStep(s, event.step, (st) => ({
          ...st,
          status: 'running',
          attempts: event.attempt,
          startedAt: event.at,
          endedAt: undefined,
        })),
      };
    case 'step.completed':
      return {
        ...s,
        steps: mapStep(s, event.step, (st) => ({
          ...st,
          status: event.outcome,
          endedAt: event.at,
          detail: event.detail,
          evidence: event.evidence ?? st.evidence,
          exitCode: event.exitCode,
          durationMs: event.durationMs,
          logFile: event.logFile ?? st.logFile,
          confirmedBy: event.by ?? st.confirmedBy,
          note: event.note ?? st.note,
          command: undefined,
          commandStarting: undefined,
        })),
      };
    case 'step.confirmed':
      return {
        ...s,
        steps: mapStep(s, event.step, (st) => ({
          ...st,
          confirmedBy: event.by,
          note: event.note ?? st.note,
        })),
      };
    case 'command.starting': {
      const { type: _t, step: _s, ...starting } = event;
      return { ...s, steps: mapStep(s, event.step, (st) => ({ ...st, commandStarting: starting })) };
    }
    case 'command.start-unconfirmed':
      return {
        ...s,
        warnings: pushBounded(s.warnings, event.detail, 100),
        steps: mapStep(s, event.step, (st) => ({ ...st, commandStarting: undefined })),
      };
    case 'command.started': {
      const { type: _t, at, step: _s, recovered: _r, ...run } = event;
      return {
        ...s,
        steps: mapStep(s, event.step, (st) => ({
          ...st,
          command: { ...run, at },
          commandStarting: undefined,
        })),
      };
    }
    case 'command.orphan-found':
      return {
        ...s,
        // Said in the journal's tail and the report, after the step has moved on.
        warnings: pushBounded(s.warnings, event.detail, 100),
        steps: mapStep(s, event.step, (st) => ({
          ...st,
          // Only a group still running is waited for; any other finding closes the old run.
          command:
            event.state === 'running' && st.command
              ? { ...st.command, orphan: { state: event.state, at: event.at, detail: event.detail } }
              : undefined,
        })),
      };
    case 'command.orphan-exited':
    case 'command.orphan-stopped':
      return {
        ...s,
        warnings: pushBounded(s.warnings, event.detail, 100),
        steps: mapStep(s, event.step, (st) => ({ ...st, command: undefined })),
      };
    case 'dangerous.confirmed':
      return {
        ...s,
        steps: mapStep(s, event.step, (st) => ({
          ...st,
          dangerousConfirmedBy: event.by,
          // A journal from before attempts were recorded: the confirmation was for the next run.
          dangerousConfirmedFor: event.attempt ?? st.attempts + 1,
        })),
      };
    case 'canary.start.confirmed':
      return {
        ...s,
        steps: mapStep(s, event.step, (st) => ({
          ...st,
          startConfirmedBy: event.by,
          startConfirmedAt: event.at,
        })),
      };
    case 'approval.recorded': {
      const { type: _t, ...approval } = event;
      return { ...s, approvals: [...s.approvals, approval] };
    }
    case 'approval.refused': {
      const { type: _t, ...refusal } = event;
      return { ...s, refusals: [...s.refusals, refusal] };
    }
    case 'gate.escalated':
      return { ...s, escalations: [...s.escalations, { step: event.step, text: event.text, at: event.at }] };
    case 'gonogo.decided':
      return {
        ...s,
        gonogo: {
          step: event.step,
          decision: event.decision,
          rows: event.rows,
          whatWouldChange: event.whatWouldChange,
          at: event.at,
        },
      };
    case 'notification.rendered':
      return {
        ...s,
        ...(event.progress && {
          progress: {
            last: { ...event.progress, at: event.at },
            lastInterval:
              event.progress.reason === 'interval'
                ? { ...event.progress, at: event.at }
                : s.progress?.lastInterval,
          },
        }),
        notifications: [
          ...s.notifications,
          {
            step: event.step,
            template: event.template,
            channel: event.channel,
            text: event.text,
            at: event.at,
          },
        ],
      };
    case 'notification.posted': {
      const notifications = s.notifications.slice();
      for (let i = notifications.length - 1; i >= 0; i--) {
        if (notifications[i].template === event.template && notifications[i].posted === undefined) {
          notifications[i] = { ...notifications[i], posted: event.ok, error: event.error };
          break;
        }
      }
      return { ...s, notifications };
    }
    case 'identity.verified':
      return {
        ...s,
        identity: { ...s.identity, [event.env]: { account: event.account, arn: event.arn, at: event.at } },
      };
    case 'identity.checked': {
      const { type: _t, ...check } = event;
      return {
        ...s,
        identityChecks: pushBounded(s.identityChecks, check, MAX_IDENTITY_CHECKS),
        identityClearance: {
          ...s.identityClearance,
          [event.env]: event.ok
            ? { clear: true, phase: event.phase, at: event.at }
            : { clear: false, since: 'refused', at: event.at },
        },
        identity:
          event.ok && event.account !== null
            ? { ...s.identity, [event.env]: { account: event.account, arn: event.arn ?? '', at: event.at } }
            : s.identity,
      };
    }
    case 'rollback-target.recorded':
      return { ...s, rollbackTarget: event.target };
    case 'traffic.read':
      return { ...s, lastSplit: event.split };
    case 'canary.stage.started': {
      const canary: CanaryState = s.canary ?? { step: event.step, stages: [], promoted: false };
      const stage: CanaryStageState = {
        index: event.stage,
        weight: event.weight,
        holdMs: event.holdMs,
        startedAt: event.at,
        extendedMs: 0,
        pausedMs: 0,
        samples: [],
        choices: [],
      };
      return { ...s, canary: { ...canary, stages: [...canary.stages, stage], autoRollback: undefined } };
    }
    case 'traffic.shifted':
      return { ...s, recordedWeight: event.weight, recordedSplit: event.split, lastSplit: event.split };
    case 'canary.sample': {
      const sample: SampleState = {
        at: event.at,
        windowStart: event.windowStart,
        windowEnd: event.windowEnd,
        verdict: event.verdict,
        reasons: event.reasons,
        targets: event.targets,
        extra: event.extra,
      };
      if (s.canary?.monitor && s.canary.monitor.step === event.step) {
        const monitor = s.canary.monitor;
        return {
          ...s,
          canary: {
            ...s.canary,
            autoRollback: endsRollbackBreach(event.verdict) ? undefined : s.canary.autoRollback,
            monitor: { ...monitor, samples: pushBounded(monitor.samples, sample, MAX_SAMPLES_PER_STAGE) },
          },
        };
      }
      const canary = mapCurrentStage(s, (st) => ({
        ...st,
        samples: pushBounded(st.samples, sample, MAX_SAMPLES_PER_STAGE),
      }));
      // A sample judged inside the rollback band ends the breach: an armed (or held) auto-rollback
      // is disarmed. A poll that could not judge (stale metrics) keeps it, and keeps the hold.
      return {
        ...s,
        canary: canary && endsRollbackBreach(event.verdict) ? { ...canary, autoRollback: undefined } : canary,
      };
    }
    case 'canary.paused':
      return {
        ...s,
        canary: mapCurrentStage(s, (st) =>
          st.pausedAt !== undefined ? st : { ...st, pausedAt: event.at, pausedBy: event.by },
        ),
      };
    case 'canary.resumed':
      return {
        ...s,
        canary: mapCurrentStage(s, (st) =>
          st.pausedAt === undefined
            ? st
            : {
                ...st,
                pausedAt: undefined,
                pausedBy: undefined,
                pausedMs: st.pausedMs + Math.max(0, event.at - st.pausedAt),
              },
        ),
      };
    case 'canary.extended':
      return {
        ...s,
        canary: mapCurrentStage(s, (st) => ({
          ...st,
          extendedMs: st.extendedMs + event.byMs,
          decision: undefined,
        })),
      };
    case 'canary.stage.completed':
      return {
        ...s,
        canary: mapCurrentStage(s, (st) => ({
          ...st,
          completedAt: event.at,
          verdict: event.verdict,
          summary: event.summary,
          decision: undefined,
        })),
      };
    case 'canary.stage.decision-needed':
      return {
        ...s,
        canary: mapCurrentStage(s, (st) => ({
          ...st,
          decision: { action: event.action, reason: event.reason, at: event.at },
        })),
      };
    case 'canary.stage.choice':
      return {
        ...s,
        canary: mapCurrentStage(s, (st) => ({
          ...st,
          choices: [
            ...st.choices,
            { choice: event.choice, by: event.by, reason: event.reason, at: event.at },
          ],
          decision: event.choice === 'investigate' ? st.decision : undefined,
        })),
      };
    case 'canary.advanced-early':
      return {
        ...s,
        canary: mapCurrentStage(s, (st) => ({
          ...st,
          choices: [...st.choices, { choice: 'advance', by: event.by, reason: event.reason, at: event.at }],
        })),
      };
    case 'canary.auto-rollback.armed':
      return s.canary
        ? {
            ...s,
            canary: {
              ...s.canary,
              autoRollback: { deadline: event.deadline, reason: event.reason, speed: event.speed },
            },
          }
        : s;
    case 'canary.auto-rollback.held': {
      const armed = s.canary?.autoRollback;
      if (!s.canary || !armed) return s;
      const hold: AutoRollbackHold = {
        at: event.at,
        step: event.step,
        by: event.by,
        breach: armed.reason,
        reason: event.reason,
        reasonAt: event.reason === undefined ? undefined : event.at,
      };
      return {
        ...s,
        canary: {
          ...s.canary,
          autoRollback: { ...armed, heldBy: event.by, heldAt: event.at, heldReason: event.reason },
          holds: [...(s.canary.holds ?? []), hold],
        },
      };
    }
    case 'canary.auto-rollback.hold-reason': {
      // The reason belongs to the newest hold, even when the countdown it stopped has gone since.
      const holds = s.canary?.holds ?? [];
      const last = holds.at(-1);
      if (!s.canary || !last) return s;
      const armed = s.canary.autoRollback;
      return {
        ...s,
        canary: {
          ...s.canary,
          autoRollback: armed?.heldBy !== undefined ? { ...armed, heldReason: event.reason } : armed,
          holds: [...holds.slice(0, -1), { ...last, reason: event.reason, reasonAt: event.at }],
        },
      };
    }
    case 'canary.promoted':
      return s.canary
        ? {
            ...s,
            recordedWeight: 100,
            lastSplit: event.split,
            canary: { ...s.canary, promoted: true, promotedAt: event.at, autoRollback: undefined },
          }
        : s;
    case 'monitor.started':
      return s.canary
        ? {
            ...s,
            canary: {
              ...s.canary,
              monitor: { step: event.step, startedAt: event.at, durationMs: event.durationMs, samples: [] },
            },
          }
        : s;
    case 'aws.retry':
      return { ...s, retries: s.retries + (event.count ?? 1) };
    case 'aws.error':
      return {
        ...s,
        identityClearance:
          event.credentials && event.env
            ? {
                ...s.identityClearance,
                [event.env]: { clear: false, since: 'credentials-error', at: event.at },
              }
            : s.identityClearance,
        awsErrors: pushBounded(
          s.awsErrors,
          { operation: event.operation, message: event.message, at: event.at },
          50,
        ),
      };
    case 'drift.detected':
      return {
        ...s,
        drift: {
          recordedWeight: event.recordedWeight,
          live: event.live,
          details: event.details,
          at: event.at,
        },
      };
    case 'drift.resolved': {
      if (!s.drift) return s;
      const drift = { ...s.drift, resolved: event.choice };
      // The adopt's traffic.shifted (just before) recorded the live weight: the running stage runs at it.
      const adopted =
        event.choice === 'adopt' && currentStageOf(s)?.completedAt === undefined
          ? mapCurrentStage(s, (st) => ({ ...st, adoptedWeight: s.recordedWeight }))
          : s.canary;
      return { ...s, drift, canary: adopted };
    }
    case 'rollback.started':
      return {
        ...s,
        rollback: {
          trigger: event.trigger,
          reason: event.reason,
          by: event.by,
          startedAt: event.at,
          steps: [],
        },
        canary: s.canary ? { ...s.canary, autoRollback: undefined } : s.canary,
      };
    case 'rollback.traffic-reverted':
      return {
        ...s,
        recordedWeight: 0,
        lastSplit: event.split,
        rollback: s.rollback
          ? {
              ...s.rollback,
              revertedAt: event.at,
              revertDurationMs: event.durationMs,
              verified: event.verified,
              split: event.split,
            }
          : s.rollback,
      };
    case 'rollback.command.starting': {
      const { type: _t, ...starting } = event;
      return s.rollback ? { ...s, rollback: { ...s.rollback, commandStarting: starting } } : s;
    }
    case 'rollback.step':
      return s.rollback
        ? {
            ...s,
            rollback: {
              ...s.rollback,
              commandStarting:
                s.rollback.commandStarting?.step === event.step ? undefined : s.rollback.commandStarting,
              steps: [
                ...s.rollback.steps,
                { step: event.step, outcome: event.outcome, detail: event.detail, at: event.at },
              ],
            },
          }
        : s;
    case 'rollback.completed':
      return s.rollback
        ? {
            ...s,
            rollback: {
              ...s.rollback,
              completedAt: event.at,
              verified: event.verified,
              summary: event.summary,
            },
          }
        : s;
    case 'session.detached':
      return {
        ...s,
        attachments: [
          ...s.attachments,
          { kind: 'detached', pid: event.pid, host: event.host, at: event.at, mode: event.mode },
        ],
      };
    case 'session.attached':
      return {
        ...s,
        attachments: [...s.attachments, { kind: 'attached', pid: event.pid, host: event.host, at: event.at }],
      };
    case 'session.resumed':
      return {
        ...s,
        status: s.status === 'halted' ? 'active' : s.status,
        // Credentials may have changed while the session was away: every environment is asked again.
        identityClearance: Object.fromEntries(
          Object.keys(s.identityClearance).map((env) => [
            env,
            { clear: false, since: 'resumed', at: event.at } satisfies IdentityClearance,
          ]),
        ),
        attachments: [...s.attachments, { kind: 'resumed', pid: event.pid, host: event.host, at: event.at }],
      };
    case 'session.halted':
      return { ...s, status: 'halted', summary: event.reason };
    case 'session.completed':
      return {
        ...s,
        status: 'completed',
        outcome: event.outcome,
        summary: event.summary,
        completedAt: event.at,
      };
    case 'warning':
      return { ...s, warnings: pushBounded(s.warnings, event.message, 100) };
    case 'journal.repaired': {
      const { type: _type, ...repair } = event;
      return { ...s, journalRepairs: pushBounded(s.journalRepairs, repair, 100) };
    }
  }
}

export function foldEvents(runbook: Runbook, promotion: Promotion, events: SessionEvent[]): SessionState {
  return events.reduce(reduce, initialState(runbook, promotion));
}
