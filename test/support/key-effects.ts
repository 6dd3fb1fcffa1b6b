import { expect } from 'vitest';
import type { KeyContext } from '../../src/keys.js';
import { eventually } from './eventually.js';
import type { KeyHost } from './key-contexts.js';

/**
 * What each binding of the key table must visibly do when its key is pressed, by binding id. The
 * key test presses every key a context offers and runs its binding's effect here: a binding with
 * no entry fails that test, so no key can be added to the table without proof that it acts.
 */
export interface Snapshot {
  ctx: KeyContext;
  frame: string;
  actions: number;
  exits: number;
  output: number;
  journaled: number;
  requests: number;
}

export interface Trial {
  host: KeyHost;
  /** The key under test, as the table names it ('x', 'ctrl+x', 'enter', ...). */
  key: string;
  before: Snapshot;
  /** Presses a key by its table name (the key under test by default). */
  press(name?: string): Promise<void>;
}

export type Effect = (t: Trial) => Promise<void>;

/** The raw bytes a terminal sends for a key the table names. */
export function rawKey(name: string): string {
  const raw: Record<string, string> = {
    enter: '\r',
    escape: '\x1b',
    up: '\x1b[A',
    down: '\x1b[B',
    tab: '\t',
    space: ' ',
  };
  if (raw[name]) return raw[name];
  const ctrl = /^ctrl\+([a-z])$/.exec(name);
  if (ctrl) return String.fromCharCode(ctrl[1].charCodeAt(0) - 96);
  if (name.length === 1) return name;
  throw new Error(`no raw bytes for the key "${name}": add them to rawKey`);
}

export function snapshot(host: KeyHost): Snapshot {
  const ctx = host.context();
  if (!ctx) throw new Error('the screen has not told its key context yet');
  return {
    ctx,
    frame: steady(host.rawFrame()),
    actions: host.actions.length,
    exits: host.exits.length,
    output: host.output().length,
    journaled: host.journaled.length,
    requests: host.requests.length,
  };
}

/** A frame without the spinner's animation, so two frames differ only when something moved. */
function steady(frame: string): string {
  return frame.replace(/[\u2800-\u28ff]/g, '⠿');
}

async function until(t: Trial, check: () => boolean, what: string): Promise<void> {
  const held = await eventually(check);
  const sent = newActions(t).join(', ') || 'nothing';
  expect(held, `${t.key}: ${what} (sent: ${sent}; frame:\n${t.host.frame()})`).toBe(true);
}

const newActions = (t: Trial) => t.host.actions.slice(t.before.actions).map((a) => a.name);
const newExits = (t: Trial) => t.host.exits.slice(t.before.exits);
const sent = (t: Trial, name: string) => newActions(t).includes(name);
/** The session journaled an event of this type since the key. */
const journaled = (t: Trial, type: string) => t.host.journaled.slice(t.before.journaled).includes(type);
const requested = (t: Trial, name: string) => t.host.requests.slice(t.before.requests).includes(name);
const overlay = (t: Trial) => t.host.context()?.overlay;
const shows = (t: Trial, text: string) => t.host.frame().includes(text);

/** Opens an overlay whose frame shows `marker`, or closes it when it is the one open. */
const toggles =
  (which: 'help' | 'notifications' | 'journal', marker: string): Effect =>
  async (t) => {
    await t.press();
    if (t.before.ctx.overlay === which)
      await until(t, () => overlay(t) === undefined && !shows(t, marker), `closes the ${which}`);
    else await until(t, () => overlay(t) === which && shows(t, marker), `opens the ${which}`);
  };

/** Opens a form titled `title`, after the session journaled `event` when given. */
const opensForm =
  (title: string, event?: string): Effect =>
  async (t) => {
    await t.press();
    await until(
      t,
      () => overlay(t) === 'form' && shows(t, title) && (!event || journaled(t, event)),
      `opens the form "${title}"${event ? ` once ${event} is journaled` : ''}`,
    );
  };

/** Sends `action` to the session. */
const sends =
  (action: string): Effect =>
  async (t) => {
    await t.press();
    await until(t, () => sent(t, action), `sends ${action}`);
  };

/**
 * q and ctrl+c: leave at once, or ask first while traffic is shifted (a watcher always leaves, and
 * the home screen has no traffic).
 */
const leaves: Effect = async (t) => {
  await t.press();
  const asks = t.before.ctx.trafficShifted && !t.before.ctx.readOnly;
  if (asks)
    await until(
      t,
      () => overlay(t) === 'confirm' && shows(t, 'Leave it like that?') && newExits(t).length === 0,
      'asks before leaving traffic shifted',
    );
  else await until(t, () => newExits(t).join() === 'quit', 'leaves');
};

/**
 * j/k and the arrows: the selection or the scroll moves. At the end of a list the key has nowhere
 * to go, so the other direction is taken first and the key must bring the frame back.
 */
const moves =
  (opposite: string): Effect =>
  async (t) => {
    const frame = () => steady(t.host.rawFrame());
    await t.press();
    if (frame() !== t.before.frame) return;
    const start = frame();
    await t.press(opposite);
    expect(frame(), `${t.key}: neither ${t.key} nor ${opposite} moved anything`).not.toBe(start);
    await t.press();
    await until(t, () => frame() === start, `${t.key} moves back after ${opposite}`);
  };

/** enter: what it does depends on where it is pressed, and each place says what. */
const confirms: Effect = async (t) => {
  const ctx = t.before.ctx;
  await t.press();
  if (ctx.overlay === 'confirm')
    return until(
      t,
      () =>
        overlay(t) === undefined &&
        (newExits(t).join() === 'detach' ||
          journaled(t, 'dangerous.confirmed') ||
          newActions(t).includes('stopOrphan')),
      'answers the question (detach, the dangerous step confirmed, or the old command stopped)',
    );
  if (ctx.overlay === 'form')
    return until(
      t,
      () => newActions(t).length > 0 || shows(t, 'is required.'),
      'submits the form, or says which field is missing',
    );
  if (ctx.screen === 'home') return until(t, () => sent(t, 'resume'), 'resumes the selected session');
  if (ctx.screen === 'summary') return until(t, () => newExits(t).join() === 'quit', 'leaves the summary');
  return until(
    t,
    () =>
      overlay(t) === 'form' ||
      overlay(t) === 'confirm' ||
      journaled(t, 'step.confirmed') ||
      journaled(t, 'canary.start.confirmed'),
    'opens its question or form, or the answer is journaled',
  );
};

export const KEY_EFFECTS: Record<string, Effect> = {
  abort: async (t) => {
    await t.press();
    await until(t, () => newActions(t)[0] === 'abort', 'sends abort before anything else');
    await until(
      t,
      () => requested(t, 'rollback') && journaled(t, 'rollback.started') && shows(t, 'ROLLING BACK'),
      'sends the rollback request, journals the rollback and shows it',
    );
  },
  detach: leaves,
  interrupt: leaves,
  up: moves('down'),
  down: moves('up'),
  confirm: confirms,
  back: async (t) => {
    await t.press();
    await until(t, () => overlay(t) === undefined, `closes the ${t.before.ctx.overlay}`);
  },
  'next-field': async (t) => {
    const focused = () =>
      t.host
        .frame()
        .split('\n')
        // The form's focused field: "│ ▸ label" inside its box.
        .find((line) => /│ ▸ /.test(line));
    const start = focused();
    expect(start, 'a focused field (▸)').toBeDefined();
    await t.press();
    await until(t, () => overlay(t) === 'form' && focused() !== start, 'moves to the next field');
  },
  start: opensForm('Start a promotion'),
  'next-edge': opensForm('sit-to-prod'),
  'mark-done': opensForm('Confirm:'),
  rerun: sends('rerun'),
  abandon: opensForm('Abandon this session?'),
  'hold-rollback': opensForm('Automatic rollback HELD: why?', 'canary.auto-rollback.held'),
  approve: opensForm('Record an approval'),
  advance: opensForm('Advance to the next stage now?'),
  pause: async (t) => {
    await t.press();
    await until(
      t,
      () => journaled(t, 'canary.paused') && shows(t, 'paused'),
      'pauses the hold (journaled) and says so',
    );
  },
  extend: async (t) => {
    await t.press();
    await until(
      t,
      () => journaled(t, 'canary.extended') && shows(t, 'Hold extended.'),
      'extends the hold (journaled) and says so',
    );
  },
  help: toggles('help', 'dim: not available here'),
  notifications: toggles('notifications', 'Notifications ('),
  journal: toggles('journal', 'Journal tail'),
  'chart-target': async (t) => {
    await t.press();
    await until(t, () => shows(t, '2/2 bbws-prod-auth-lambda:prod'), 'charts the next target');
    await t.press();
    await until(t, () => shows(t, '1/2 API prod'), 'and back to the first');
  },
  copy: async (t) => {
    await t.press();
    await until(
      t,
      () =>
        t.host
          .output()
          .slice(t.before.output)
          .some((chunk) => chunk.includes('\x1b]52;c;')) && shows(t, 'to the clipboard'),
      'copies the message with OSC 52',
    );
  },
};
