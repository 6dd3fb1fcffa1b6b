import { type Instance, render } from 'ink';
import { choiceFacts, mostUrgentFirst, type ResumeChoice } from '../core/session/resume-choice.js';
import { trafficShifted } from '../core/session/selectors.js';
import type { SessionState } from '../core/session/state.js';
import { UserError } from '../errors.js';
import { ResumePicker, type ResumePickerProps } from '../screens/ResumePicker.js';
import { journalHealth } from '../services/store/journal.js';
import { brokenJournalMessage, SessionStore } from '../services/store/session-store.js';
import {
  enterAltScreen,
  installTerminalRestore,
  ThemeProvider,
  themeFor,
  useTerminalSize,
} from '../terminal/index.js';
import { attachOrResume, runningEngine } from '../wiring/engine-process.js';
import { interactiveTerminal, requireTty, runInteractive } from './interactive.js';
import { engineOf, loadSessionState, sessionRows } from './sessions.js';

export type ResumeCandidate = ResumeChoice;

/** Unfinished sessions, with whether traffic is shifted and whether an engine still guards them. */
export function resumeCandidates(store: SessionStore): ResumeCandidate[] {
  return sessionRows(store)
    .filter((r) => r.status === 'active' || r.status === 'halted')
    .map((r) => {
      let state: SessionState | undefined;
      try {
        state = loadSessionState(store, r.id).state;
      } catch {
        // a journal that does not fold is listed, not guessed at
      }
      return {
        id: r.id,
        title: r.title,
        status: r.status,
        currentStep: r.currentStep,
        shifted: state ? trafficShifted(state) : false,
        guarded: runningEngine(store, r.id) !== undefined,
        attached: state ? engineOf(store, state, r.id)?.mode === 'driven' : false,
        updatedAt: r.updatedAt,
      };
    });
}

/**
 * Which session `conductor resume` without an id means: the one with traffic shifted or an engine
 * guarding it (the one PROD depends on), else the most recent unfinished one. Several that matter
 * are never guessed between: the list comes back instead, most urgent first.
 */
export function pickSession(
  candidates: ResumeCandidate[],
): { id: string } | { ambiguous: ResumeCandidate[] } | undefined {
  const urgent = candidates.filter((c) => c.shifted || c.guarded);
  if (urgent.length === 1) return { id: urgent[0].id };
  if (urgent.length > 1) return { ambiguous: mostUrgentFirst(urgent) };
  const latest = [...candidates].sort((a, b) => b.updatedAt - a.updatedAt)[0];
  return latest ? { id: latest.id } : undefined;
}

export function candidateLine(c: ResumeCandidate): string {
  const facts = [c.status, ...choiceFacts(c).map((fact) => fact.text)];
  return `${c.id}  ${c.title}  (${facts.join(', ')})`;
}

function PickerScreen(props: Omit<ResumePickerProps, 'width' | 'height'>) {
  const size = useTerminalSize();
  return <ResumePicker {...props} width={size.columns} height={size.rows - 1} />;
}

/** Asks on the full screen which of `choices` to resume; undefined when the person cancels. */
export async function askWhichSession(choices: ResumeCandidate[]): Promise<string | undefined> {
  // A signal or a crash while asking gives the terminal back; nothing has been resumed yet.
  const restore = installTerminalRestore(process.stdout);
  const shown: { ink?: Instance } = {};
  enterAltScreen(process.stdout);
  try {
    return await new Promise<string | undefined>((answer) => {
      shown.ink = render(
        <ThemeProvider theme={themeFor(process.env)}>
          <PickerScreen
            choices={choices}
            now={Date.now()}
            onChoose={(id) => answer(id)}
            onCancel={() => answer(undefined)}
          />
        </ThemeProvider>,
        { exitOnCtrlC: false, patchConsole: false, maxFps: 15 },
      );
    });
  } finally {
    shown.ink?.unmount();
    restore.restore();
    restore.uninstall();
  }
}

/** Attach to a session's engine, or take the session up in a new engine from its journal. */
export async function resumeCommand(
  id: string | undefined,
  options: { home?: string; autopilot?: boolean } = {},
): Promise<number> {
  const store = new SessionStore(options.home);
  let target = id;
  if (!target) {
    const picked = pickSession(resumeCandidates(store));
    if (!picked)
      throw new UserError('There is no unfinished session to resume: `conductor sessions` lists them all.');
    if ('ambiguous' in picked && !interactiveTerminal())
      throw new UserError(
        `Several sessions have traffic shifted or an engine guarding them; name one (on a terminal, \`conductor resume\` asks which):\n${picked.ambiguous
          .map((c) => `  conductor resume ${c.id}    # ${candidateLine(c)}`)
          .join('\n')}`,
      );
    if ('ambiguous' in picked) {
      const chosen = await askWhichSession(picked.ambiguous);
      if (!chosen)
        throw new UserError(
          'Nothing resumed: `conductor resume ID` takes a session up, `conductor sessions` lists them.',
        );
      target = chosen;
    } else target = picked.id;
  }
  if (!store.exists(target)) throw new UserError(`No session ${target}: \`conductor sessions\` lists them.`);
  // The chain is checked before an engine takes the session up: a break is said here, with the way back.
  const journal = journalHealth(store.readJournal(target));
  if (!journal.ok && !runningEngine(store, target))
    throw new UserError(brokenJournalMessage(target, journal), 1);
  if (options.autopilot !== undefined && !store.startOf(target).rehearsal)
    throw new UserError(
      `--${options.autopilot ? '' : 'no-'}autopilot is for rehearsals only: session ${target} runs against real AWS, where a person answers every step.`,
    );
  requireTty();
  const session = await attachOrResume(store, target, { home: options.home, autopilot: options.autopilot });
  return runInteractive({
    initial: session,
    sessions: sessionRows(store),
    edges: session.runbook.promotions.map((p) => p.id),
    rehearsal: session.state.meta.rehearsal,
    validate: () => 'Start a new promotion with `conductor rehearse` or `conductor start`.',
    start: () =>
      Promise.reject(new UserError('Start a new promotion with `conductor rehearse` or `conductor start`.')),
    resume: (other) => attachOrResume(store, other, { home: options.home }),
  });
}
