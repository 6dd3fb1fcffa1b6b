import { describe, expect, it } from 'vitest';
import type { SessionState } from '../../src/core/session/state.js';
import type { SessionView } from '../../src/engine/session-view.js';
import type { BindingId } from '../../src/keys.js';
import { holdRollbackForm } from '../../src/screens/forms.js';
import { phaseSteps } from '../../src/screens/route.js';
import { HOLD_REASON_NOT_GIVEN, sessionKeypress } from '../../src/screens/session-keys.js';
import {
  INITIAL_UI,
  selectedIndex,
  type UiAction,
  type UiState,
  uiReducer,
} from '../../src/screens/ui-state.js';
import { NO_KEY } from '../../src/terminal/keypress.js';
import { created, fold, promotion, runbook, T0 } from './fixtures.js';

/** The session screen's key handler over a session that stands still, its UI state kept here. */
function keys(state: SessionState, from: UiState = INITIAL_UI) {
  const calls: string[] = [];
  const view = {
    state,
    liveOutput: [],
    runbook,
    promotion,
    trafficShifted: false,
    dir: '/tmp/none',
    now: () => T0,
    definition: (id: string) => {
      const step = promotion.phases.flatMap((p) => p.steps).find((s) => s.id === id);
      if (!step) throw new Error(`no step ${id}`);
      return step;
    },
    subscribe: () => () => undefined,
    holdAutoRollback: (reason?: string) => calls.push(`hold ${reason ?? ''}`),
  } as unknown as SessionView;
  let ui = from;
  const actions: UiAction[] = [];
  const press = sessionKeypress({
    conductor: view,
    ui: () => ui,
    dispatch: (action) => {
      actions.push(action);
      ui = uiReducer(ui, action);
    },
    onExit: (how) => calls.push(`exit ${how}`),
    write: () => undefined,
  });
  return {
    press: (...inputs: string[]) => {
      for (const input of inputs) press(input, NO_KEY);
    },
    escape: () => press('', { ...NO_KEY, escape: true }),
    ui: () => ui,
    actions,
    calls,
  };
}

describe('the session screen’s key handlers', () => {
  it('acts each key of a chunk on the state the one before left', () => {
    const state = fold([created()]);
    expect(phaseSteps(state).length).toBeGreaterThan(2);
    const k = keys(state);
    const start = selectedIndex(k.ui(), state);
    k.press('j', 'j');
    expect(selectedIndex(k.ui(), state)).toBe(Math.min(start + 2, phaseSteps(state).length - 1));
    k.press('?');
    expect(k.ui().overlay).toBe('help');
    k.press('?');
    expect(k.ui().overlay).toBeUndefined();
  });

  it('types into an open form, q and x included; esc on the hold’s form keeps the hold', () => {
    const form = holdRollbackForm(T0);
    const k = keys(fold([created()]), { ...INITIAL_UI, overlay: 'form', form });
    k.press('q', ' ', 'x');
    expect(k.ui().form?.fields[0].value).toBe('q x');
    expect(k.calls).toEqual([]);
    k.escape();
    expect(k.calls).toEqual([`hold ${HOLD_REASON_NOT_GIVEN}`]);
    expect(k.ui()).toMatchObject({ overlay: undefined, form: undefined });
    expect(k.ui().flash).toBe(
      'Automatic rollback still held (reason not given). x still rolls back at once.',
    );
  });

  it('leaves at once with q when nothing is shifted; A does not answer on a session going on', () => {
    const k = keys(fold([created()]));
    k.press('A');
    expect(k.ui().overlay).toBeUndefined();
    k.press('q');
    expect(k.calls).toEqual(['exit quit']);
  });

  it('a binding without a handler does not compile', () => {
    // @ts-expect-error a binding id is one of the table's
    const unknown: BindingId = 'no-such-key';
    // @ts-expect-error every binding of the table needs a handler
    const partial: Record<BindingId, () => void> = { abort: () => undefined };
    expect([unknown, partial]).toHaveLength(2);
  });
});
