import { readdirSync } from 'node:fs';
import { Box, Text, useStdout } from 'ink';
import {
  type ReactNode,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { Banner, bannerRows } from './components/Banner.js';
import { ConfirmDialog, type ConfirmDialogProps, detachQuestion } from './components/ConfirmDialog.js';
import { Frame, mainArea } from './components/Frame.js';
import { Header } from './components/Header.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { KeyBar } from './components/KeyBar.js';
import { PhaseRail, railWidth } from './components/PhaseRail.js';
import { StatusBar } from './components/StatusBar.js';
import { roleListsSigners } from './core/approvals/signed-roles.js';
import { answeredByAwsStandin } from './core/session/aws-standin-warning.js';
import { approvalStatusOf, roleTitles } from './core/session/gates.js';
import { currentStage, currentStep, environmentOf, sessionTime } from './core/session/selectors.js';
import type { SessionState } from './core/session/state.js';
import type { SessionView } from './engine/session-view.js';
import {
  activeBindings,
  helpSections,
  type KeyContext,
  keyBarItems,
  matchKey,
  type Overlay,
} from './keys.js';
import { Approval, approvalStepOf } from './screens/Approval.js';
import { pasteToken, signedApprovalInput, TOKEN_FIELD, withTokenField } from './screens/approval-token.js';
import { Canary } from './screens/Canary.js';
import { Checklist } from './screens/Checklist.js';
import { headerEnvironment, pollPeriodOf, railPhases, statusBarProps } from './screens/chrome.js';
import { commandFacts, shellLine } from './screens/command-facts.js';
import { FormView } from './screens/FormView.js';
import {
  erase,
  type FormModel,
  formValues,
  makeForm,
  missingField,
  moveInForm,
  nextField,
  readChunk,
  typeInto,
  withError,
} from './screens/form.js';
import { GoNoGo } from './screens/GoNoGo.js';
import { Monitor } from './screens/Monitor.js';
import { JournalOverlay, NotificationsOverlay } from './screens/Overlays.js';
import { Rollback } from './screens/Rollback.js';
import { defaultSelection, keyContextFor, phaseSteps } from './screens/route.js';
import { Summary } from './screens/Summary.js';
import { canaryPercentOf } from './screens/series.js';
import {
  shownStageDecision,
  stageDecisionForm,
  withCurrentStageChoices,
} from './screens/stage-decision-form.js';
import type { ScreenProps } from './screens/types.js';
import { REPORT_FILES } from './services/report/report-files.js';
import {
  isTooSmall,
  type Theme,
  ThemeProvider,
  TooSmall,
  themeFor,
  useTerminalSize,
} from './terminal/index.js';
import { useClockTick } from './terminal/use-clock-tick.js';
import { useKeypress } from './terminal/use-keypress.js';

export type ExitHow = 'detach' | 'quit';

export interface AppProps {
  /** The session: the engine itself in tests, a client of the engine's process in the CLI. */
  conductor: SessionView;
  rehearsal?: { scenario: string; speed: number };
  /**
   * The person leaves the screen. 'detach': traffic is shifted and they chose to leave it so; the
   * caller keeps the process as a headless guard (conductor.becomeGuard()). 'quit': nothing is
   * shifted (or the session is over); the caller records conductor.detach() and stops.
   */
  onExit: (how: ExitHow) => void;
  /** Colours by meaning; default from the environment (NO_COLOR turns colour off). */
  theme?: Theme;
  /** Told the key context of each frame, the one its key bar and help are drawn from (tests read it). */
  onKeyContext?: (ctx: KeyContext) => void;
}

type ConfirmPurpose =
  | { type: 'quit' }
  | { type: 'dangerous'; step: string }
  /** Stop the command a previous engine left running in this step (the step then runs again). */
  | { type: 'orphan'; step: string };

interface UiState {
  overlay?: Overlay;
  /** An explicit checklist selection, valid while the session stays on the step it was made on. */
  selection?: { forStep: string; index: number };
  logOffset: number;
  scroll: number;
  noteIndex: number;
  form?: FormModel;
  confirm?: ConfirmPurpose;
  /** The open form was submitted and waits for the engine's answer. */
  submitting?: boolean;
  /** One line of feedback: what was recorded, or why not. */
  flash?: string;
  /** Which target the charts follow: an index into the newest sample's targets. */
  chartTarget?: number;
}

/** What the hold's reason says when the person closed the dialog without giving one. */
export const HOLD_REASON_NOT_GIVEN = 'not given';

/**
 * Why an open form no longer has a subject (the rollback started or finished, the decision was
 * answered elsewhere, a new countdown replaced the held one), in one sentence; undefined while it has.
 */
export function passedSubject(form: FormModel, state: SessionState): string | undefined {
  const purpose = form.purpose;
  const rollback = state.rollback
    ? state.rollback.completedAt !== undefined
      ? 'The rollback has finished'
      : 'The rollback has started'
    : undefined;
  switch (purpose.type) {
    case 'hold-rollback': {
      if (rollback) return `${rollback}: the hold no longer applies, its reason was not recorded.`;
      // A cleared breach leaves the form open (the reason still goes to the hold's record); a new
      // countdown closes it, so h can hold that one.
      const armed = state.canary?.autoRollback;
      if (armed && purpose.deadline !== undefined && armed.deadline !== purpose.deadline && !armed.heldBy)
        return 'A new automatic-rollback countdown has started: press h to hold it (x rolls back).';
      return undefined;
    }
    case 'stage-decision': {
      if (rollback) return `${rollback}: the stage decision no longer applies.`;
      const stage = currentStage(state);
      if (stage?.index !== purpose.stage || stage.decision?.at !== purpose.decidedAt)
        return `The stage ${purpose.stage + 1} decision was already made: this dialog is closed.`;
      return undefined;
    }
    case 'advance': {
      if (rollback) return `${rollback}: there is no stage to advance.`;
      const stage = currentStage(state);
      if (!stage || stage.completedAt !== undefined)
        return 'The stage has ended: there is nothing to advance.';
      return undefined;
    }
    case 'drift':
      if (rollback) return `${rollback}: the drift no longer needs an answer.`;
      if (!state.drift || state.drift.resolved)
        return 'The traffic drift was already resolved: this dialog is closed.';
      return undefined;
    default:
      return undefined;
  }
}

const INITIAL_UI: UiState = { logOffset: 0, scroll: 0, noteIndex: 0 };

function selectedIndex(ui: UiState, state: SessionState): number {
  const current = currentStep(state)?.id;
  if (ui.selection && ui.selection.forStep === current) return ui.selection.index;
  return defaultSelection(state);
}

/** Re-render on every notify (state, waiting or live output changed), not only on a new state object. */
function useConductorVersion(conductor: SessionView): number {
  const version = useRef(0);
  const subscribe = useCallback(
    (onChange: () => void) =>
      conductor.subscribe(() => {
        version.current++;
        onChange();
      }),
    [conductor],
  );
  return useSyncExternalStore(subscribe, () => version.current);
}

function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
}

export function App(props: AppProps) {
  const theme = useMemo(() => props.theme ?? themeFor(process.env), [props.theme]);
  return (
    <ThemeProvider theme={theme}>
      <Session {...props} />
    </ThemeProvider>
  );
}

function Session({ conductor, rehearsal, onExit, onKeyContext }: AppProps) {
  const version = useConductorVersion(conductor);
  // The engine appends to liveOutput in place: a memoised pane needs a new array to see new lines.
  // biome-ignore lint/correctness/useExhaustiveDependencies: version is what says the lines changed
  const liveOutput = useMemo(() => conductor.liveOutput.slice(), [conductor, version]);
  // Countdowns and the clock move without events: redrawn when the session clock's second turns.
  const clockSpeed = (rehearsal ?? conductor.state.meta.rehearsal)?.speed ?? 1;
  const readClock = useCallback(() => conductor.now(), [conductor]);
  useClockTick(readClock, clockSpeed);
  const size = useTerminalSize();
  const { stdout } = useStdout();
  const [ui, setUiState] = useState<UiState>(INITIAL_UI);
  const uiRef = useRef(ui);
  // The input handler reads the newest UI state even before React re-renders.
  const setUi = useCallback((f: (u: UiState) => UiState) => {
    uiRef.current = f(uiRef.current);
    setUiState(uiRef.current);
  }, []);

  const state = conductor.state;
  const now = sessionTime(state, conductor.now());
  const { runbook, promotion } = conductor;

  const canaryDefinition = () => {
    const step = conductor.state.canary?.step;
    return step ? conductor.definition(step) : undefined;
  };
  /** An open form as the session stands now: a stage decision's choices are never the ones it opened with. */
  const liveForm = <F extends FormModel | undefined>(form: F): F =>
    (form && withCurrentStageChoices(form, conductor.state, canaryDefinition())) as F;

  // A dialog whose subject has passed (the rollback started, the decision is gone) closes itself
  // and says why, so nobody types a reason into a question that no longer exists.
  const passed =
    ui.overlay === 'form' && ui.form && !ui.submitting ? passedSubject(ui.form, state) : undefined;
  useEffect(() => {
    if (!passed) return;
    setUi((u) =>
      u.overlay === 'form' && u.form ? { ...u, overlay: undefined, form: undefined, flash: passed } : u,
    );
  }, [passed, setUi]);
  const waiting = conductor.waiting;
  const selected = selectedIndex(ui, state);
  const ctx = keyContextFor(state, waiting, {
    overlay: ui.overlay,
    selected,
    readOnly: conductor.readOnly,
    form: liveForm(ui.form),
    outputLines: conductor.liveOutput.length,
  });
  const screen = ctx.screen;
  useEffect(() => {
    onKeyContext?.(ctx);
  });

  const closeOverlay = (u: UiState): UiState => ({
    ...u,
    overlay: undefined,
    form: undefined,
    confirm: undefined,
    submitting: undefined,
  });
  const openForm = (form: FormModel) =>
    setUi((u) => ({ ...u, overlay: 'form', form, submitting: undefined, flash: undefined }));

  const approvalForm = (): FormModel | undefined => {
    const def = approvalStepOf({ state: conductor.state, promotion });
    if (!def) return undefined;
    const status = approvalStatusOf(runbook, conductor.state, def, conductor.now());
    const titles = roleTitles(runbook);
    const open = status.roles.filter((r) => r.state !== 'approved').map((r) => titles[r.role] ?? r.role);
    const all = status.roles.map((r) => titles[r.role] ?? r.role);
    const options = open.length > 0 ? open : all;
    const signed = status.roles
      .filter((r) => r.state !== 'approved' && roleListsSigners(runbook, r.role))
      .map((r) => titles[r.role] ?? r.role);
    const typed = makeForm({ type: 'approval', step: def.id }, `Record an approval: ${def.title}`, [
      {
        id: 'approver',
        label: 'approver',
        value: '',
        required: true,
        hint: '@handle of the person approving',
      },
      { id: 'role', label: 'role', value: options[0] ?? '', options },
      { id: 'comment', label: 'comment', value: '', required: true, hint: 'what they said' },
      {
        id: 'reference',
        label: 'reference',
        value: conductor.state.meta.ticket ?? '',
        hint: 'ticket or Slack link',
      },
    ]);
    return withTokenField(typed, signed);
  };

  const decisionForm = (): FormModel | undefined => {
    const s = conductor.state;
    if (s.drift && !s.drift.resolved) {
      return makeForm(
        { type: 'drift' },
        'The live traffic split differs from the journal',
        [
          {
            id: 'choice',
            label: 'choice',
            value: 'adopt',
            options: ['adopt', 'reapply', 'rollback'],
            hint: 'adopt the live split · re-apply the recorded one · roll back',
          },
        ],
        s.drift.details,
      );
    }
    const stage = currentStage(s);
    const canaryDef = canaryDefinition();
    // The choices are read again from the session on every frame and key (liveForm).
    if (stage?.decision && canaryDef) return stageDecisionForm(s, stage, canaryDef);
    if (conductor.waiting?.kind === 'traffic-guard') {
      const step = conductor.waiting.step;
      return makeForm(
        { type: 'traffic-guard' },
        step && conductor.definition(step).kind !== 'canary'
          ? 'Before this step runs'
          : 'Before traffic moves',
        [
          { id: 'ticket', label: 'change ticket', value: s.meta.ticket ?? '', hint: 'e.g. CHG-1234' },
          {
            id: 'override',
            label: 'window override',
            value: '',
            hint: 'reason to move traffic outside the window',
          },
        ],
        [conductor.waiting.message],
      );
    }
    return undefined;
  };

  const submitForm = (form: FormModel) => {
    const missing = missingField(form);
    if (missing) return setUi((u) => ({ ...u, form: withError(form, missing) }));
    // The engine may answer over its socket: the form stays open until it has, and is not closed
    // as "passed" by the state its own answer changes.
    setUi((u) => ({ ...u, submitting: true }));
    const v = formValues(form);
    let error: string | undefined | Promise<string | undefined>;
    let done = 'Recorded.';
    switch (form.purpose.type) {
      case 'approval': {
        if (v[TOKEN_FIELD]) {
          error = conductor.approveSigned({
            step: form.purpose.step,
            ...signedApprovalInput(v[TOKEN_FIELD], process.cwd()),
          });
          done = 'Signed approval verified and recorded.';
          break;
        }
        const titles = roleTitles(runbook);
        const role = Object.entries(titles).find(([, title]) => title === v.role)?.[0] ?? v.role;
        error = conductor.approve({
          step: form.purpose.step,
          role,
          approver: v.approver,
          comment: v.comment,
          reference: v.reference || undefined,
        });
        done = `Approval by ${v.approver} as ${v.role} recorded.`;
        break;
      }
      case 'evidence':
        error = conductor.confirmStep(form.purpose.step, v.note || undefined);
        done = 'Item confirmed.';
        break;
      case 'abandon':
        error = conductor.abandon(v.reason);
        done = 'Session abandoned.';
        break;
      case 'advance':
        error = conductor.advanceNow(v.reason);
        done = 'Advancing to the next stage.';
        break;
      case 'hold-rollback':
        // The countdown stopped when h was pressed; this only journals why.
        conductor.holdAutoRollback(v.reason);
        done = 'Reason for the hold recorded. x still rolls back at once.';
        break;
      case 'stage-decision':
        error = conductor.chooseAtStageEnd(
          v.choice as 'extend' | 'advance' | 'rollback' | 'investigate',
          v.reason || undefined,
        );
        done = `Stage decision: ${v.choice}.`;
        break;
      case 'drift':
        conductor.resolveDrift(v.choice as 'adopt' | 'reapply' | 'rollback').catch((e: unknown) => {
          setUi((u) => ({
            ...u,
            flash: `Drift not resolved: ${e instanceof Error ? e.message : String(e)}`,
          }));
        });
        done = `Drift: ${v.choice}.`;
        break;
      case 'traffic-guard':
        if (v.ticket && v.ticket !== conductor.state.meta.ticket) conductor.recordTicket(v.ticket);
        if (v.override) error = conductor.overrideWindow(v.override);
        break;
      case 'start':
        break;
    }
    void Promise.resolve(error).then((refused) => {
      if (refused) setUi((u) => ({ ...u, submitting: undefined, form: withError(form, refused) }));
      else setUi((u) => ({ ...closeOverlay(u), flash: done }));
    });
  };

  const leave = () => {
    if (conductor.readOnly) return onExit('quit');
    if (conductor.trafficShifted && conductor.state.status !== 'completed')
      setUi((u) => ({ ...u, overlay: 'confirm', confirm: { type: 'quit' }, form: undefined }));
    else onExit('quit');
  };

  useKeypress((input, key, paste) => {
    const s = conductor.state;
    const current = uiRef.current;
    // A paste is text for a form, never keys: an x inside it does not abort.
    if (paste !== undefined) {
      if (current.overlay === 'form' && current.form) {
        const form = current.form;
        const signed = pasteToken(form, paste);
        setUi((u) => ({ ...u, form: signed ?? typeInto(form, paste.replace(/[\r\n]+/g, ' ').trim()) }));
      }
      return;
    }
    const index = selectedIndex(current, s);
    const context = keyContextFor(s, conductor.waiting, {
      overlay: current.overlay,
      selected: index,
      readOnly: conductor.readOnly,
      form: liveForm(current.form),
      outputLines: conductor.liveOutput.length,
    });
    const binding = matchKey(input, key, context);
    // The abort path: nothing (no render, no state update) before the rollback requests leave.
    if (binding?.id === 'abort') {
      conductor.abort();
      setUi((u) => ({ ...closeOverlay(u), flash: 'Rolling back: traffic requests sent.' }));
      return;
    }
    if (current.overlay === 'form' && current.form) {
      const form = liveForm(current.form);
      if (binding?.id === 'interrupt') return leave();
      if (binding?.id === 'back') {
        if (form.purpose.type === 'hold-rollback') {
          // Escape keeps the hold: only the reason is left out.
          conductor.holdAutoRollback(HOLD_REASON_NOT_GIVEN);
          return setUi((u) => ({
            ...closeOverlay(u),
            flash: 'Automatic rollback still held (reason not given). x still rolls back at once.',
          }));
        }
        return setUi(closeOverlay);
      }
      if (binding?.id === 'confirm') return submitForm(form);
      if (binding?.id === 'next-field') return setUi((u) => ({ ...u, form: nextField(form) }));
      if (binding?.id === 'up') return setUi((u) => ({ ...u, form: moveInForm(form, -1) }));
      if (binding?.id === 'down') return setUi((u) => ({ ...u, form: moveInForm(form, 1) }));
      if (key.backspace || key.delete) return setUi((u) => ({ ...u, form: erase(form) }));
      if (input && !key.ctrl && !key.meta) {
        const chunk = readChunk(input);
        const typed = typeInto(form, chunk.text);
        if (chunk.submit) return submitForm(typed);
        setUi((u) => ({ ...u, form: typed }));
      }
      return;
    }
    if (!binding) return;
    const items = phaseSteps(s);
    const item = items[index];
    switch (binding.id) {
      case 'detach':
      case 'interrupt':
        if (current.overlay === 'confirm') return;
        return leave();
      case 'back':
        return setUi(closeOverlay);
      case 'help':
      case 'notifications':
      case 'journal': {
        const overlay: Overlay = binding.id;
        return setUi((u) =>
          u.overlay === overlay
            ? closeOverlay(u)
            : { ...u, overlay, scroll: 0, noteIndex: Math.max(0, s.notifications.length - 1) },
        );
      }
      case 'up':
      case 'down': {
        const delta = binding.id === 'up' ? -1 : 1;
        if (current.overlay === 'notifications')
          return setUi((u) => ({
            ...u,
            noteIndex: Math.min(Math.max(0, u.noteIndex + delta), Math.max(0, s.notifications.length - 1)),
          }));
        if (current.overlay === 'journal')
          return setUi((u) => ({ ...u, scroll: Math.max(0, u.scroll - delta) }));
        if (current.overlay === 'help')
          return setUi((u) => ({ ...u, scroll: Math.max(0, u.scroll + delta) }));
        if (context.screen !== 'checklist') return;
        if (item?.status === 'running' && item.kind === 'command')
          return setUi((u) => ({ ...u, logOffset: Math.max(0, u.logOffset - delta) }));
        const step = currentStep(s)?.id ?? '';
        return setUi((u) => ({
          ...u,
          logOffset: 0,
          selection: {
            forStep: step,
            index: Math.min(Math.max(0, index + delta), Math.max(0, items.length - 1)),
          },
        }));
      }
      case 'chart-target':
        return setUi((u) => ({
          ...u,
          chartTarget: ((u.chartTarget ?? 0) + 1) % Math.max(1, context.chartTargets ?? 1),
        }));
      case 'copy': {
        const note = s.notifications[Math.min(current.noteIndex, s.notifications.length - 1)];
        if (!note) return;
        stdout.write(osc52(note.text));
        return setUi((u) => ({
          ...u,
          flash: `Copied the #${note.channel} message to the clipboard (OSC 52).`,
        }));
      }
      case 'mark-done':
        return markDone(item?.id);
      case 'rerun': {
        const target = context.screen === 'gonogo' ? currentStep(s)?.id : item?.id;
        if (target) conductor.rerun(target);
        return setUi((u) => ({ ...u, flash: 'Running it again.', logOffset: 0 }));
      }
      case 'approve': {
        const form = approvalForm();
        if (form) openForm(form);
        return;
      }
      case 'advance':
        return openForm(
          makeForm(
            { type: 'advance' },
            'Advance to the next stage now?',
            [{ id: 'reason', label: 'reason', value: '', required: true, hint: 'why cut the hold short' }],
            [
              'This shifts more traffic to the new version before the hold is over. Enter to advance, esc to stay.',
            ],
          ),
        );
      case 'hold-rollback':
        // The countdown stops now, before anything is typed: a reason is asked after.
        conductor.holdAutoRollback();
        return openForm(
          makeForm(
            { type: 'hold-rollback', deadline: s.canary?.autoRollback?.deadline },
            'Automatic rollback HELD: why?',
            [{ id: 'reason', label: 'reason', value: '', required: true, hint: 'what you are checking' }],
            [
              'The countdown has stopped; the breach stays on screen. x still rolls back at once. Esc keeps the hold without a reason.',
            ],
          ),
        );
      case 'abandon':
        return openForm(
          makeForm(
            { type: 'abandon' },
            'Abandon this session?',
            [{ id: 'reason', label: 'reason', value: '', required: true, hint: 'why it ends here' }],
            ['The session ends here, its reason journaled and in the report. Enter to abandon, esc to stay.'],
          ),
        );
      case 'pause':
        conductor.pauseHold();
        return;
      case 'extend':
        conductor.extendHold();
        return setUi((u) => ({ ...u, flash: 'Hold extended.' }));
      case 'confirm':
        return onEnter(context, item?.id);
      default:
        return;
    }
  });

  function markDone(stepId: string | undefined) {
    if (!stepId) return;
    const def = conductor.definition(stepId);
    if (def.kind !== 'manual') return;
    if (def.evidence === 'none') {
      void Promise.resolve(conductor.confirmStep(stepId)).then((error) =>
        setUi((u) => ({ ...u, flash: error ?? 'Item confirmed.' })),
      );
      return;
    }
    openForm(
      makeForm({ type: 'evidence', step: stepId }, `Confirm: ${def.title}`, [
        {
          id: 'note',
          label: 'evidence note',
          value: '',
          required: def.evidence === 'required',
          hint: def.evidence === 'required' ? 'a link, a ticket or a value (required)' : 'optional',
        },
      ]),
    );
  }

  function onEnter(context: KeyContext, itemId: string | undefined) {
    const current = uiRef.current;
    if (current.overlay === 'confirm' && current.confirm) {
      const purpose = current.confirm;
      setUi(closeOverlay);
      if (purpose.type === 'quit') onExit('detach');
      else if (purpose.type === 'orphan')
        void Promise.resolve(conductor.stopOrphan(purpose.step)).then((refused) =>
          setUi((u) => ({
            ...u,
            flash: refused ?? 'Stopping the previous engine’s command; the step then runs again.',
          })),
        );
      else conductor.confirmDangerous(purpose.step);
      return;
    }
    switch (context.screen) {
      case 'checklist': {
        const w = conductor.waiting;
        if ((w?.kind === 'dangerous' || w?.kind === 'orphan') && w.step) {
          const step = w.step;
          setUi((u) => ({
            ...u,
            overlay: 'confirm',
            confirm: w.kind === 'orphan' ? { type: 'orphan', step } : { type: 'dangerous', step },
          }));
          return;
        }
        // A dangerous step the guard holds: the same form as traffic (ticket, window override).
        if (w?.kind === 'traffic-guard') {
          const form = decisionForm();
          if (form) openForm(form);
          return;
        }
        if (context.selectedItem === 'manual') markDone(itemId);
        return;
      }
      case 'approval': {
        const form = approvalForm();
        if (form && context.approvalPending) openForm(form);
        return;
      }
      case 'canary':
      case 'monitor': {
        // Enter is the decision to move the first traffic: the screen shows the weight, targets and account.
        if (conductor.waiting?.kind === 'canary-start') {
          void Promise.resolve(conductor.confirmCanaryStart()).then((refused) =>
            setUi((u) => ({ ...u, flash: refused ?? 'Canary started: moving the first traffic.' })),
          );
          return;
        }
        const form = decisionForm();
        if (form) openForm(form);
        return;
      }
      case 'summary':
        onExit('quit');
        return;
      default:
        return;
    }
  }

  const files = useMemo(() => {
    if (state.status !== 'completed') return undefined;
    try {
      // The reports the session's end wrote (not its credentials, emulator data or engine files).
      const present = new Set(readdirSync(conductor.dir));
      return Object.values(REPORT_FILES).filter((f) => present.has(f));
    } catch {
      return undefined;
    }
  }, [state.status, conductor]);

  if (isTooSmall(size)) return <TooSmall size={size} />;

  // The rail costs 25 columns up to 120 (more on a wide terminal): below 100 the screens need them
  // more (charts need 120).
  const wideEnoughForRail = size.columns >= (screen === 'canary' || screen === 'monitor' ? 120 : 100);
  const phases = railPhases(state);
  // As wide as the longest phase title, up to a share of a wide terminal (24 at 120 columns).
  const rail = wideEnoughForRail ? railWidth(phases, size.columns) : 0;
  const area = mainArea(size.rows, size.columns, rail);
  // A halted session says why on every screen (the canary screen says it in its own panel).
  const halted =
    screen !== 'canary' && (state.status === 'halted' || waiting?.kind === 'halted')
      ? ((waiting?.kind === 'halted' ? waiting.message : state.summary) ?? 'the session is halted')
      : // The rollback screen says its own retries, on the revert's row.
        waiting?.kind === 'retrying' && screen !== 'rollback'
        ? waiting.message
        : undefined;
  // The halt's reason wraps, never cut: the screen below gives up the rows it takes.
  const haltedBanner = halted
    ? waiting?.kind === 'retrying'
      ? ({ kind: 'warn', text: `AWS: ${halted}` } as const)
      : ({ kind: 'danger', text: `Halted: ${halted}` } as const)
    : undefined;
  const flashRows =
    (ui.flash ? 1 : 0) + (haltedBanner ? bannerRows(haltedBanner.kind, haltedBanner.text, area.width) : 0);
  const dialog = dialogFor(
    ui.form ? { ...ui, form: shownStageDecision(ui.form, state, canaryDefinition()) } : ui,
    conductor,
    area.width,
    activeBindings(ctx).some((b) => b.id === 'abort'),
  );
  const dialogRows = dialog ? dialog.rows : 0;
  const screenProps: ScreenProps = {
    state,
    runbook,
    promotion,
    now,
    waiting,
    width: area.width,
    height: Math.max(3, area.height - flashRows - dialogRows),
    readOnly: conductor.readOnly,
    chartTarget: ui.chartTarget,
  };

  let main: ReactNode;
  if (ui.overlay === 'help') {
    main = (
      <HelpOverlay
        sections={helpSections({ ...ctx, overlay: undefined })}
        width={area.width}
        height={area.height}
        scrollOffset={ui.scroll}
      />
    );
  } else if (ui.overlay === 'notifications') {
    main = (
      <NotificationsOverlay
        state={state}
        selected={ui.noteIndex}
        width={area.width}
        height={area.height - flashRows}
        copied={ui.flash}
      />
    );
  } else if (ui.overlay === 'journal') {
    main = <JournalOverlay state={state} scroll={ui.scroll} width={area.width} height={area.height} />;
  } else {
    main = (
      <Box flexDirection="column" width={area.width} height={area.height} overflow="hidden">
        {haltedBanner ? <Banner kind={haltedBanner.kind} text={haltedBanner.text} wrap /> : null}
        {ui.flash ? (
          <Text wrap="truncate" bold>
            › {ui.flash}
          </Text>
        ) : null}
        {renderScreen(screen, screenProps, {
          selected,
          logOffset: ui.logOffset,
          liveOutput,
          files,
          dir: conductor.dir,
        })}
        {dialog?.element}
      </Box>
    );
  }

  const from = environmentOf(runbook, state.meta.from || promotion.from);
  const to = environmentOf(runbook, state.meta.to || promotion.to);
  return (
    <Frame
      rows={size.rows}
      columns={size.columns}
      header={
        <Header
          runbook={state.meta.runbookTitle || runbook.runbook.title}
          version={state.meta.version}
          from={from?.title ?? promotion.from}
          to={to?.title ?? promotion.to}
          environment={headerEnvironment(runbook, promotion, state)}
          sessionId={state.meta.sessionId}
          rehearsal={rehearsal ?? state.meta.rehearsal}
          autopilot={state.autopilot}
          awsStandin={answeredByAwsStandin(state.warnings)}
          now={now}
          width={size.columns}
        />
      }
      rail={wideEnoughForRail ? <PhaseRail phases={phases} width={rail} height={area.height} /> : undefined}
      railWidth={rail}
      main={main}
      keybar={<KeyBar items={keyBarItems(ctx)} width={size.columns} />}
      status={
        <StatusBar
          {...statusBarProps(state, now, {
            lastPollAt: conductor.lastPollAt,
            lastSavedAt: conductor.lastSavedAt,
            pollPeriodMs: pollPeriodOf(state, promotion),
          })}
        />
      }
    />
  );
}

function renderScreen(
  screen: KeyContext['screen'],
  props: ScreenProps,
  extra: {
    selected: number;
    logOffset: number;
    liveOutput: readonly string[];
    files?: readonly string[];
    dir: string;
  },
): ReactNode {
  switch (screen) {
    case 'checklist':
      return (
        <Checklist
          {...props}
          selected={extra.selected}
          logOffset={extra.logOffset}
          liveOutput={extra.liveOutput}
        />
      );
    case 'approval':
      return <Approval {...props} />;
    case 'gonogo':
      return <GoNoGo {...props} />;
    case 'canary':
      return <Canary {...props} />;
    case 'monitor':
      return <Monitor {...props} />;
    case 'rollback':
      return <Rollback {...props} files={extra.files} />;
    case 'summary':
      return <Summary {...props} files={extra.files} dir={extra.dir} />;
    default:
      return null;
  }
}

/** The open form or question, drawn under the screen so the screen stays in view above it. */
function dialogFor(
  ui: UiState,
  conductor: SessionView,
  width: number,
  /** The abort key answers here (traffic shifted, no rollback under way): the dialog may offer it. */
  abortable: boolean,
): { element: ReactNode; rows: number } | undefined {
  if (ui.overlay === 'form' && ui.form) {
    const rows = ui.form.fields.length + (ui.form.lines?.length ?? 0) * 2 + (ui.form.error ? 2 : 0) + 4;
    return { element: <FormView form={ui.form} width={width} abortKey={abortable} />, rows };
  }
  if (ui.overlay === 'confirm' && ui.confirm) {
    const question = confirmQuestion(ui.confirm, conductor, abortable);
    const rows =
      4 + question.lines.reduce((n, line) => n + Math.ceil((line.length + 1) / Math.max(10, width - 4)), 0);
    return { element: <ConfirmDialog {...question} width={width} />, rows };
  }
  return undefined;
}

function confirmQuestion(
  purpose: ConfirmPurpose,
  conductor: SessionView,
  abortable: boolean,
): Omit<ConfirmDialogProps, 'width'> {
  const state = conductor.state;
  if (purpose.type === 'quit') {
    const percent = state.lastSplit
      ? canaryPercentOf(state.lastSplit, state.rollbackTarget)
      : state.recordedWeight;
    const question = detachQuestion(state.canary?.promoted ? 100 : percent, state.meta.version);
    // A rollback under way has nothing left for x to start: the question does not offer it.
    return abortable ? question : { ...question, choices: question.choices.filter((c) => c.keys !== 'x') };
  }
  const def = conductor.definition(purpose.step);
  if (purpose.type === 'orphan') {
    const orphan = state.steps.find((st) => st.id === purpose.step)?.command?.orphan;
    return {
      title: `Stop the command the previous engine left running in ${def.title}?`,
      lines: [
        orphan?.detail ?? 'The previous engine’s command is still running.',
        'It gets SIGTERM, then SIGKILL after 3 s, and the step runs again. A command that changes infrastructure is safer left to finish.',
      ],
      choices: [
        { keys: 'enter', label: 'stop it', danger: true },
        { keys: 'esc', label: 'keep waiting' },
      ],
    };
  }
  if (def.kind !== 'command') return { title: 'Run this step?', lines: [], choices: [] };
  const facts = commandFacts(conductor.runbook, conductor.promotion, state, def, conductor.now());
  return {
    title: `DANGEROUS: ${def.title} changes ${facts.environment}`,
    lines: [
      `$ ${shellLine(facts.argv)}`,
      `env ${Object.entries(facts.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
      `AWS account ${facts.account} (${facts.environment})`,
    ],
    choices: [
      { keys: 'enter', label: 'run it', danger: true },
      { keys: 'esc', label: 'not now' },
    ],
  };
}
