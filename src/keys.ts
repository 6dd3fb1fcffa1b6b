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
  /** A rollback is under way: abort has nothing left to start. */
  rollbackRunning?: boolean;
  /**
   * How many rows the list the keys act on has: sessions on home, messages in the notifications
   * overlay, items of the checklist; in a form, the focused field's choices or else the fields.
   * Undefined where there is no such list.
   */
  items?: number;
  /** Lines of output the running command has printed so far (there is something to scroll). */
  outputLines?: number;
  /** How many targets the canary or monitoring charts can follow (tab moves between them). */
  chartTargets?: number;
  /** How many fields the open form has (tab moves between them). */
  fields?: number;
  /** Home: what `n` offers for the selected session, a promoted version's next edge ("v1.2 SIT -> PROD"). */
  nextEdge?: string;
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
  keys: readonly string[];
  /** The keys it answers to in a given context, when that is narrower than `keys`. */
  keysFor?: (ctx: KeyContext) => readonly string[];
  label: string;
  help: string;
  /** What the key does in a given context, when that differs from `label`/`help` (a watcher's q). */
  labelFor?: (ctx: KeyContext) => string;
  helpFor?: (ctx: KeyContext) => string;
  group: KeyGroup;
  when: (ctx: KeyContext) => boolean;
  danger?: boolean | ((ctx: KeyContext) => boolean);
  /** Shown in the key bar (movement keys are learned once and left out to save room). */
  inBar?: boolean;
}

const noOverlay = (ctx: KeyContext) => ctx.overlay === undefined;
const typing = (ctx: KeyContext) => ctx.overlay === 'form';
const onScreen = (ctx: KeyContext, ...screens: Screen[]) => noOverlay(ctx) && screens.includes(ctx.screen);
/** At least `n` rows in the list (a context that does not count them has enough). */
const rows = (ctx: KeyContext, n: number) => ctx.items === undefined || ctx.items >= n;
// Only where something moves: a list of one row, or a screen without a list, has nothing to move.
const scrollable = (ctx: KeyContext) =>
  ctx.overlay === 'help' ||
  ctx.overlay === 'journal' ||
  ((ctx.overlay === 'form' || ctx.overlay === 'notifications') && rows(ctx, 2)) ||
  (onScreen(ctx, 'home', 'checklist') && rows(ctx, 2)) ||
  // A running command's output scrolls, even when it is the only item of its phase, once it has some.
  (onScreen(ctx, 'checklist') && ctx.running && (ctx.outputLines === undefined || ctx.outputLines > 0));

const DETACH_HELP =
  'Leave the screen; the session is saved and can be resumed. While traffic is shifted it asks first: detach (the guard keeps watching and may still roll back), abort and roll back, or cancel.';

export const KEY_BINDINGS = [
  {
    id: 'abort',
    keys: ['x', 'ctrl+x'],
    keysFor: (ctx) => (typing(ctx) ? ['ctrl+x'] : ['x']),
    label: 'ABORT & ROLL BACK',
    help: 'Send the rollback requests now: traffic back to the stable version and stage deployment recorded before the canary. Works on every screen while traffic is shifted (ctrl+x inside a form).',
    group: 'safety',
    when: (ctx) => ctx.trafficShifted && !ctx.rollbackRunning,
    danger: true,
  },
  {
    id: 'detach',
    keys: ['q'],
    label: 'detach',
    help: DETACH_HELP,
    // A watcher never drove: q only closes this screen, at once; the session goes on as it was.
    // On the home screen no session is attached: q quits.
    labelFor: (ctx) => (ctx.readOnly ? 'stop watching' : onScreen(ctx, 'home') ? 'quit' : 'detach'),
    helpFor: (ctx) =>
      ctx.readOnly
        ? 'Stop watching: this screen closes at once; the session, its engine and its traffic go on as they were.'
        : onScreen(ctx, 'home')
          ? 'Quit: no session is attached here; every session stays as it is.'
          : DETACH_HELP,
    group: 'safety',
    when: (ctx) => !typing(ctx) && ctx.overlay !== 'confirm',
  },
  {
    id: 'interrupt',
    keys: ['ctrl+c'],
    label: 'quit',
    help: 'Same as q, from anywhere, even inside a form (a question on screen is answered first). Never quits silently while traffic is shifted.',
    helpFor: (ctx) =>
      ctx.readOnly
        ? 'Same as q: stop watching, from anywhere; the session goes on as it was.'
        : 'Same as q, from anywhere, even inside a form (a question on screen is answered first). Never quits silently while traffic is shifted.',
    group: 'safety',
    // A question on screen is answered (enter, esc) before anything else.
    when: (ctx) => ctx.overlay !== 'confirm',
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
      (onScreen(ctx, 'home') && rows(ctx, 1)) ||
      (onScreen(ctx, 'checklist') && (ctx.selectedItem === 'manual' || ctx.decisionPending === true)) ||
      (onScreen(ctx, 'approval') && ctx.approvalPending === true) ||
      onScreen(ctx, 'summary') ||
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
    when: (ctx) => typing(ctx) && (ctx.fields === undefined || ctx.fields >= 2),
  },
  {
    id: 'chart-target',
    keys: ['tab'],
    label: 'next chart',
    help: 'Chart the next target: the API Gateway stage, then each Lambda alias (the table lists them all).',
    group: 'views',
    when: (ctx) => onScreen(ctx, 'canary', 'monitor') && (ctx.chartTargets ?? 0) >= 2,
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
    id: 'next-edge',
    keys: ['n'],
    label: 'promote next edge',
    labelFor: (ctx) => (ctx.nextEdge ? `promote ${ctx.nextEdge}` : 'promote next edge'),
    help: 'On a promoted session: start the next edge for the same version (DEV -> SIT done, SIT -> PROD next), the start form filled in.',
    group: 'screen',
    when: (ctx) => onScreen(ctx, 'home') && ctx.nextEdge !== undefined,
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
    when: (ctx) => ctx.overlay === 'notifications' && rows(ctx, 1),
  },
  {
    id: 'journal',
    keys: ['l'],
    label: 'journal',
    help: 'Show or hide the tail of the session journal.',
    group: 'views',
    when: (ctx) => ctx.screen !== 'home' && (noOverlay(ctx) || ctx.overlay === 'journal'),
  },
] as const satisfies readonly KeyBinding[];

/**
 * The id of every binding of the table. A screen's key handlers are a map from this type, so a
 * binding added to the table without a handler on each screen does not compile.
 */
export type BindingId = (typeof KEY_BINDINGS)[number]['id'];

/** A binding of the table, its id one of `BindingId`. */
export type Binding = KeyBinding & { readonly id: BindingId };

/**
 * The handlers of a screen that answers a few bindings (home, the resume picker): every other
 * binding of the table gets `none`. The session screen answers them all and lists each one.
 */
export function handlersOnly<H>(own: Partial<Record<BindingId, H>>, none: H): Record<BindingId, H> {
  return Object.fromEntries(KEY_BINDINGS.map((b) => [b.id, own[b.id] ?? none])) as Record<BindingId, H>;
}

/** The keys a binding answers to in this context. */
export function activeKeys(binding: KeyBinding, ctx: KeyContext): readonly string[] {
  return binding.keysFor ? binding.keysFor(ctx) : binding.keys;
}

export function isDanger(binding: KeyBinding, ctx: KeyContext): boolean {
  return typeof binding.danger === 'function' ? binding.danger(ctx) : binding.danger === true;
}

/** What a watcher may do: move, open views, leave. Nothing that asks the engine for anything. */
const WATCHER_GROUPS: readonly KeyGroup[] = ['move', 'views'];
const WATCHER_SAFETY = new Set(['detach', 'interrupt']);

/** The bindings that answer in this context, in table order. */
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
export function matchKey(input: string, key: InkKey, ctx: KeyContext): Binding | undefined;
export function matchKey<B extends KeyBinding>(
  input: string,
  key: InkKey,
  ctx: KeyContext,
  table: readonly B[],
): B | undefined;
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
      label: binding.labelFor?.(ctx) ?? binding.label,
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

/**
 * The help overlay: every binding, grouped, with whether it works in this context. An available
 * binding shows the keys it answers to here (n is not notifications on the canary screen); one
 * that is not shows every key it can ever answer to.
 */
export function helpSections(ctx: KeyContext, table: readonly KeyBinding[] = KEY_BINDINGS): HelpSection[] {
  const groups: KeyGroup[] = ['safety', 'screen', 'move', 'views'];
  const active = new Set(activeBindings(ctx, table));
  return groups
    .map((group) => ({
      title: SECTION_TITLES[group],
      entries: table
        .filter((binding) => binding.group === group)
        .map((binding) => ({
          id: binding.id,
          keys: (active.has(binding) ? activeKeys(binding, ctx) : binding.keys).map(displayKey).join('/'),
          label: binding.labelFor?.(ctx) ?? binding.label,
          help: binding.helpFor?.(ctx) ?? binding.help,
          available: active.has(binding),
          danger: isDanger(binding, ctx),
        })),
    }))
    .filter((section) => section.entries.length > 0);
}
