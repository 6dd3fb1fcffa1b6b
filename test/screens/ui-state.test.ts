import { describe, expect, it } from 'vitest';
import { currentStep } from '../../src/core/session/selectors.js';
import { makeForm } from '../../src/screens/form.js';
import { defaultSelection } from '../../src/screens/route.js';
import {
  INITIAL_UI,
  selectedIndex,
  type UiAction,
  type UiState,
  uiReducer,
} from '../../src/screens/ui-state.js';
import { created, fold } from './fixtures.js';

const reasonForm = () =>
  makeForm({ type: 'abandon' }, 'Abandon this session?', [
    { id: 'reason', label: 'reason', value: '', required: true },
  ]);

const run = (actions: UiAction[], from: UiState = INITIAL_UI) => actions.reduce(uiReducer, from);

describe('uiReducer', () => {
  it('opens a view at its top, the notifications at the newest, and closes it on the same key', () => {
    const open = run([
      { type: 'scroll', by: 7 },
      { type: 'toggle-view', overlay: 'journal', notifications: 4 },
    ]);
    expect(open).toMatchObject({ overlay: 'journal', scroll: 0, noteIndex: 3 });
    expect(uiReducer(open, { type: 'toggle-view', overlay: 'journal', notifications: 4 }).overlay).toBe(
      undefined,
    );
    // Another view replaces this one.
    expect(uiReducer(open, { type: 'toggle-view', overlay: 'help', notifications: 0 })).toMatchObject({
      overlay: 'help',
      noteIndex: 0,
    });
  });

  it('opens a form without the last flash or a pending submit, and closes it with what happened', () => {
    const form = reasonForm();
    const opened = run([
      { type: 'flash', text: 'Hold extended.' },
      { type: 'submitting' },
      { type: 'open-form', form },
    ]);
    expect(opened).toMatchObject({ overlay: 'form', form, submitting: undefined, flash: undefined });
    const done = run([{ type: 'submitting' }, { type: 'close', flash: 'Session abandoned.' }], opened);
    expect(done).toMatchObject({ overlay: undefined, form: undefined, submitting: undefined });
    expect(done.flash).toBe('Session abandoned.');
    // A close without a sentence keeps the line that was there.
    expect(uiReducer({ ...opened, flash: 'kept' }, { type: 'close' }).flash).toBe('kept');
  });

  it('shows the engine’s refusal on the form and lets it be sent again', () => {
    const form = reasonForm();
    const refused = run([
      { type: 'open-form', form },
      { type: 'submitting' },
      { type: 'refused', form, error: 'no' },
    ]);
    expect(refused.submitting).toBeUndefined();
    expect(refused.overlay).toBe('form');
    expect(refused.form?.error).toBe('no');
  });

  it('closes a form whose subject passed, and only a form', () => {
    const form = reasonForm();
    const passed = run([
      { type: 'open-form', form },
      { type: 'subject-passed', why: 'gone' },
    ]);
    expect(passed).toMatchObject({ overlay: undefined, form: undefined, flash: 'gone' });
    const help = run([{ type: 'toggle-view', overlay: 'help', notifications: 0 }]);
    expect(uiReducer(help, { type: 'subject-passed', why: 'gone' })).toBe(help);
  });

  it('asks a question in place of a form', () => {
    const asked = run([
      { type: 'open-form', form: reasonForm() },
      { type: 'confirm', purpose: { type: 'quit' } },
    ]);
    expect(asked).toMatchObject({ overlay: 'confirm', confirm: { type: 'quit' }, form: undefined });
    expect(uiReducer(asked, { type: 'close' })).toMatchObject({ overlay: undefined, confirm: undefined });
  });

  it('keeps the selected notification among the messages, scrolls never above the top', () => {
    const down3 = Array.from({ length: 3 }, (): UiAction => ({ type: 'move-note', delta: 1, count: 2 }));
    expect(run(down3).noteIndex).toBe(1);
    expect(run([{ type: 'move-note', delta: -1, count: 2 }]).noteIndex).toBe(0);
    expect(run([{ type: 'move-note', delta: 1, count: 0 }]).noteIndex).toBe(0);
    expect(
      run([
        { type: 'scroll', by: 2 },
        { type: 'scroll', by: -5 },
      ]).scroll,
    ).toBe(0);
    expect(
      run([
        { type: 'log-offset', by: 3 },
        { type: 'log-offset', by: -1 },
      ]).logOffset,
    ).toBe(2);
    expect(run([{ type: 'log-offset', by: -1 }]).logOffset).toBe(0);
  });

  it('selects an item of a step and follows a rerun’s output from its end', () => {
    const selected = run([
      { type: 'log-offset', by: 4 },
      { type: 'select', forStep: 'a', index: 2 },
    ]);
    expect(selected).toMatchObject({ logOffset: 0, selection: { forStep: 'a', index: 2 } });
    expect(
      run([
        { type: 'log-offset', by: 4 },
        { type: 'rerun', flash: 'Running it again.' },
      ]),
    ).toMatchObject({
      logOffset: 0,
      flash: 'Running it again.',
    });
  });

  it('charts the next target, round', () => {
    const next: UiAction = { type: 'next-chart', targets: 3 };
    expect(run([next]).chartTarget).toBe(1);
    expect(run([next, next, next]).chartTarget).toBe(0);
    expect(run([{ type: 'next-chart', targets: 0 }]).chartTarget).toBe(0);
  });

  it('never changes the state it is given', () => {
    const before = run([{ type: 'open-form', form: reasonForm() }]);
    const copy = structuredClone(before);
    run([{ type: 'submitting' }, { type: 'scroll', by: 3 }, { type: 'close', flash: 'x' }], before);
    expect(before).toEqual(copy);
  });
});

describe('selectedIndex', () => {
  it('is the person’s pick while the session stays on its step, else the default', () => {
    const state = fold([created()]);
    const step = currentStep(state)?.id ?? '';
    expect(step).not.toBe('');
    const fallback = defaultSelection(state);
    expect(selectedIndex(INITIAL_UI, state)).toBe(fallback);
    expect(selectedIndex({ ...INITIAL_UI, selection: { forStep: 'elsewhere', index: 5 } }, state)).toBe(
      fallback,
    );
    expect(selectedIndex({ ...INITIAL_UI, selection: { forStep: step, index: 5 } }, state)).toBe(5);
  });
});
