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
import { Banner } from './components/Banner.js';
import { ConfirmDialog, type ConfirmDialogProps, detachQuestion } from './components/ConfirmDialog.js';
import { Frame, mainArea } from './components/Frame.js';
import { Header } from './components/Header.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { KeyBar } from './components/KeyBar.js';
import { PhaseRail } from './components/PhaseRail.js';
import { StatusBar } from './components/StatusBar.js';
import { endOfStage } from './core/canary/stage.js';
import { approvalStatusOf, roleTitles } from './core/session/gates.js';
import { currentStage, currentStep, environmentOf } from './core/session/selectors.js';
import type { SessionState } from './core/session/state.js';
import type { SessionView } from './engine/session-view.js';
import { helpSections, type KeyContext, keyBarItems, matchKey, type Overlay } from './keys.js';
import { Approval, approvalStepOf } from './screens/Approval.js';
import { Canary } from './screens/Canary.js';
import { Checklist } from './screens/Checklist.js';
import { headerEnvironment, railPhases, statusBarProps } from './screens/chrome.js';
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
import type { ScreenProps } from './screens/types.js';
import {
  isTooSmall,
  type Theme,
  ThemeProvider,
  TooSmall,
  themeFor,
  useTerminalSize,
} from './terminal/index.js';
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
}

type ConfirmPurpose = { type: 'quit' } | { type: 'dangerous'; step: string };

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

/** Countdowns move without events: redraw twice a second. */
function useTicker(ms: number): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), ms);
    return () => clearInterval(timer);
  }, [ms]);
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

function Session({ conductor, rehearsal, onExit }: AppProps) {
  const version = useConductorVersion(conductor);
  // The engine appends to liveOutput in place: a memoised pane needs a new array to see new lines.
  // biome-ignore lint/correctness/useExhaustiveDependencies: version is what says the lines changed
  const liveOutput = useMemo(() => conductor.liveOutput.slice(), [conductor, version]);
  useTicker(500);
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
  const now = conductor.now();
  const { runbook, promotion } = conductor;

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
  const ctx = keyContextFor(state, waiting, { overlay: ui.overlay, selected, readOnly: conductor.readOnly });
  const screen = ctx.screen;

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
    return makeForm({ type: 'approval', step: def.id }, `Record an approval: ${def.title}`, [
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
    if (stage?.decision) {
      const halt = stage.decision.action === 'halt';
      // The choices core/canary offers for these samples; a passed stage starts on "advance".
      const end = endOfStage(stage.samples.map((x) => x.verdict));
      const options =
        end.action === 'advance'
          ? ['advance', 'extend', 'rollback']
          : [
              ...end.choices.map((ch) => (ch === 'hold' ? 'investigate' : ch)),
              ...(halt ? [] : ['investigate']),
            ];
      return makeForm(
        { type: 'stage-decision', halt, stage: stage.index, decidedAt: stage.decision.at },
        `Stage ${stage.index + 1} (${stage.weight}%): what now?`,
        [
          {
            id: 'choice',
            label: 'choice',
            value: options[0],
            options: [...new Set(options)],
          },
          { id: 'reason', label: 'reason', value: '', hint: 'required to investigate' },
        ],
        [stage.decision.reason],
      );
    }
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
        setUi((u) => ({ ...u, form: typeInto(form, paste.replace(/[\r\n]+/g, ' ').trim()) }));
      }
      return;
    }
    const index = selectedIndex(current, s);
    const context = keyContextFor(s, conductor.waiting, {
      overlay: current.overlay,
      selected: index,
      readOnly: conductor.readOnly,
    });
    const binding = matchKey(input, key, context);
    // The abort path: nothing (no render, no state update) before the rollback requests leave.
    if (binding?.id === 'abort') {
      conductor.abort();
      setUi((u) => ({ ...closeOverlay(u), flash: 'Rolling back: traffic requests sent.' }));
      return;
    }
    if (current.overlay === 'form' && current.form) {
      const form = current.form;
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
      else conductor.confirmDangerous(purpose.step);
      return;
    }
    switch (context.screen) {
      case 'checklist': {
        const w = conductor.waiting;
        if (w?.kind === 'dangerous' && w.step) {
          setUi((u) => ({
            ...u,
            overlay: 'confirm',
            confirm: { type: 'dangerous', step: w.step as string },
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
      // The engine's socket and lock are how it runs, not what the session produced.
      return readdirSync(conductor.dir)
        .filter((f) => f !== 'engine.sock' && f !== 'lock.json')
        .sort();
    } catch {
      return undefined;
    }
  }, [state.status, conductor]);

  if (isTooSmall(size)) return <TooSmall size={size} />;

  // The rail costs 25 columns: below 100 the screens need them more (charts need 120).
  const wideEnoughForRail = size.columns >= (screen === 'canary' || screen === 'monitor' ? 120 : 100);
  const area = mainArea(size.rows, size.columns, wideEnoughForRail);
  // A halted session says why on every screen (the canary screen says it in its own panel).
  const halted =
    screen !== 'canary' && (state.status === 'halted' || waiting?.kind === 'halted')
      ? ((waiting?.kind === 'halted' ? waiting.message : state.summary) ?? 'the session is halted')
      : waiting?.kind === 'retrying'
        ? waiting.message
        : undefined;
  const flashRows = (ui.flash ? 1 : 0) + (halted ? 1 : 0);
  const dialog = dialogFor(ui, conductor, area.width);
  const dialogRows = dialog ? dialog.rows : 0;
  const screenProps: ScreenProps = {
    state,
    runbook,
    promotion,
    now,
    waiting,
    width: area.width,
    height: Math.max(3, area.height - flashRows - dialogRows),
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
        {halted ? (
          <Banner
            kind={waiting?.kind === 'retrying' ? 'warn' : 'danger'}
            text={waiting?.kind === 'retrying' ? `AWS: ${halted}` : `Halted: ${halted}`}
          />
        ) : null}
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
          now={now}
          width={size.columns}
        />
      }
      rail={
        wideEnoughForRail ? (
          <PhaseRail phases={railPhases(state)} width={24} height={area.height} />
        ) : undefined
      }
      main={main}
      keybar={<KeyBar items={keyBarItems(ctx)} width={size.columns} />}
      status={
        <StatusBar
          {...statusBarProps(state, now, {
            lastPollAt: conductor.lastPollAt,
            lastSavedAt: conductor.lastSavedAt,
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
): { element: ReactNode; rows: number } | undefined {
  if (ui.overlay === 'form' && ui.form) {
    const rows = ui.form.fields.length + (ui.form.lines?.length ?? 0) * 2 + (ui.form.error ? 2 : 0) + 4;
    return { element: <FormView form={ui.form} width={width} />, rows };
  }
  if (ui.overlay === 'confirm' && ui.confirm) {
    const question = confirmQuestion(ui.confirm, conductor);
    const rows =
      4 + question.lines.reduce((n, line) => n + Math.ceil((line.length + 1) / Math.max(10, width - 4)), 0);
    return { element: <ConfirmDialog {...question} width={width} />, rows };
  }
  return undefined;
}

function confirmQuestion(purpose: ConfirmPurpose, conductor: SessionView): Omit<ConfirmDialogProps, 'width'> {
  const state = conductor.state;
  if (purpose.type === 'quit') {
    const percent = state.lastSplit
      ? canaryPercentOf(state.lastSplit, state.rollbackTarget)
      : state.recordedWeight;
    return detachQuestion(state.canary?.promoted ? 100 : percent, state.meta.version);
  }
  const def = conductor.definition(purpose.step);
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
