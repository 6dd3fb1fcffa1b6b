import type { Step } from '../core/runbook/schema.js';
import { roleTitles } from '../core/session/gates.js';
import { currentStep } from '../core/session/selectors.js';
import type { SessionState, StepState } from '../core/session/state.js';
import type { SessionView } from '../engine/session-view.js';
import { type BindingId, type KeyContext, matchKey } from '../keys.js';
import type { KeypressHandler } from '../terminal/use-keypress.js';
import { approvalStepOf } from './Approval.js';
import { pasteToken, signedApprovalInput, TOKEN_FIELD } from './approval-token.js';
import {
  erase,
  type FormModel,
  formValues,
  missingField,
  moveInForm,
  nextField,
  readChunk,
  typeInto,
  withError,
} from './form.js';
import {
  abandonForm,
  advanceForm,
  approvalForm,
  decisionForm,
  evidenceForm,
  holdRollbackForm,
} from './forms.js';
import { keyContextFor, phaseSteps } from './route.js';
import { withCurrentStageChoices } from './stage-decision-form.js';
import { selectedIndex, type UiAction, type UiState } from './ui-state.js';

/**
 * The session screen's keys: a handler for every binding of the key table (a binding added
 * without one does not compile), and the form's own keys. State changes go through `uiReducer`.
 */

export type ExitHow = 'detach' | 'quit';

/** What the hold's reason says when the person closed the dialog without giving one. */
export const HOLD_REASON_NOT_GIVEN = 'not given';

export interface SessionKeyDeps {
  conductor: SessionView;
  /** The UI state as the last key left it: keys of one chunk each act on the one before's. */
  ui: () => UiState;
  dispatch: (action: UiAction) => void;
  onExit: (how: ExitHow) => void;
  /** Writes to the terminal (the clipboard's OSC 52 sequence). */
  write: (text: string) => void;
}

/** One key press, with what it acts on as the session and the UI stand now. */
interface Press {
  context: KeyContext;
  current: UiState;
  state: SessionState;
  /** The selected checklist item. */
  item?: StepState;
  index: number;
  items: StepState[];
}

type Handler = (press: Press) => void;

/** The keys that answer inside a form; anything else is typed into it. */
type FormKey = Extract<BindingId, 'interrupt' | 'back' | 'confirm' | 'next-field' | 'up' | 'down'>;
type FormHandler = (form: FormModel) => void;

/** The running canary's step definition, if a canary runs. */
export function canaryDefinitionOf(conductor: SessionView): Step | undefined {
  const step = conductor.state.canary?.step;
  return step ? conductor.definition(step) : undefined;
}

/** An open form as the session stands now: a stage decision's choices are never the ones it opened with. */
export function liveForm<F extends FormModel | undefined>(form: F, conductor: SessionView): F {
  return (form && withCurrentStageChoices(form, conductor.state, canaryDefinitionOf(conductor))) as F;
}

/** The key context of the UI state `ui` over the session as it stands. */
export function sessionKeyContext(conductor: SessionView, ui: UiState): KeyContext {
  return keyContextFor(conductor.state, conductor.waiting, {
    overlay: ui.overlay,
    selected: selectedIndex(ui, conductor.state),
    readOnly: conductor.readOnly,
    form: liveForm(ui.form, conductor),
    outputLines: conductor.liveOutput.length,
  });
}

function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
}

export function sessionKeypress({ conductor, ui, dispatch, onExit, write }: SessionKeyDeps): KeypressHandler {
  const flash = (text: string) => dispatch({ type: 'flash', text });
  const openForm = (form: FormModel) => dispatch({ type: 'open-form', form });

  // The abort path: nothing (no render, no state update) before the rollback requests leave.
  const abortNow = () => {
    conductor.abort();
    dispatch({ type: 'close', flash: 'Rolling back: traffic requests sent.' });
  };

  const leave = () => {
    if (conductor.readOnly) return onExit('quit');
    if (conductor.trafficShifted && conductor.state.status !== 'completed')
      dispatch({ type: 'confirm', purpose: { type: 'quit' } });
    else onExit('quit');
  };

  const openApproval = () => {
    const def = approvalStepOf({ state: conductor.state, promotion: conductor.promotion });
    if (!def) return;
    openForm(approvalForm(conductor.runbook, conductor.state, def, conductor.now()));
  };

  const openDecision = () => {
    const form = decisionForm(conductor.state, conductor.waiting, canaryDefinitionOf(conductor), (step) =>
      conductor.definition(step),
    );
    if (form) openForm(form);
  };

  const markDone = (stepId: string | undefined) => {
    if (!stepId) return;
    const def = conductor.definition(stepId);
    if (def.kind !== 'manual') return;
    if (def.evidence === 'none') {
      void Promise.resolve(conductor.confirmStep(stepId)).then((error) => flash(error ?? 'Item confirmed.'));
      return;
    }
    openForm(evidenceForm(def));
  };

  const submitForm = (form: FormModel) => {
    const missing = missingField(form);
    if (missing) return dispatch({ type: 'form', form: withError(form, missing) });
    // The engine may answer over its socket: the form stays open until it has, and is not closed
    // as "passed" by the state its own answer changes.
    dispatch({ type: 'submitting' });
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
        const titles = roleTitles(conductor.runbook);
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
          flash(`Drift not resolved: ${e instanceof Error ? e.message : String(e)}`);
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
      if (refused) dispatch({ type: 'refused', form, error: refused });
      else dispatch({ type: 'close', flash: done });
    });
  };

  /** enter: answer the question on screen, or what the screen waits for. */
  const onEnter = ({ context, current, item }: Press) => {
    if (current.overlay === 'confirm' && current.confirm) {
      const purpose = current.confirm;
      dispatch({ type: 'close' });
      if (purpose.type === 'quit') onExit('detach');
      else if (purpose.type === 'orphan')
        void Promise.resolve(conductor.stopOrphan(purpose.step)).then((refused) =>
          flash(refused ?? 'Stopping the previous engine’s command; the step then runs again.'),
        );
      else conductor.confirmDangerous(purpose.step);
      return;
    }
    switch (context.screen) {
      case 'checklist': {
        const w = conductor.waiting;
        if ((w?.kind === 'dangerous' || w?.kind === 'orphan') && w.step) {
          const step = w.step;
          dispatch({
            type: 'confirm',
            purpose: w.kind === 'orphan' ? { type: 'orphan', step } : { type: 'dangerous', step },
          });
          return;
        }
        // A dangerous step the guard holds: the same form as traffic (ticket, window override).
        if (w?.kind === 'traffic-guard') return openDecision();
        if (context.selectedItem === 'manual') markDone(item?.id);
        return;
      }
      case 'approval':
        if (context.approvalPending) openApproval();
        return;
      case 'canary':
      case 'monitor': {
        // Enter is the decision to move the first traffic: the screen shows the weight, targets and account.
        if (conductor.waiting?.kind === 'canary-start') {
          void Promise.resolve(conductor.confirmCanaryStart()).then((refused) =>
            flash(refused ?? 'Canary started: moving the first traffic.'),
          );
          return;
        }
        return openDecision();
      }
      case 'summary':
        onExit('quit');
        return;
      default:
        return;
    }
  };

  /** up/down: the overlay's list or text, the running command's output, or the checklist's selection. */
  const move =
    (delta: 1 | -1): Handler =>
    ({ context, current, state, index, item, items }) => {
      if (current.overlay === 'notifications')
        return dispatch({ type: 'move-note', delta, count: state.notifications.length });
      if (current.overlay === 'journal') return dispatch({ type: 'scroll', by: -delta });
      if (current.overlay === 'help') return dispatch({ type: 'scroll', by: delta });
      if (context.screen !== 'checklist') return;
      if (item?.status === 'running' && item.kind === 'command')
        return dispatch({ type: 'log-offset', by: -delta });
      dispatch({
        type: 'select',
        forStep: currentStep(state)?.id ?? '',
        index: Math.min(Math.max(0, index + delta), Math.max(0, items.length - 1)),
      });
    };

  const toggle =
    (overlay: 'help' | 'notifications' | 'journal'): Handler =>
    ({ state }) =>
      dispatch({ type: 'toggle-view', overlay, notifications: state.notifications.length });

  /** A binding that never answers on a session's screens (the home screen's). */
  const none: Handler = () => undefined;

  const handlers: Record<BindingId, Handler> = {
    abort: abortNow,
    detach: ({ current }) => (current.overlay === 'confirm' ? undefined : leave()),
    interrupt: ({ current }) => (current.overlay === 'confirm' ? undefined : leave()),
    up: move(-1),
    down: move(1),
    confirm: onEnter,
    back: () => dispatch({ type: 'close' }),
    // Only in a form (formKeys).
    'next-field': none,
    'chart-target': ({ context }) => dispatch({ type: 'next-chart', targets: context.chartTargets ?? 1 }),
    start: none,
    'next-edge': none,
    'mark-done': ({ item }) => markDone(item?.id),
    rerun: ({ context, state, item }) => {
      const target = context.screen === 'gonogo' ? currentStep(state)?.id : item?.id;
      if (target) conductor.rerun(target);
      dispatch({ type: 'rerun', flash: 'Running it again.' });
    },
    abandon: () => openForm(abandonForm()),
    'hold-rollback': ({ state }) => {
      // The countdown stops now, before anything is typed: a reason is asked after.
      conductor.holdAutoRollback();
      openForm(holdRollbackForm(state.canary?.autoRollback?.deadline));
    },
    approve: () => openApproval(),
    advance: () => openForm(advanceForm()),
    pause: () => conductor.pauseHold(),
    extend: () => {
      conductor.extendHold();
      flash('Hold extended.');
    },
    help: toggle('help'),
    notifications: toggle('notifications'),
    copy: ({ current, state }) => {
      const note = state.notifications[Math.min(current.noteIndex, state.notifications.length - 1)];
      if (!note) return;
      write(osc52(note.text));
      flash(`Copied the #${note.channel} message to the clipboard (OSC 52).`);
    },
    journal: toggle('journal'),
  };

  const formKeys: Record<FormKey, FormHandler> = {
    interrupt: () => leave(),
    back: (form) => {
      if (form.purpose.type === 'hold-rollback') {
        // Escape keeps the hold: only the reason is left out.
        conductor.holdAutoRollback(HOLD_REASON_NOT_GIVEN);
        return dispatch({
          type: 'close',
          flash: 'Automatic rollback still held (reason not given). x still rolls back at once.',
        });
      }
      dispatch({ type: 'close' });
    },
    confirm: submitForm,
    'next-field': (form) => dispatch({ type: 'form', form: nextField(form) }),
    up: (form) => dispatch({ type: 'form', form: moveInForm(form, -1) }),
    down: (form) => dispatch({ type: 'form', form: moveInForm(form, 1) }),
  };
  const isFormKey = (id: BindingId): id is FormKey => id in formKeys;

  return (input, key, paste) => {
    const current = ui();
    // A paste is text for a form, never keys: an x inside it does not abort.
    if (paste !== undefined) {
      if (current.overlay === 'form' && current.form) {
        const form = current.form;
        const signed = pasteToken(form, paste);
        dispatch({ type: 'form', form: signed ?? typeInto(form, paste.replace(/[\r\n]+/g, ' ').trim()) });
      }
      return;
    }
    const context = sessionKeyContext(conductor, current);
    const binding = matchKey(input, key, context);
    // The abort path comes first: nothing before the rollback requests leave.
    if (binding?.id === 'abort') return abortNow();
    if (current.overlay === 'form' && current.form) {
      const form = liveForm(current.form, conductor);
      if (binding && isFormKey(binding.id)) return formKeys[binding.id](form);
      if (key.backspace || key.delete) return dispatch({ type: 'form', form: erase(form) });
      if (input && !key.ctrl && !key.meta) {
        const chunk = readChunk(input);
        const typed = typeInto(form, chunk.text);
        if (chunk.submit) return submitForm(typed);
        dispatch({ type: 'form', form: typed });
      }
      return;
    }
    if (!binding) return;
    const state = conductor.state;
    const index = selectedIndex(current, state);
    const items = phaseSteps(state);
    handlers[binding.id]({ context, current, state, index, items, item: items[index] });
  };
}
