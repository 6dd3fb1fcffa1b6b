/**
 * The ONE table of key bindings. It feeds the input dispatcher (`matchKey`), the key bar
 * (`keyBarItems`) and the `?` help overlay (`helpSections`), so what the screen promises is
 * exactly what the keyboard does.
 *
 * Deliberate choices:
 * - `x` aborts and rolls back on every screen and every overlay while traffic is shifted. In a
 *   text form, where `x` is a letter, the same binding answers to ctrl+x instead.
 * - `n` is "advance to the next stage now" on the canary screen and "notifications" elsewhere.
 *   Advancing pushes more traffic to the new version, so on the canary screen a tired thumb
 *   reaching for notifications must not land on it silently: advancing always asks first, and
 *   notifications answer to `N` (shift+n) on every screen, so one key always works for them.
 * - `q` and ctrl+c detach. While traffic is shifted they never quit silently: the app asks
 *   (detach and let the guard keep watching, abort and roll back, or cancel).
 * - esc goes back or closes an overlay; it never quits.
 */

export type Screen =
  | 'home'
  | 'checklist'
  | 'approval'
  | 'gonogo'
  | 'canary'
  | 'monitor'
  | 'rollback'
  | 'summary';
export type Overlay = 'help' | 'notifications' | 'journal' | 'confirm' | 'form';

export interface KeyContext {
  screen: Screen;
  overlay?: Overlay;
  /** Some traffic is on the new version (read from AWS or the journal). */
  trafficShifted: boolean;
  /** A step (command, check, rollback) is running right now. */
  running: boolean;
  /** A canary or monitoring hold is counting down. */
  holdActive?: boolean;
  /** The selected checklist item: what space and r may do with it. */
  selectedItem?: 'manual' | 'command' | 'failed';
  /** The approval screen has a role still waiting for an approval. */
  approvalPending?: boolean;
  /** There is a view to go back to (esc). */
  canGoBack?: boolean;
  /** The engine waits for an answer on this screen (stage decision, drift, traffic guard): enter answers. */
  decisionPending?: boolean;
  /** An automatic rollback is counting down and can still be held. */
  autoRollbackArmed?: boolean;
  /** A watcher's screen (`conductor watch`): keys only move, open views and leave. */
  readOnly?: boolean;
  /** The session is stopped (halted, NO-GO, a failed step) and will not go on by itself. */
  stuck?: boolean;
}

/** The subset of Ink's `Key` that the dispatcher reads. */
export interface InkKey {
  upArrow: boolean;
  downArrow: boolean;
  return: boolean;
  escape: boolean;
  ctrl: boolean;
  tab: boolean;
}

export type KeyGroup = 'safety' | 'move' | 'screen' | 'views';

export interface KeyBinding {
  id: string;
  /** Every key this binding can ever answer to (the help shows them all). */
  keys: string[];
  /** The keys it answers to in a given context, when that is narrower than `keys`. */
  keysFor?: (ctx: KeyContext) => string[];
  label: string;
  help: string;
  group: KeyGroup;
  when: (ctx: KeyContext) => boolean;
  danger?: boolean | ((ctx: KeyContext) => boolean);
  /** Shown in the key bar (movement keys are learned once and left out to save room). */
  inBar?: boolean;
}

const noOverlay = (ctx: KeyContext) => ctx.overlay === undefined;
const typing = (ctx: KeyContext) => ctx.overlay === 'form';
const onScreen = (ctx: KeyContext, ...screens: Screen[]) => noOverlay(ctx) && screens.includes(ctx.screen);
const scrollable = (ctx: KeyContext) =>
  ctx.overlay === 'help' ||
  ctx.overlay === 'notifications' ||
  ctx.overlay === 'journal' ||
  ctx.overlay === 'form' ||
  onScreen(ctx, 'home', 'checklist', 'approval', 'gonogo', 'rollback');

export const KEY_BINDINGS: readonly KeyBinding[] = [
  {
    id: 'abort',
    keys: ['x', 'ctrl+x'],
    keysFor: (ctx) => (typing(ctx) ? ['ctrl+x'] : ['x']),
    label: 'ABORT & ROLL BACK',
    help: 'Send the rollback requests now: traffic back to the stable version and stage deployment recorded before the canary. Works on every screen while traffic is shifted (ctrl+x inside a form).',
    group: 'safety',
    when: (ctx) => ctx.trafficShifted,
    danger: true,
  },
  {
    id: 'detach',
    keys: ['q'],
    label: 'detach',
    help: 'Leave the screen; the session is saved and can be resumed. While traffic is shifted it asks first: detach (the guard keeps watching and may still roll back), abort and roll back, or cancel.',
    group: 'safety',
    when: (ctx) => !typing(ctx) && ctx.overlay !== 'confirm',
  },
  {
    id: 'interrupt',
    keys: ['ctrl+c'],
    label: 'quit',
    help: 'Same as q, from anywhere, even inside a form. Never quits silently while traffic is shifted.',
    group: 'safety',
    when: () => true,
    inBar: false,
  },
  {
    id: 'up',
    keys: ['k', 'up'],
    keysFor: (ctx) => (typing(ctx) ? ['up'] : ['k', 'up']),
    label: 'up',
    help: 'Move the selection up, or scroll back through output.',
    group: 'move',
    when: scrollable,
    inBar: false,
  },
  {
    id: 'down',
    keys: ['j', 'down'],
    keysFor: (ctx) => (typing(ctx) ? ['down'] : ['j', 'down']),
    label: 'down',
    help: 'Move the selection down, or scroll forward through output.',
    group: 'move',
    when: scrollable,
    inBar: false,
  },
  {
    id: 'confirm',
    keys: ['enter'],
    label: 'confirm',
    help: 'Open or run the selection, submit a form, answer yes to a question.',
    group: 'move',
    when: (ctx) =>
      ctx.overlay === 'confirm' ||
      ctx.overlay === 'form' ||
      onScreen(ctx, 'home', 'checklist', 'approval', 'summary') ||
      (onScreen(ctx, 'canary', 'monitor') && ctx.decisionPending === true),
  },
  {
    id: 'back',
    keys: ['escape'],
    label: 'back',
    help: 'Close the overlay, cancel the question or go back one view. Never quits.',
    group: 'move',
    when: (ctx) => ctx.overlay !== undefined || ctx.canGoBack === true,
  },
  {
    id: 'next-field',
    keys: ['tab'],
    label: 'next field',
    help: 'Move to the next field of the form.',
    group: 'move',
    when: typing,
  },
  {
    id: 'start',
    keys: ['s'],
    label: 'start promotion',
    help: 'Start a new promotion: runbook, edge, version, change ticket, risk and maintenance window.',
    group: 'screen',
    when: (ctx) => onScreen(ctx, 'home'),
  },
  {
    id: 'mark-done',
    keys: ['space'],
    label: 'mark done',
    help: 'Confirm the selected manual item, with an evidence note.',
    group: 'screen',
    when: (ctx) => onScreen(ctx, 'checklist') && ctx.selectedItem === 'manual',
  },
  {
    id: 'rerun',
    keys: ['r'],
    label: 'rerun',
    help: 'Run the selected failed item (a command or a rollback step) again.',
    group: 'screen',
    when: (ctx) =>
      onScreen(ctx, 'checklist', 'rollback', 'gonogo') && ctx.selectedItem === 'failed' && !ctx.running,
  },
  {
    id: 'abandon',
    keys: ['A'],
    label: 'abandon',
    help: 'End a stopped session here, with a reason (journaled, in the report). Only with no traffic on the new version: roll back first.',
    group: 'screen',
    when: (ctx) => noOverlay(ctx) && ctx.stuck === true && !ctx.trafficShifted,
  },
  {
    id: 'hold-rollback',
    keys: ['h'],
    label: 'HOLD auto-rollback',
    help: 'Stop the automatic rollback countdown at once to look first (the reason is asked after); x still rolls back at once.',
    group: 'safety',
    when: (ctx) => onScreen(ctx, 'canary', 'monitor') && ctx.autoRollbackArmed === true,
  },
  {
    id: 'approve',
    keys: ['a'],
    label: 'record approval',
    help: 'Record an approval: approver, role, comment and reference.',
    group: 'screen',
    when: (ctx) => onScreen(ctx, 'approval') && ctx.approvalPending === true,
  },
  {
    id: 'advance',
    keys: ['n'],
    label: 'next stage now',
    help: 'Cut the hold short and shift to the next stage now (asks first). On the canary screen only; notifications are N there.',
    group: 'screen',
    when: (ctx) => onScreen(ctx, 'canary') && ctx.holdActive === true,
  },
  {
    id: 'pause',
    keys: ['p'],
    label: 'pause/resume hold',
    help: 'Pause the hold countdown (monitoring and the rollback guard keep running), or resume it.',
    group: 'screen',
    when: (ctx) => onScreen(ctx, 'canary', 'monitor') && ctx.holdActive === true,
  },
  {
    id: 'extend',
    keys: ['e'],
    label: 'extend hold',
    help: 'Extend the current hold by its configured step.',
    group: 'screen',
    when: (ctx) => onScreen(ctx, 'canary', 'monitor') && ctx.holdActive === true,
  },
  {
    id: 'help',
    keys: ['?'],
    label: 'help',
    help: 'Show or hide this help.',
    group: 'views',
    // The views are a session's: the home screen has none of them.
    when: (ctx) => ctx.screen !== 'home' && (noOverlay(ctx) || ctx.overlay === 'help'),
  },
  {
    id: 'notifications',
    keys: ['n', 'N'],
    keysFor: (ctx) => (ctx.screen === 'canary' && noOverlay(ctx) ? ['N'] : ['n', 'N']),
    label: 'notifications',
    help: 'Show or hide the notifications (each message with its channel). N works on every screen; n everywhere but the canary screen.',
    group: 'views',
    when: (ctx) => ctx.screen !== 'home' && (noOverlay(ctx) || ctx.overlay === 'notifications'),
  },
  {
    id: 'copy',
    keys: ['c'],
    label: 'copy',
    help: 'Copy the selected notification to the clipboard (OSC 52, works over SSH).',
    group: 'views',
    when: (ctx) => ctx.overlay === 'notifications',
  },
  {
    id: 'journal',
    keys: ['l'],
    label: 'journal',
    help: 'Show or hide the tail of the session journal.',
    group: 'views',
    when: (ctx) => ctx.screen !== 'home' && (noOverlay(ctx) || ctx.overlay === 'journal'),
  },
];

/** The keys a binding answers to in this context. */
export function activeKeys(binding: KeyBinding, ctx: KeyContext): string[] {
  return binding.keysFor ? binding.keysFor(ctx) : binding.keys;
}

export function isDanger(binding: KeyBinding, ctx: KeyContext): boolean {
  return typeof binding.danger === 'function' ? binding.danger(ctx) : binding.danger === true;
}

/** The bindings that answer in this context, in table order. */
/** What a watcher may do: move, open views, leave. Nothing that asks the engine for anything. */
const WATCHER_GROUPS: readonly KeyGroup[] = ['move', 'views'];
const WATCHER_SAFETY = new Set(['detach', 'interrupt']);

export function activeBindings(ctx: KeyContext, table: readonly KeyBinding[] = KEY_BINDINGS): KeyBinding[] {
  return table.filter(
    (binding) =>
      binding.when(ctx) &&
      (!ctx.readOnly || WATCHER_GROUPS.includes(binding.group) || WATCHER_SAFETY.has(binding.id)) &&
      !(ctx.readOnly && binding.id === 'confirm'),
  );
}

/** Names one key press the way the table spells keys: 'x', 'N', 'ctrl+c', 'enter', 'up', ... */
export function keyName(input: string, key: InkKey): string | undefined {
  if (key.ctrl && input.length === 1) return `ctrl+${input.toLowerCase()}`;
  if (key.return || input === '\r' || input === '\n') return 'enter';
  if (key.escape) return 'escape';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.tab) return 'tab';
  if (input === ' ') return 'space';
  // A paste arrives as one long input: it is never a key press.
  if (input.length === 1) return input;
  return undefined;
}

/** The binding a key press (Ink's useInput arguments) triggers in this context, if any. */
export function matchKey(
  input: string,
  key: InkKey,
  ctx: KeyContext,
  table: readonly KeyBinding[] = KEY_BINDINGS,
): KeyBinding | undefined {
  const name = keyName(input, key);
  if (name === undefined) return undefined;
  return activeBindings(ctx, table).find((binding) => activeKeys(binding, ctx).includes(name));
}

const KEY_DISPLAY: Record<string, string> = {
  enter: 'enter',
  escape: 'esc',
  space: 'space',
  up: '↑',
  down: '↓',
  tab: 'tab',
};

/** How a key is printed in the bar and the help: 'ctrl+c' -> '^c', 'up' -> '↑'. */
export function displayKey(name: string): string {
  if (name.startsWith('ctrl+')) return `^${name.slice('ctrl+'.length)}`;
  return KEY_DISPLAY[name] ?? name;
}

export interface KeyBarItem {
  id: string;
  keys: string;
  label: string;
  danger: boolean;
}

/**
 * What the key bar shows, most important first (dangerous keys, then this screen's keys, then
 * the views and the way out), so a narrow bar can drop from the end.
 */
export function keyBarItems(ctx: KeyContext, table: readonly KeyBinding[] = KEY_BINDINGS): KeyBarItem[] {
  const rank = (binding: KeyBinding) =>
    isDanger(binding, ctx) ? 0 : binding.group === 'screen' ? 1 : binding.group === 'move' ? 2 : 3;
  return activeBindings(ctx, table)
    .filter((binding) => binding.inBar !== false)
    .map((binding, index) => ({ binding, index }))
    .sort((a, b) => rank(a.binding) - rank(b.binding) || a.index - b.index)
    .map(({ binding }) => ({
      id: binding.id,
      keys: activeKeys(binding, ctx).map(displayKey).join('/'),
      label: binding.label,
      danger: isDanger(binding, ctx),
    }));
}

export interface HelpEntry {
  id: string;
  keys: string;
  label: string;
  help: string;
  /** Whether the key does something right now. */
  available: boolean;
  danger: boolean;
}

export interface HelpSection {
  title: string;
  entries: HelpEntry[];
}

const SECTION_TITLES: Record<KeyGroup, string> = {
  safety: 'Safety',
  screen: 'This step',
  move: 'Moving around',
  views: 'Views',
};

/** The help overlay: every binding, grouped, with whether it works in this context. */
export function helpSections(ctx: KeyContext, table: readonly KeyBinding[] = KEY_BINDINGS): HelpSection[] {
  const groups: KeyGroup[] = ['safety', 'screen', 'move', 'views'];
  return groups
    .map((group) => ({
      title: SECTION_TITLES[group],
      entries: table
        .filter((binding) => binding.group === group)
        .map((binding) => ({
          id: binding.id,
          keys: binding.keys.map(displayKey).join('/'),
          label: binding.label,
          help: binding.help,
          available: binding.when(ctx),
          danger: isDanger(binding, ctx),
        })),
    }))
    .filter((section) => section.entries.length > 0);
}
