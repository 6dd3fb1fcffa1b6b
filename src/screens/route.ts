import { currentStage, currentStep, trafficShifted } from '../core/session/selectors.js';
import type { SampleState, SessionState, StepState } from '../core/session/state.js';
import type { Waiting } from '../engine/conductor.js';
import type { KeyContext, Overlay, Screen } from '../keys.js';
import { type FormModel, formKeyFacts } from './form.js';

/** The screen for where the session is: a rollback wins over everything, then the current step's kind. */
export function screenFor(state: SessionState): Screen {
  if (state.rollback) return 'rollback';
  if (state.status === 'completed') return 'summary';
  if (state.drift && !state.drift.resolved) return 'canary';
  const step = currentStep(state);
  if (!step) return 'summary';
  switch (step.kind) {
    case 'approval':
      return 'approval';
    case 'gonogo':
      return 'gonogo';
    case 'canary':
      return 'canary';
    case 'monitor':
      return 'monitor';
    default:
      return 'checklist';
  }
}

/** The steps of the phase the session is in (the current step's phase, else the last phase). */
export function phaseSteps(state: SessionState): StepState[] {
  const step = currentStep(state) ?? state.steps.at(-1);
  return step ? state.steps.filter((s) => s.phaseId === step.phaseId) : [];
}

/** The checklist item the selection lands on when nothing was chosen: the current step. */
export function defaultSelection(state: SessionState): number {
  const steps = phaseSteps(state);
  const current = currentStep(state);
  const index = current ? steps.findIndex((s) => s.id === current.id) : -1;
  return Math.max(index, 0);
}

export interface UiFacts {
  overlay?: Overlay;
  /** Index into phaseSteps(state) of the selected checklist item. */
  selected: number;
  /** A watcher's screen: nothing is asked of the engine. */
  readOnly?: boolean;
  /** The open form, when the overlay is one. */
  form?: FormModel;
  /** Lines of live output of the running command (up/down scroll them). */
  outputLines?: number;
}

/** The key context of this frame: what the key table needs to know to answer a key. */
/** The newest sample on the canary or monitoring screen: what the charts can follow. */
export function latestSample(state: SessionState): SampleState | undefined {
  return state.canary?.monitor?.samples.at(-1) ?? currentStage(state)?.samples.at(-1);
}

export function keyContextFor(state: SessionState, waiting: Waiting | undefined, ui: UiFacts): KeyContext {
  const screen = screenFor(state);
  const current = currentStep(state);
  const running = state.steps.some(
    (s) => s.status === 'running' && s.kind !== 'canary' && s.kind !== 'monitor',
  );
  const stage = currentStage(state);
  // Only a canary stage has a hold to pause, extend or cut short; the monitoring window runs its course.
  const holdActive =
    screen === 'canary' && stage !== undefined && stage.completedAt === undefined && !stage.decision;
  let selectedItem: KeyContext['selectedItem'];
  if (screen === 'checklist') {
    const item = phaseSteps(state)[ui.selected];
    if (item?.status === 'failed') selectedItem = 'failed';
    else if (item && item.kind === 'manual' && item.id === current?.id) selectedItem = 'manual';
    else if (item && item.kind !== 'manual') selectedItem = 'command';
  } else if (screen === 'gonogo' && current?.status === 'failed') {
    selectedItem = 'failed';
  }
  const decisionPending =
    ((screen === 'canary' || screen === 'monitor') &&
      ((state.drift !== undefined && !state.drift.resolved) ||
        stage?.decision !== undefined ||
        waiting?.kind === 'traffic-guard' ||
        waiting?.kind === 'canary-start')) ||
    // A dangerous step asks to be confirmed, or the guard holds it (ticket, window override).
    // A command the previous engine left running: enter offers to stop it.
    (screen === 'checklist' &&
      (waiting?.kind === 'dangerous' || waiting?.kind === 'traffic-guard' || waiting?.kind === 'orphan'));
  const form = ui.overlay === 'form' && ui.form ? formKeyFacts(ui.form) : undefined;
  const items =
    ui.overlay === 'notifications'
      ? state.notifications.length
      : form
        ? form.items
        : screen === 'checklist'
          ? phaseSteps(state).length
          : undefined;
  return {
    screen,
    overlay: ui.overlay,
    readOnly: ui.readOnly,
    // After the session completed there is nothing left to abort (the engine refuses it).
    trafficShifted: trafficShifted(state) && state.status !== 'completed',
    rollbackRunning: state.rollback !== undefined && state.rollback.completedAt === undefined,
    items,
    outputLines: ui.outputLines,
    fields: form?.fields,
    chartTargets:
      screen === 'canary' || screen === 'monitor' ? latestSample(state)?.targets.length : undefined,
    running,
    holdActive,
    selectedItem,
    approvalPending: screen === 'approval' && current?.status !== 'passed',
    canGoBack: false,
    decisionPending,
    autoRollbackArmed:
      state.canary?.autoRollback !== undefined && state.canary.autoRollback.heldBy === undefined,
    // Stopped for good unless someone acts: halted, a NO-GO, or a failed step waiting for a rerun.
    stuck:
      state.status !== 'completed' &&
      (state.status === 'halted' ||
        waiting?.kind === 'halted' ||
        waiting?.kind === 'gonogo' ||
        waiting?.kind === 'rerun'),
  };
}
