import type { ApprovalStep, Promotion, Runbook } from '../core/runbook/schema.js';
import { approvalStatusOf } from '../core/session/gates.js';
import { choiceFacts } from '../core/session/resume-choice.js';
import {
  currentStage,
  currentStep,
  describeWeight,
  sessionSummary,
  stageWeight,
  trafficShifted,
} from '../core/session/selectors.js';
import { foldEvents, type SessionState } from '../core/session/state.js';
import { readLockInfo } from '../services/lock.js';
import { type JournalHealth, journalHealth } from '../services/store/journal.js';
import { brokenJournalMessage, SessionStore } from '../services/store/session-store.js';
import { sessionRunbook } from '../wiring/session-runbook.js';
import { indexRows } from './index-rows.js';
import { printErr, printOut } from './print.js';

/** Fold a session's journal with the runbook it was started from, and say what the journal check found. */
export function loadSessionState(
  store: SessionStore,
  id: string,
): {
  state: SessionState;
  warnings: string[];
  journal: JournalHealth;
  runbook: Runbook;
  promotion: Promotion;
} {
  const { runbook, promotion } = sessionRunbook(store, id);
  const read = store.readJournal(id);
  const events = read.events;
  return {
    state: foldEvents(runbook, promotion, events),
    warnings: read.warnings,
    journal: journalHealth(read),
    runbook,
    promotion,
  };
}

/** One line for a cut the journal went through (repair, or a torn tail cut on resume). */
export function repairText(r: SessionState['journalRepairs'][number]): string {
  const what =
    r.reason === 'broken'
      ? `repaired by ${r.by} at ${new Date(r.at).toISOString()} (chain broke at line ${r.line}${r.why ? `: ${r.why}` : ''})`
      : `torn last line (line ${r.line}) cut on resume at ${new Date(r.at).toISOString()}`;
  return `${what}: kept ${r.keptEvents} events, removed ${r.removedBytes} bytes${r.savedAs ? `, saved as ${r.savedAs}` : ''}`;
}

/** The `journal` field of `status --json` and `sessions --json`. */
export function journalField(health: JournalHealth, state?: SessionState) {
  return {
    ok: health.ok,
    events: health.events,
    message: health.message,
    ...(health.broken && { broken: health.broken }),
    ...(health.tornTail && { tornTail: health.tornTail }),
    ...(state?.journalRepairs.length ? { repairs: state.journalRepairs } : {}),
  };
}

/**
 * Who drives or guards a session now: the engine holding its lock, whether a screen is attached
 * (the journal's last attach or detach says), and since when.
 */
export function engineOf(store: SessionStore, state: SessionState | undefined, id: string) {
  const lock = readLockInfo(store.dir(id));
  if (!lock?.alive) return null;
  const last = state?.attachments.at(-1);
  const guarding = last?.kind === 'detached' && last.mode === 'guard';
  return {
    pid: lock.pid,
    host: lock.host,
    since: new Date(lock.startedAt).toISOString(),
    mode: guarding ? ('guard' as const) : ('driven' as const),
  };
}

export function sessionRows(store: SessionStore, now = Date.now()) {
  const indexed = new Map(store.index().map((e) => [e.id, e]));
  // The index is a cache: sessions on disk it does not know are rebuilt from their journals.
  for (const id of store.journalIds()) {
    if (indexed.has(id)) continue;
    try {
      const { state } = loadSessionState(store, id);
      const entry = sessionSummary(state);
      store.updateIndex(entry);
      indexed.set(id, entry);
    } catch {
      // an unreadable journal is reported by `conductor status`, not here
    }
  }
  return indexRows(indexed.values(), now);
}

/** The journal check of one listed session; a journal that cannot be read at all is damaged too. */
function journalOf(store: SessionStore, id: string): ReturnType<typeof journalField> {
  try {
    return journalField(journalHealth(store.readJournal(id)));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { ok: false, events: 0, message: `the journal cannot be read (${why})` };
  }
}

/**
 * What makes an unfinished session matter now, as `conductor resume` sees it: traffic shifted, and
 * the engine (guarding alone, or driven from a screen).
 */
function liveOf(store: SessionStore, r: { id: string; status: string }) {
  let state: SessionState | undefined;
  if (r.status === 'active' || r.status === 'halted') {
    try {
      state = loadSessionState(store, r.id).state;
    } catch {
      // an unreadable journal is reported by `conductor status`, not here
    }
  }
  const engine = engineOf(store, state, r.id);
  const shifted = state ? trafficShifted(state) : false;
  const facts = state
    ? choiceFacts({ shifted, guarded: engine !== null, attached: engine?.mode === 'driven' }).map(
        (fact) => fact.text,
      )
    : [];
  return { engine, shifted, facts };
}

export async function sessionsCommand(options: { json?: boolean; home?: string }): Promise<number> {
  const store = new SessionStore(options.home);
  const rows = sessionRows(store);
  if (options.json) {
    const withEngines = rows.map((r) => {
      const { engine, shifted } = liveOf(store, r);
      return { ...r, trafficShifted: shifted, engine, journal: journalOf(store, r.id) };
    });
    printOut(`${JSON.stringify(withEngines, null, 2)}\n`);
    return 0;
  }
  if (rows.length === 0) {
    printOut('No sessions yet: `conductor rehearse` starts one on the sandbox.\n');
    return 0;
  }
  for (const r of rows) {
    const { engine, facts } = liveOf(store, r);
    const journal = journalOf(store, r.id);
    const mark = !journal.ok
      ? `  DAMAGED (${journal.message}; \`conductor repair ${r.id}\`)`
      : journal.tornTail
        ? `  (${journal.message.replace(/^chain verified: \d+ events; /, '')})`
        : '';
    printOut(
      `${r.id}  ${r.promotionId.padEnd(12)} ${r.version.padEnd(16)} ${r.status.padEnd(11)} ${r.age.padEnd(8)} ${r.currentStep}${r.rehearsal ? '  (rehearsal)' : ''}${facts.length ? `  ${facts.join(', ')}` : ''}${engine ? `  [engine pid ${engine.pid} on ${engine.host}]` : ''}${mark}\n`,
    );
  }
  return 0;
}

/** What `status` says of a session, from its state and the runbook it was started from (read once). */
export function statusOf(state: SessionState, now: number, runbook: Runbook, promotion: Promotion) {
  const step = currentStep(state);
  const stage = currentStage(state);
  const approvalSteps = promotion.phases.flatMap((p) =>
    p.steps.filter((s): s is ApprovalStep => s.kind === 'approval'),
  );
  const pending = approvalSteps.flatMap((s) =>
    approvalStatusOf(runbook, state, s, now)
      .roles.filter((r) => r.state !== 'approved')
      .map((r) => ({ step: s.id, role: r.role, state: r.state, why: r.why })),
  );
  return {
    id: state.meta.sessionId,
    runbook: state.meta.runbookTitle,
    promotion: state.meta.promotionId,
    version: state.meta.version,
    status: state.status,
    outcome: state.outcome,
    currentStep: step ? { id: step.id, title: step.title, status: step.status } : null,
    traffic: {
      recordedWeight: state.recordedWeight,
      promoted: state.canary?.promoted === true,
      description: describeWeight(state),
    },
    canaryStage: stage ? { index: stage.index + 1, weight: stageWeight(stage) } : null,
    /** Who answers the session's questions: the rehearsal autopilot's stand-ins, or a person. */
    drivenBy: state.autopilot ? 'autopilot' : 'person',
    latestVerdicts: (stage?.samples ?? [])
      .slice(-5)
      .map((s) => ({ at: new Date(s.at).toISOString(), verdict: s.verdict })),
    pendingApprovals: pending,
    gonogo: state.gonogo?.decision ?? null,
    rollback: state.rollback
      ? {
          trigger: state.rollback.trigger,
          reason: state.rollback.reason,
          done: state.rollback.completedAt !== undefined,
        }
      : null,
    summary: state.summary ?? null,
  };
}

export async function statusCommand(id: string, options: { json?: boolean; home?: string }): Promise<number> {
  const store = new SessionStore(options.home);
  const { state, journal: health, runbook, promotion } = loadSessionState(store, id);
  const engine = engineOf(store, state, id);
  const journal = journalField(health, state);
  const status = { ...statusOf(state, Date.now(), runbook, promotion), engine, journal };
  // A journal that breaks: the state below is only what the lines before the break say.
  const exit = health.ok ? 0 : 1;
  if (options.json) {
    printOut(`${JSON.stringify(status, null, 2)}\n`);
    if (!health.ok) printErr(`conductor: ${brokenJournalMessage(id, health)}\n`);
    return exit;
  }
  const lines: string[] = [];
  if (health.broken)
    lines.push(
      `JOURNAL DAMAGED: ${health.message}.`,
      `The state below is only what the ${health.events} events before line ${health.broken.line} say; it may not be where the session (or its traffic) really is.`,
      `\`conductor repair ${id}\` keeps the verified part (the rest is saved beside it) so the session can be resumed or rolled back.`,
      '',
    );
  lines.push(
    `${status.id}: ${status.runbook}, ${status.version} (${status.promotion})`,
    `journal:   ${health.ok ? health.message : `DAMAGED: ${health.message}`}`,
    ...state.journalRepairs.map((r) => `           ${repairText(r)}`),
    `status:    ${status.status}${status.outcome ? ` (${status.outcome})` : ''}${health.ok ? '' : ' (before the break)'}`,
    `step:      ${status.currentStep ? `${status.currentStep.title} [${status.currentStep.status}]` : 'none'}`,
    `traffic:   ${status.traffic.description}${health.ok ? '' : ' (as of the break: read the live split before acting)'}`,
    `canary:    ${status.canaryStage ? `stage ${status.canaryStage.index} at ${status.canaryStage.weight}%` : 'not started'}`,
    `verdicts:  ${status.latestVerdicts.map((v) => v.verdict).join(' ') || 'none yet'}`,
    `approvals: ${status.pendingApprovals.length ? status.pendingApprovals.map((p) => `${p.role} ${p.state}`).join(', ') : 'none pending'}`,
    `go/no-go:  ${status.gonogo ?? 'not decided'}`,
    `answers:   ${status.drivenBy === 'autopilot' ? `the rehearsal autopilot${status.status === 'completed' ? '' : ' (`conductor resume --no-autopilot` takes over by hand)'}` : 'a person at the keyboard'}`,
    `engine:    ${
      engine
        ? `pid ${engine.pid} on ${engine.host} since ${engine.since}, ${engine.mode === 'guard' ? 'guarding alone (no screen attached)' : 'a screen attached'}`
        : 'none running'
    }`,
  );
  if (status.rollback)
    lines.push(
      `rollback:  ${status.rollback.trigger}: ${status.rollback.reason}${status.rollback.done ? ' (done)' : ''}`,
    );
  if (status.summary) lines.push(`summary:   ${status.summary}`);
  printOut(`${lines.join('\n')}\n`);
  if (!health.ok) printErr(`conductor: ${brokenJournalMessage(id, health)}\n`);
  return exit;
}
