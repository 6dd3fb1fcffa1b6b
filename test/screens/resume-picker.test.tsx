import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { mostUrgentFirst, type ResumeChoice } from '../../src/core/session/resume-choice.js';
import { ResumePicker } from '../../src/screens/ResumePicker.js';
import { stripAnsi, tick } from '../components/render-helpers.js';
import { eventually } from '../support/eventually.js';

const NOW = Date.UTC(2026, 10, 29, 22, 0);
const MIN = 60_000;

const choice = (id: string, facts: Partial<ResumeChoice> = {}): ResumeChoice => ({
  id,
  title: `BBWS promotion: ${id} SIT -> PROD`,
  status: 'active',
  shifted: true,
  guarded: true,
  updatedAt: NOW - 5 * MIN,
  currentStep: 'Staged canary',
  ...facts,
});

const DOWN = '\x1b[B';
const UP = '\x1b[A';
const ENTER = '\r';
const ESC = '\x1b';

const mounted: Array<() => void> = [];
afterEach(() => {
  for (const unmount of mounted.splice(0)) unmount();
});

function showPicker(choices: ResumeChoice[], size = { width: 100, height: 24 }) {
  const answers: Array<string | undefined> = [];
  const app = render(
    <ResumePicker
      choices={choices}
      now={NOW}
      onChoose={(id) => answers.push(id)}
      onCancel={() => answers.push(undefined)}
      width={size.width}
      height={size.height}
    />,
  );
  mounted.push(app.unmount);
  const frame = () => stripAnsi(app.lastFrame() ?? '');
  const press = async (...chunks: string[]) => {
    for (const chunk of chunks) {
      app.stdin.write(chunk);
      await tick();
      await tick();
    }
  };
  /** The session ids in the order the rows show them. */
  const order = () => [...frame().matchAll(/^[▸ ] (\S+) {2}/gm)].map((m) => m[1]);
  return { app, frame, press, answers, order };
}

describe('the resume picker', () => {
  it('lists each session with its id, title, status, what makes it urgent and its age, most urgent first', async () => {
    const picker = showPicker([
      choice('guard-only', { shifted: false, updatedAt: NOW - 1 * MIN }),
      choice('canary-at-25', { updatedAt: NOW - 12 * MIN }),
      choice('unguarded', { guarded: false, updatedAt: NOW - 3 * 60 * MIN }),
      choice('someone-on-it', { attached: true, status: 'halted', updatedAt: NOW - 2 * MIN }),
    ]);
    await tick();
    const frame = picker.frame();
    expect(frame).toContain('which one do you want to resume?');
    // Traffic nobody guards first, then traffic under a guard (newest first), then a guard alone.
    expect(picker.order()).toEqual(['unguarded', 'someone-on-it', 'canary-at-25', 'guard-only']);
    expect(frame).toMatch(/▸ unguarded {2}active {2}traffic shifted, no engine guarding {2}3h ago/);
    expect(frame).toMatch(/someone-on-it {2}halted {2}traffic shifted, screen attached {2}2m ago/);
    expect(frame).toMatch(/canary-at-25 {2}active {2}traffic shifted, engine guarding {2}12m ago/);
    expect(frame).toMatch(/guard-only {2}active {2}engine guarding {2}1m ago/);
    expect(frame).toContain('BBWS promotion: canary-at-25 SIT -> PROD · at Staged canary');
    expect(frame).toMatch(/enter resume this one/);
    expect(frame).toMatch(/esc\/q cancel \(nothing resumed\)/);
  });

  it('down then enter chooses the second session', async () => {
    const choices = [
      choice('first', { updatedAt: NOW - MIN }),
      choice('second', { updatedAt: NOW - 9 * MIN }),
    ];
    const picker = showPicker(choices);
    await tick();
    expect(picker.order()).toEqual(['first', 'second']);
    await picker.press(DOWN);
    expect(picker.frame()).toMatch(/▸ second/);
    await picker.press(ENTER);
    expect(picker.answers).toEqual(['second']);
    // One answer only: a late key does nothing.
    await picker.press(ENTER, 'q');
    expect(picker.answers).toEqual(['second']);
  });

  it('keys that arrive in one chunk are each acted on: the enter sees the moves before it', async () => {
    const choices = mostUrgentFirst([
      choice('a', { updatedAt: NOW - 1 * MIN }),
      choice('b', { updatedAt: NOW - 2 * MIN }),
      choice('c', { updatedAt: NOW - 3 * MIN }),
    ]);
    const picker = showPicker(choices);
    await tick();
    await picker.press(`jj${ENTER}`);
    expect(picker.answers).toEqual(['c']);

    const arrows = showPicker(choices);
    await tick();
    await arrows.press(`${DOWN}${DOWN}${UP}${ENTER}`);
    expect(arrows.answers).toEqual(['b']);
  });

  it('the selection stops at both ends', async () => {
    const picker = showPicker([
      choice('a', { updatedAt: NOW - MIN }),
      choice('b', { updatedAt: NOW - 2 * MIN }),
    ]);
    await tick();
    await picker.press('k', `jjjj${ENTER}`);
    expect(picker.answers).toEqual(['b']);
  });

  it('esc cancels: nothing is chosen', async () => {
    const picker = showPicker([choice('a'), choice('b')]);
    await tick();
    await picker.press(DOWN, ESC);
    // A lone ESC is told from the start of a sequence on the next tick.
    await eventually(() => picker.answers.length > 0);
    expect(picker.answers).toEqual([undefined]);
  });

  it('q and ctrl+c cancel too', async () => {
    const q = showPicker([choice('a'), choice('b')]);
    await tick();
    await q.press('q');
    expect(q.answers).toEqual([undefined]);
    const ctrlC = showPicker([choice('a'), choice('b')]);
    await tick();
    await ctrlC.press('\x03');
    expect(ctrlC.answers).toEqual([undefined]);
  });

  it('at 80x24 with more sessions than fit, the frame keeps its height and the selection stays in view', async () => {
    const many = Array.from({ length: 15 }, (_, i) =>
      choice(`s${String(i).padStart(2, '0')}`, { updatedAt: NOW - i * MIN }),
    );
    const picker = showPicker(many, { width: 80, height: 23 });
    await tick();
    expect(picker.frame().split('\n').length).toBeLessThanOrEqual(23);
    expect(picker.frame()).toMatch(/↓ \d+ more/);
    await picker.press('j'.repeat(12));
    const frame = picker.frame();
    expect(frame.split('\n').length).toBeLessThanOrEqual(23);
    expect(frame).toMatch(/▸ s12/);
    expect(frame).toMatch(/↑ \d+ more/);
    expect(frame).toContain('esc/q cancel');
    await picker.press(ENTER);
    expect(picker.answers).toEqual(['s12']);
  });
});
