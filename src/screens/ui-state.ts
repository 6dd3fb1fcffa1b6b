import { currentStep } from '../core/session/selectors.js';
import type { SessionState } from '../core/session/state.js';
import type { Overlay } from '../keys.js';
import { type FormModel, withError } from './form.js';
import { defaultSelection } from './route.js';

/**
 * What the session screen keeps of its own, apart from the session: the overlay, the selection,
 * scroll positions, the open form or question, one line of feedback. Changed only by `uiReducer`.
 */

export type ConfirmPurpose =
  | { type: 'quit' }
  | { type: 'dangerous'; step: string }
  /** Stop the command a previous engine left running in this step (the step then runs again). */
  | { type: 'orphan'; step: string };

export interface UiState {
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

export const INITIAL_UI: UiState = { logOffset: 0, scroll: 0, noteIndex: 0 };

export type UiAction =
  /** Close the overlay and whatever it held (form, question); `flash` says what happened. */
  | { type: 'close'; flash?: string }
  /** Toggle a view; opening it starts at its top, the notifications at the newest message. */
  | { type: 'toggle-view'; overlay: 'help' | 'notifications' | 'journal'; notifications: number }
  | { type: 'open-form'; form: FormModel }
  /** The open form as edited (typed into, moved in). */
  | { type: 'form'; form: FormModel }
  /** The form was sent to the engine: it stays open until the engine answers. */
  | { type: 'submitting' }
  /** The engine refused it: the form shows why, open again for another enter. */
  | { type: 'refused'; form: FormModel; error: string }
  /** The open form's subject has passed: it closes and says why (nothing else was open). */
  | { type: 'subject-passed'; why: string }
  | { type: 'confirm'; purpose: ConfirmPurpose }
  | { type: 'flash'; text: string }
  /** A command runs again: its output is followed from the end. */
  | { type: 'rerun'; flash: string }
  /** Move the selected notification by `delta`, within `count` messages. */
  | { type: 'move-note'; delta: number; count: number }
  /** Scroll the journal or the help by `by` lines (never above the top). */
  | { type: 'scroll'; by: number }
  /** Scroll a running command's output back (positive) or forward. */
  | { type: 'log-offset'; by: number }
  /** Select a checklist item of the current step. */
  | { type: 'select'; forStep: string; index: number }
  /** Chart the next of `targets` targets. */
  | { type: 'next-chart'; targets: number };

const closed = (u: UiState): UiState => ({
  ...u,
  overlay: undefined,
  form: undefined,
  confirm: undefined,
  submitting: undefined,
});

export function uiReducer(u: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'close':
      return action.flash === undefined ? closed(u) : { ...closed(u), flash: action.flash };
    case 'toggle-view':
      return u.overlay === action.overlay
        ? closed(u)
        : { ...u, overlay: action.overlay, scroll: 0, noteIndex: Math.max(0, action.notifications - 1) };
    case 'open-form':
      return { ...u, overlay: 'form', form: action.form, submitting: undefined, flash: undefined };
    case 'form':
      return { ...u, form: action.form };
    case 'submitting':
      return { ...u, submitting: true };
    case 'refused':
      return { ...u, submitting: undefined, form: withError(action.form, action.error) };
    case 'subject-passed':
      return u.overlay === 'form' && u.form
        ? { ...u, overlay: undefined, form: undefined, flash: action.why }
        : u;
    case 'confirm':
      return { ...u, overlay: 'confirm', confirm: action.purpose, form: undefined };
    case 'flash':
      return { ...u, flash: action.text };
    case 'rerun':
      return { ...u, flash: action.flash, logOffset: 0 };
    case 'move-note':
      return {
        ...u,
        noteIndex: Math.min(Math.max(0, u.noteIndex + action.delta), Math.max(0, action.count - 1)),
      };
    case 'scroll':
      return { ...u, scroll: Math.max(0, u.scroll + action.by) };
    case 'log-offset':
      return { ...u, logOffset: Math.max(0, u.logOffset + action.by) };
    case 'select':
      return { ...u, logOffset: 0, selection: { forStep: action.forStep, index: action.index } };
    case 'next-chart':
      return { ...u, chartTarget: ((u.chartTarget ?? 0) + 1) % Math.max(1, action.targets) };
  }
}

/** The selected checklist item: the person's pick while the session stays on its step, else the default. */
export function selectedIndex(ui: UiState, state: SessionState): number {
  const current = currentStep(state)?.id;
  if (ui.selection && ui.selection.forStep === current) return ui.selection.index;
  return defaultSelection(state);
}
