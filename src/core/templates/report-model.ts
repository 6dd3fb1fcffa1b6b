import { verdictRank } from '../canary/verdict.js';
import { gonogoStepOf } from '../evidence/performance.js';
import { interpolate } from '../runbook/interpolate.js';
import type { Risk, Runbook } from '../runbook/schema.js';
import type {
  EvidenceRecord,
  GoNoGoRowRecord,
  RollbackTargetRecord,
  RollbackTrigger,
  SessionOutcome,
  TrafficSnapshot,
  Verdict,
} from '../session/events.js';
import { findPromotion } from '../session/selectors.js';
import type { SampleState, SessionState } from '../session/state.js';
import { sessionVariables } from '../session/variables.js';
import { baseName, withoutWebhooks } from './report-format.js';

/**
 * The release report as data: everything the Markdown says, in a shape a script can read. Built
 * from the folded session state only, so it says exactly what the journal says.
 */

export const REPORT_FORMAT = 'conductor-release-report/1';

export interface ReportChain {
  ok: boolean;
  events: number;
  message: string;
  /** Where the chain breaks (1-based line) and why. */
  broken?: { line: number; why: string };
  /** A torn last line in the file now (a crash mid-write): not part of the chain, ignored. */
  tornTail?: { line: number; dropped: boolean };
}

export interface ReleaseReportOptions {
  chain: ReportChain;
  /** When the report is generated (epoch ms). */
  now: number;
  /** Zone the Markdown prints times in; the JSON keeps epoch ms. Default UTC. */
  utcOffsetMinutes?: number;
  /** sha256 of the runbook file as it reads now, to say whether it changed since the session began. */
  runbookHashNow?: string;
}

export interface ReportHeader {
  runbook: {
    id: string;
    title: string;
    version: string;
    file: string;
    hash: string;
    changedSinceStart: boolean | null;
  };
  version: string;
  previousVersion: string | null;
  edge: { promotionId: string; title: string; from: string; to: string };
  environment: {
    id: string;
    title: string;
    accountId: string | null;
    region: string | null;
    profile: string | null;
    production: boolean;
    verifiedIdentity: { account: string; arn: string; at: number } | null;
  };
  sessionId: string;
  conductor: string;
  ticket: string | null;
  risk: Risk;
  mitigation: string | null;
  window: { start: number; end: number } | null;
  windowOverride: { reason: string; by: string; at: number } | null;
  rehearsal: { scenario: string; speed: number } | null;
  status: SessionState['status'];
  outcome: SessionOutcome | null;
  summary: string | null;
  startedAt: number;
  lastEventAt: number;
  durationMs: number;
  generatedAt: number;
}

export interface ReportPhase {
  id: string;
  title: string;
  environment: string;
  status: 'todo' | 'current' | 'done';
  startedAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
}

export interface ReportMilestone {
  at: number;
  text: string;
}

export interface ReportStep {
  id: string;
  phase: string;
  kind: string;
  title: string;
  status: string;
  detail: string | null;
  attempts: number;
  exitCode: number | null;
  durationMs: number | null;
  startedAt: number | null;
  endedAt: number | null;
  logFile: string | null;
  confirmedBy: string | null;
  note: string | null;
  dangerousConfirmedBy: string | null;
  evidence: EvidenceRecord[];
}

export interface ReportApprovals {
  records: Array<{
    step: string;
    environment: string;
    role: string;
    roleTitle: string;
    approver: string;
    comment: string;
    reference: string | null;
    at: number;
    /** Signed by the approver's SSH key (issue 16.1): the key's fingerprint; null: recorded by the conductor. */
    fingerprint: string | null;
    signer: string | null;
  }>;
  refusals: Array<{ step: string; role: string; approver: string; reason: string; at: number }>;
  escalations: Array<{ step: string; text: string; at: number }>;
}

export interface ReportGoNoGo {
  step: string;
  decision: 'GO' | 'GO-EXTRA-MONITORING' | 'NO-GO';
  at: number;
  rows: GoNoGoRowRecord[];
  whatWouldChange: string[];
}

export interface ReportComparison {
  /** The window where the canary was worst for this metric, and the baseline in that same window. */
  canary: number | null;
  baseline: number | null;
  at: number | null;
}

export interface ReportTarget {
  targetId: string;
  label: string;
  worstVerdict: Verdict;
  lastRequests: { canary: number; baseline: number };
  errorRatePct: ReportComparison;
  p95Ms: ReportComparison;
}

export interface ReportSeriesPoint {
  at: number;
  canaryErrorRatePct: number | null;
  baselineErrorRatePct: number | null;
  canaryP95Ms: number | null;
  baselineP95Ms: number | null;
}

export interface ReportSampleSummary {
  samples: number;
  verdicts: Partial<Record<Verdict, number>>;
  /** The target that fared worst (verdict first, then error rate). */
  worstTarget: string | null;
  errorRatePct: ReportComparison;
  p95Ms: ReportComparison;
  targets: ReportTarget[];
  /** The worst target's canary and baseline over the samples: what the chart draws. */
  series: ReportSeriesPoint[];
}

export interface ReportStage extends ReportSampleSummary {
  number: number;
  weight: number;
  holdMs: number;
  extendedMs: number;
  pausedMs: number;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  /** The stage's verdict, or what stopped it: ROLLED-BACK, UNFINISHED, RUNNING. */
  verdict: string;
  summary: string | null;
  choices: Array<{ choice: string; by: string; reason: string | null; at: number }>;
}

export interface ReportCanary {
  step: string;
  promoted: boolean;
  promotedAt: number | null;
  /** Who sent the first traffic (a canary with `start: manual`), or null when it started on its own. */
  startedBy: { by: string; at: number } | null;
  /** The runbook's `start` for the canary step: whether a person had to send the first traffic. */
  startMode: 'manual' | 'automatic' | null;
  stages: ReportStage[];
  monitor: (ReportSampleSummary & { step: string; startedAt: number; durationMs: number }) | null;
}

export interface ReportRollback {
  trigger: RollbackTrigger;
  reason: string;
  by: string;
  startedAt: number;
  revertedAt: number | null;
  revertDurationMs: number | null;
  verified: boolean | null;
  splitAfter: TrafficSnapshot | null;
  target: RollbackTargetRecord | null;
  checks: Array<{ step: string; outcome: string; detail: string; at: number }>;
  completedAt: number | null;
  summary: string | null;
}

/** One STS GetCallerIdentity check: which environment, what it answered, and why it was asked. */
export interface ReportIdentityCheck {
  at: number;
  env: string;
  envTitle: string;
  expected: string;
  account: string | null;
  arn: string | null;
  profile: string | null;
  ok: boolean;
  reason: string;
  phase: string | null;
  step: string | null;
  error: string | null;
}

export interface ReportNotification {
  at: number;
  step: string;
  template: string;
  channel: string;
  text: string;
  delivery: 'posted' | 'failed' | 'not posted';
  error: string | null;
}

export interface ReleaseReportData {
  format: typeof REPORT_FORMAT;
  header: ReportHeader;
  timeline: { phases: ReportPhase[]; milestones: ReportMilestone[] };
  checklist: ReportStep[];
  approvals: ReportApprovals;
  gonogo: ReportGoNoGo | null;
  /** The promotion has a go/no-go step (issue 13: one may gate traffic on approvals, ticket and window alone). */
  gonogoDeclared: boolean;
  canary: ReportCanary | null;
  /** The promotion has a canary step (issue 13.5: DEV -> SIT deploys without one, and splits no traffic). */
  canaryDeclared: boolean;
  rollback: ReportRollback | null;
  notifications: ReportNotification[];
  identityChecks: ReportIdentityCheck[];
  aws: {
    retries: number;
    errors: number;
    lastErrors: Array<{ operation: string; message: string; at: number }>;
  };
  drift: { recordedWeight: number; details: string[]; at: number; resolved: string | null } | null;
  attachments: SessionState['attachments'];
  warnings: string[];
  chain: ReportChain;
  /** Each time the journal was cut back to its verified prefix (`conductor repair`, or a torn tail on resume). */
  journalRepairs: SessionState['journalRepairs'];
}

// The core's ranking (core/canary/verdict.ts): an unknown (STALE, INSUFFICIENT) never reads better
// than a known concern (WATCH), so the report's worst verdict is the screen's.
const worse = (a: Verdict, b: Verdict): Verdict => (verdictRank(b) > verdictRank(a) ? b : a);

function finite(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}

/** The window where the canary's value was highest, with the baseline of that same window. */
function worstWindow(
  samples: SampleState[],
  targetId: string,
  read: (series: { errorRatePct: number | null; p95Ms: number | null }) => number | null,
): ReportComparison {
  let best: ReportComparison = { canary: null, baseline: null, at: null };
  for (const sample of samples) {
    const target = sample.targets.find((t) => t.targetId === targetId);
    const canary = target ? finite(read(target.canary)) : null;
    if (canary === null || (best.canary !== null && canary <= best.canary)) continue;
    best = { canary, baseline: finite(read(target!.baseline)), at: sample.at };
  }
  return best;
}

export function summariseSamples(samples: SampleState[]): ReportSampleSummary {
  const verdicts: Partial<Record<Verdict, number>> = {};
  for (const sample of samples) verdicts[sample.verdict] = (verdicts[sample.verdict] ?? 0) + 1;
  const ids: Array<{ targetId: string; label: string }> = [];
  for (const sample of samples) {
    for (const t of sample.targets) {
      if (!ids.some((x) => x.targetId === t.targetId)) ids.push({ targetId: t.targetId, label: t.label });
    }
  }
  const targets: ReportTarget[] = ids.map(({ targetId, label }) => {
    let worstVerdict: Verdict = 'PASS';
    let lastRequests = { canary: 0, baseline: 0 };
    for (const sample of samples) {
      const t = sample.targets.find((x) => x.targetId === targetId);
      if (!t) continue;
      worstVerdict = worse(worstVerdict, t.verdict);
      lastRequests = { canary: t.canary.requests, baseline: t.baseline.requests };
    }
    return {
      targetId,
      label,
      worstVerdict,
      lastRequests,
      errorRatePct: worstWindow(samples, targetId, (s) => s.errorRatePct),
      p95Ms: worstWindow(samples, targetId, (s) => s.p95Ms),
    };
  });
  const worst = targets.reduce<ReportTarget | undefined>((acc, t) => {
    if (!acc) return t;
    const bySeverity = verdictRank(t.worstVerdict) - verdictRank(acc.worstVerdict);
    if (bySeverity !== 0) return bySeverity > 0 ? t : acc;
    return (t.errorRatePct.canary ?? -1) > (acc.errorRatePct.canary ?? -1) ? t : acc;
  }, undefined);
  const series: ReportSeriesPoint[] = worst
    ? samples.map((sample) => {
        const t = sample.targets.find((x) => x.targetId === worst.targetId);
        return {
          at: sample.at,
          canaryErrorRatePct: finite(t?.canary.errorRatePct),
          baselineErrorRatePct: finite(t?.baseline.errorRatePct),
          canaryP95Ms: finite(t?.canary.p95Ms),
          baselineP95Ms: finite(t?.baseline.p95Ms),
        };
      })
    : [];
  return {
    samples: samples.length,
    verdicts,
    worstTarget: worst?.label ?? null,
    errorRatePct: worst?.errorRatePct ?? { canary: null, baseline: null, at: null },
    p95Ms: worst?.p95Ms ?? { canary: null, baseline: null, at: null },
    targets,
    series,
  };
}

function stageVerdict(state: SessionState, startedAt: number, completed: boolean, verdict?: Verdict): string {
  if (completed && verdict) return verdict;
  if (state.rollback && state.rollback.startedAt >= startedAt) return 'ROLLED-BACK';
  return state.status === 'active' ? 'RUNNING' : 'UNFINISHED';
}

function canaryStartMode(
  promotion: ReturnType<typeof findPromotion>,
  step: string | undefined,
): ReportCanary['startMode'] {
  for (const phase of promotion?.phases ?? [])
    for (const def of phase.steps) if (def.id === step && def.kind === 'canary') return def.start;
  return null;
}

function startDecision(state: SessionState, step: string): ReportCanary['startedBy'] {
  const s = state.steps.find((x) => x.id === step);
  return s?.startConfirmedBy && s.startConfirmedAt !== undefined
    ? { by: s.startConfirmedBy, at: s.startConfirmedAt }
    : null;
}

function canaryOf(state: SessionState, startMode: ReportCanary['startMode']): ReportCanary | null {
  const canary = state.canary;
  if (!canary) return null;
  const stages = canary.stages.map((stage, i): ReportStage => {
    const next = canary.stages[i + 1];
    const endedAt =
      stage.completedAt ??
      next?.startedAt ??
      (state.rollback && state.rollback.startedAt >= stage.startedAt
        ? state.rollback.startedAt
        : undefined) ??
      (state.status === 'active' ? undefined : state.lastEventAt);
    return {
      number: stage.index + 1,
      weight: stage.weight,
      holdMs: stage.holdMs,
      extendedMs: stage.extendedMs,
      pausedMs: stage.pausedMs,
      startedAt: stage.startedAt,
      endedAt: endedAt ?? null,
      durationMs: endedAt === undefined ? null : endedAt - stage.startedAt,
      verdict: stageVerdict(state, stage.startedAt, stage.completedAt !== undefined, stage.verdict),
      summary: stage.summary ?? null,
      choices: stage.choices.map((c) => ({ choice: c.choice, by: c.by, reason: c.reason ?? null, at: c.at })),
      ...summariseSamples(stage.samples),
    };
  });
  const monitor = canary.monitor
    ? {
        step: canary.monitor.step,
        startedAt: canary.monitor.startedAt,
        durationMs: canary.monitor.durationMs,
        ...summariseSamples(canary.monitor.samples),
      }
    : null;
  return {
    step: canary.step,
    promoted: canary.promoted,
    promotedAt: canary.promotedAt ?? null,
    startedBy: startDecision(state, canary.step),
    startMode,
    stages,
    monitor,
  };
}

function milestonesOf(state: SessionState, roleTitle: (id: string) => string): ReportMilestone[] {
  const out: ReportMilestone[] = [];
  const m = state.meta;
  out.push({
    at: m.createdAt,
    text: `Session started by ${m.conductor} (${m.version}, ${m.from} -> ${m.to})`,
  });
  if (m.windowOverride)
    out.push({
      at: m.windowOverride.at,
      text: `Change window overridden by ${m.windowOverride.by}: ${m.windowOverride.reason}`,
    });
  for (const a of state.approvals)
    out.push({ at: a.at, text: `${roleTitle(a.role)} approved (${a.approver})` });
  for (const r of state.refusals)
    out.push({ at: r.at, text: `Approval refused (${roleTitle(r.role)}, ${r.approver}): ${r.reason}` });
  for (const e of state.escalations) out.push({ at: e.at, text: `Gate ${e.step} escalated` });
  if (state.gonogo) out.push({ at: state.gonogo.at, text: `Go/no-go: ${state.gonogo.decision}` });
  for (const r of state.journalRepairs)
    out.push({
      at: r.at,
      text:
        r.reason === 'broken'
          ? `Journal repaired by ${r.by}: cut at line ${r.line}, ${r.keptEvents} events kept`
          : `Torn last line of the journal (line ${r.line}) cut on resume`,
    });
  for (const stage of state.canary?.stages ?? []) {
    out.push({ at: stage.startedAt, text: `Canary stage ${stage.index + 1} started at ${stage.weight}%` });
    if (stage.completedAt !== undefined)
      out.push({
        at: stage.completedAt,
        text: `Canary stage ${stage.index + 1} ended: ${stage.verdict ?? ''}`.trim(),
      });
  }
  for (const hold of state.canary?.holds ?? [])
    out.push({
      at: hold.at,
      text: `Automatic rollback held by ${hold.by} (${hold.breach}): ${hold.reason ?? 'reason not given'}`,
    });
  if (state.canary?.promotedAt !== undefined)
    out.push({ at: state.canary.promotedAt, text: 'New version promoted to all traffic' });
  if (state.canary?.monitor)
    out.push({
      at: state.canary.monitor.startedAt,
      text: `Monitoring started (${state.canary.monitor.step})`,
    });
  if (state.drift)
    out.push({
      at: state.drift.at,
      text: `Traffic drift detected (${state.drift.resolved ? `resolved: ${state.drift.resolved}` : 'unresolved'})`,
    });
  if (state.rollback) {
    const r = state.rollback;
    out.push({ at: r.startedAt, text: `Rollback started (${r.trigger}, by ${r.by})` });
    if (r.revertedAt !== undefined)
      out.push({ at: r.revertedAt, text: `Traffic reverted (${r.verified ? 'verified' : 'NOT verified'})` });
    if (r.completedAt !== undefined) out.push({ at: r.completedAt, text: 'Rollback completed' });
  }
  for (const a of state.attachments)
    out.push({
      at: a.at,
      text:
        a.kind === 'detached'
          ? `Detached (pid ${a.pid} on ${a.host}, ${a.mode ?? ''})`
          : a.kind === 'attached'
            ? `Screen attached (pid ${a.pid} on ${a.host})`
            : `Resumed (pid ${a.pid} on ${a.host})`,
    });
  if (state.status === 'halted') out.push({ at: state.lastEventAt, text: `Halted: ${state.summary ?? ''}` });
  if (state.status === 'completed')
    out.push({ at: state.lastEventAt, text: `Session completed: ${state.outcome ?? ''}` });
  // Stable order: by time, ties in the order written above.
  return out
    .map((x, i) => ({ x, i }))
    .sort((a, b) => a.x.at - b.x.at || a.i - b.i)
    .map(({ x }) => x);
}

export function releaseReportData(
  runbook: Runbook,
  state: SessionState,
  options: ReleaseReportOptions,
): ReleaseReportData {
  const m = state.meta;
  const promotion = findPromotion(runbook, m.promotionId);
  const env = runbook.environments.find((e) => e.id === m.to);
  const roleTitle = (id: string) => runbook.roles.find((r) => r.id === id)?.title ?? id;
  const phaseOfStep = new Map<string, { title: string; environment: string }>();
  for (const phase of promotion?.phases ?? []) {
    for (const step of phase.steps)
      phaseOfStep.set(step.id, { title: phase.title, environment: phase.environment ?? m.to });
  }
  const identity = state.identity[m.to];
  return {
    format: REPORT_FORMAT,
    header: {
      runbook: {
        id: m.runbookId,
        title: m.runbookTitle,
        version: runbook.runbook.version,
        file: m.runbookFile,
        hash: m.runbookHash,
        changedSinceStart:
          options.runbookHashNow === undefined ? null : options.runbookHashNow !== m.runbookHash,
      },
      version: m.version,
      previousVersion: m.previousVersion ?? null,
      edge: { promotionId: m.promotionId, title: promotion?.title ?? m.promotionId, from: m.from, to: m.to },
      environment: {
        id: m.to,
        title: env?.title ?? m.to,
        accountId: env?.accountId ?? null,
        region: env?.region ?? null,
        profile: env?.profile ?? null,
        production: env?.production ?? false,
        verifiedIdentity: identity ? { account: identity.account, arn: identity.arn, at: identity.at } : null,
      },
      sessionId: m.sessionId,
      conductor: m.conductor,
      ticket: m.ticket ?? null,
      risk: m.risk,
      mitigation: m.mitigation ?? null,
      window: m.window ?? null,
      windowOverride: m.windowOverride ?? null,
      rehearsal: m.rehearsal ?? null,
      status: state.status,
      outcome: state.outcome ?? null,
      summary: state.summary ?? null,
      startedAt: m.createdAt,
      lastEventAt: state.lastEventAt,
      durationMs: state.lastEventAt - m.createdAt,
      generatedAt: options.now,
    },
    timeline: {
      phases: state.phases.map((p) => ({
        id: p.id,
        title: p.title,
        environment: p.environment,
        status: p.status,
        startedAt: p.startedAt ?? null,
        endedAt: p.endedAt ?? null,
        durationMs: p.startedAt !== undefined && p.endedAt !== undefined ? p.endedAt - p.startedAt : null,
      })),
      milestones: milestonesOf(state, roleTitle),
    },
    checklist: state.steps.map((s) => ({
      id: s.id,
      phase: phaseOfStep.get(s.id)?.title ?? s.phaseId,
      kind: s.kind,
      // Titles may name session values ("change ticket ${ticket}"): shown filled, as on the screen.
      title: interpolate(
        s.title,
        sessionVariables(runbook, state, state.lastEventAt, phaseOfStep.get(s.id)?.environment),
      ),
      status: s.status,
      detail: s.detail ?? null,
      attempts: s.attempts,
      exitCode: s.exitCode ?? null,
      durationMs:
        s.durationMs ??
        (s.startedAt !== undefined && s.endedAt !== undefined ? s.endedAt - s.startedAt : null),
      startedAt: s.startedAt ?? null,
      endedAt: s.endedAt ?? null,
      logFile: baseName(s.logFile) ?? null,
      confirmedBy: s.confirmedBy ?? null,
      note: s.note ?? null,
      dangerousConfirmedBy: s.dangerousConfirmedBy ?? null,
      evidence: s.evidence,
    })),
    approvals: {
      records: state.approvals.map((a) => ({
        step: a.step,
        environment: phaseOfStep.get(a.step)?.environment ?? m.to,
        role: a.role,
        roleTitle: roleTitle(a.role),
        approver: a.approver,
        comment: a.comment,
        reference: a.reference ?? null,
        at: a.at,
        fingerprint: a.signed ? (a.fingerprint ?? null) : null,
        signer: a.signed ? (a.signer ?? a.approver) : null,
      })),
      refusals: state.refusals,
      escalations: state.escalations,
    },
    gonogo: state.gonogo
      ? {
          step: state.gonogo.step,
          decision: state.gonogo.decision,
          at: state.gonogo.at,
          rows: state.gonogo.rows,
          whatWouldChange: state.gonogo.whatWouldChange,
        }
      : null,
    gonogoDeclared: promotion === undefined || gonogoStepOf(promotion) !== undefined,
    canary: canaryOf(state, canaryStartMode(promotion, state.canary?.step)),
    canaryDeclared:
      promotion === undefined || promotion.phases.some((p) => p.steps.some((s) => s.kind === 'canary')),
    rollback: state.rollback
      ? {
          trigger: state.rollback.trigger,
          reason: state.rollback.reason,
          by: state.rollback.by,
          startedAt: state.rollback.startedAt,
          revertedAt: state.rollback.revertedAt ?? null,
          revertDurationMs: state.rollback.revertDurationMs ?? null,
          verified: state.rollback.verified ?? null,
          splitAfter: state.rollback.split ?? null,
          target: state.rollbackTarget ?? null,
          checks: state.rollback.steps,
          completedAt: state.rollback.completedAt ?? null,
          summary: state.rollback.summary ?? null,
        }
      : null,
    identityChecks: state.identityChecks.map((c) => ({
      at: c.at,
      env: c.env,
      envTitle: runbook.environments.find((e) => e.id === c.env)?.title ?? c.env,
      expected: c.expected,
      account: c.account,
      arn: c.arn ?? null,
      profile: c.profile ?? null,
      ok: c.ok,
      reason: c.reason,
      phase: c.phase ?? null,
      step: c.step ?? null,
      error: c.error ?? null,
    })),
    notifications: state.notifications.map((n) => ({
      at: n.at,
      step: n.step,
      template: n.template,
      channel: n.channel,
      text: withoutWebhooks(n.text),
      delivery: n.posted === undefined ? 'not posted' : n.posted ? 'posted' : 'failed',
      error: n.error ? withoutWebhooks(n.error) : null,
    })),
    aws: { retries: state.retries, errors: state.awsErrors.length, lastErrors: state.awsErrors },
    drift: state.drift
      ? {
          recordedWeight: state.drift.recordedWeight,
          details: state.drift.details,
          at: state.drift.at,
          resolved: state.drift.resolved ?? null,
        }
      : null,
    attachments: state.attachments,
    warnings: state.warnings.map(withoutWebhooks),
    chain: options.chain,
    journalRepairs: state.journalRepairs,
  };
}
