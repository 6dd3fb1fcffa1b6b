import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../src/core/session/events.js';
import { sample } from './screens/fixtures.js';
import { ENTER, NOW, setup, shiftedEvents } from './support/app-session.js';

const MIN = 60_000;
const DOWN = '\x1b[B';

/** The first stage's hold is over: an early STALE poll, then three passes; the engine asks. */
function passedStageAsks(): SessionEvent[] {
  return [
    ...shiftedEvents(),
    sample(NOW - 4 * MIN, 0, { verdict: 'STALE', errPct: 0, p95: 0 }),
    sample(NOW - 3 * MIN, 0, { verdict: 'PASS', errPct: 0.1, p95: 190 }),
    sample(NOW - 2 * MIN, 0, { verdict: 'PASS', errPct: 0.1, p95: 192 }),
    sample(NOW - MIN, 0, { verdict: 'PASS', errPct: 0.1, p95: 191 }),
    {
      type: 'canary.stage.decision-needed',
      at: NOW - 30_000,
      step: 'prod-canary',
      stage: 0,
      action: 'ask',
      reason: 'The last 3 samples passed (1 earlier sample(s) could not be judged).',
    },
  ];
}

/** The frame's text on one line, so a sentence the panel wrapped reads whole. */
const flat = (frame: string) => frame.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');

/** The answers the screen's hint lists, as the engine names them. */
function hintChoices(frame: string): string[] {
  const hint = /enter: decide \(([^)]*)\)/.exec(flat(frame));
  expect(hint, 'the decision hint').not.toBeNull();
  return (hint?.[1] ?? '').split(' / ').map((label) => (label === 'roll back' ? 'rollback' : label));
}

/** The form's choices, read by cycling the choice field with ↓ until it comes back round. */
async function formChoices(t: ReturnType<typeof setup>): Promise<string[]> {
  const shown = () => /‹ (\w+) ›/.exec(t.frame())?.[1];
  const seen: string[] = [];
  for (let i = 0; i < 8; i++) {
    const value = shown();
    if (value === undefined || seen.includes(value)) break;
    seen.push(value);
    const before = t.frame();
    await t.press(DOWN);
    for (let wait = 0; wait < 100 && t.frame() === before; wait++)
      await new Promise((r) => setTimeout(r, 10));
  }
  return seen;
}

describe('the end-of-stage choices: the hint, the form and the engine agree', () => {
  it('a STALE sample arriving while the decision waits takes advance away from the hint and the form alike', async () => {
    const t = setup(passedStageAsks());
    await t.waitFor('needs a decision: The last 3 samples passed');
    // The waiting message says what was decided; it no longer tells the person to press enter to advance.
    expect(t.frame()).not.toContain('Press enter to advance');
    expect(hintChoices(t.frame())).toEqual(['advance', 'extend', 'rollback', 'investigate']);
    await t.press(ENTER);
    await t.waitFor('Stage 1 (10%): what now?');
    expect(t.frame()).toContain('‹ advance ›');

    // A poll goes STALE while the form is open, advance still picked.
    t.conductor.dispatch(sample(NOW, 0, { verdict: 'STALE', errPct: 0, p95: 0 }));
    await t.waitFor('advance is no longer allowed: the latest sample is STALE.');
    const frame = t.frame();
    expect(hintChoices(frame)).toEqual(['extend', 'rollback', 'investigate']);
    expect(flat(frame)).toContain(
      'enter: decide (extend / roll back / investigate); advance is not offered: the latest sample is STALE',
    );
    expect(flat(frame)).toContain('Advance is not offered: the latest sample is STALE.');
    // The pick is not switched under the person's finger: it stays, marked as no longer allowed.
    expect(frame).toContain('‹ advance ›');

    // ↓ moves onto the choices allowed now: the same ones the hint lists, advance not among them.
    await t.press(DOWN);
    await t.waitFor('‹ extend ›');
    expect(t.frame()).not.toContain('no longer allowed');
    expect(await formChoices(t)).toEqual(hintChoices(t.frame()));

    // The engine refuses an advance sent anyway (a second screen, a stale client), in one sentence.
    expect(t.conductor.chooseAtStageEnd('advance')).toBe(
      'Advance is not allowed now: the latest sample is STALE.',
    );
    expect(t.conductor.state.canary?.stages[0].choices).toEqual([]);
  });

  it('enter on a pick that stopped being allowed is refused with the reason, and nothing is recorded', async () => {
    const t = setup(passedStageAsks());
    await t.waitFor('needs a decision');
    await t.press(ENTER);
    await t.waitFor('‹ advance ›');
    t.conductor.dispatch(sample(NOW, 0, { verdict: 'WATCH', errPct: 0.7, p95: 215 }));
    await t.waitFor('advance is no longer allowed: the latest sample is WATCH.');
    await t.press(ENTER);
    await t.waitFor('Advance is not allowed now: the latest sample is WATCH.');
    expect(t.frame()).toContain('what now?');
    const stage = t.conductor.state.canary?.stages[0];
    expect(stage?.choices).toEqual([]);
    expect(stage?.completedAt).toBeUndefined();
    expect(stage?.decision).toBeDefined();
  });
  it('a refusal that no longer holds goes away: the form shows the choices and the reason of now', async () => {
    const t = setup(passedStageAsks());
    await t.waitFor('needs a decision');
    await t.press(ENTER);
    await t.waitFor('‹ advance ›');
    t.conductor.dispatch(sample(NOW, 0, { verdict: 'STALE', errPct: 0, p95: 0 }));
    await t.waitFor('advance is no longer allowed: the latest sample is STALE.');
    await t.press(ENTER);
    await t.waitFor('Advance is not allowed now: the latest sample is STALE.');
    // Three passes in a row outweigh the stale poll again: advance is back among the answers.
    for (const n of [1, 2, 3])
      t.conductor.dispatch(sample(NOW + n * 1_000, 0, { verdict: 'PASS', errPct: 0.1, p95: 190 }));
    for (let i = 0; i < 100 && flat(t.frame()).includes('not allowed now'); i++)
      await new Promise((r) => setTimeout(r, 10));
    const frame = flat(t.frame());
    expect(hintChoices(t.frame())).toEqual(['advance', 'extend', 'rollback', 'investigate']);
    expect(frame).toContain('‹ advance ›');
    expect(frame).not.toContain('not allowed');
    expect(frame).not.toContain('not offered');
    await t.press(ENTER);
    await t.waitFor('Stage decision: advance.');
    expect(t.conductor.state.canary?.stages[0].choices?.map((c) => c.choice)).toEqual(['advance']);
  });
});
