import { describe, expect, it } from 'vitest';
import {
  activeBindings,
  activeKeys,
  helpSections,
  type InkKey,
  KEY_BINDINGS,
  type KeyContext,
  keyBarItems,
  matchKey,
  type Overlay,
  type Screen,
} from '../src/keys.js';

const SCREENS: Screen[] = [
  'home',
  'checklist',
  'approval',
  'gonogo',
  'canary',
  'monitor',
  'rollback',
  'summary',
];
const OVERLAYS: Array<Overlay | undefined> = [
  undefined,
  'help',
  'notifications',
  'journal',
  'confirm',
  'form',
];

function* everyContext(): Generator<KeyContext> {
  for (const screen of SCREENS)
    for (const overlay of OVERLAYS)
      for (const trafficShifted of [false, true])
        for (const running of [false, true])
          for (const holdActive of [false, true])
            for (const selectedItem of [undefined, 'manual', 'command', 'failed'] as const)
              for (const flag of [false, true])
                yield {
                  screen,
                  overlay,
                  trafficShifted,
                  running,
                  holdActive,
                  selectedItem,
                  approvalPending: flag,
                  stuck: flag,
                  canGoBack: flag,
                };
}

const noKey: InkKey = {
  upArrow: false,
  downArrow: false,
  return: false,
  escape: false,
  ctrl: false,
  tab: false,
};
const press = (input: string, key: Partial<InkKey> = {}) => ({ input, key: { ...noKey, ...key } });

describe('the key table', () => {
  it('never has two bindings answering to the same key in the same context', () => {
    for (const ctx of everyContext()) {
      const seen = new Map<string, string>();
      for (const binding of activeBindings(ctx)) {
        for (const key of activeKeys(binding, ctx)) {
          const other = seen.get(key);
          expect(other, `${key} on ${JSON.stringify(ctx)}: ${other} and ${binding.id}`).toBeUndefined();
          seen.set(key, binding.id);
        }
      }
    }
  });

  it('offers abort on every screen and overlay while traffic is shifted, and shows it as danger', () => {
    for (const ctx of everyContext()) {
      if (!ctx.trafficShifted) continue;
      const bar = keyBarItems(ctx);
      expect(bar[0]).toMatchObject({ id: 'abort', danger: true, label: 'ABORT & ROLL BACK' });
      const abortKey = ctx.overlay === 'form' ? press('x', { ctrl: true }) : press('x');
      expect(matchKey(abortKey.input, abortKey.key, ctx)?.id).toBe('abort');
    }
  });

  it('does not offer abort when no traffic has moved', () => {
    const ctx: KeyContext = { screen: 'checklist', trafficShifted: false, running: false };
    expect(matchKey('x', noKey, ctx)).toBeUndefined();
    expect(keyBarItems(ctx).some((item) => item.id === 'abort')).toBe(false);
  });

  it('lets a form take letters as text, but ctrl+c and ctrl+x still work', () => {
    const ctx: KeyContext = { screen: 'approval', overlay: 'form', trafficShifted: true, running: false };
    for (const letter of 'abcdefghijklmnopqrstuvwxyzN?/ ') {
      const { input, key } = press(letter);
      expect(matchKey(input, key, ctx), `letter ${letter}`).toBeUndefined();
    }
    expect(matchKey('c', { ...noKey, ctrl: true }, ctx)?.id).toBe('interrupt');
    expect(matchKey('x', { ...noKey, ctrl: true }, ctx)?.id).toBe('abort');
    expect(matchKey('', { ...noKey, escape: true }, ctx)?.id).toBe('back');
  });

  it('lists every binding in the help, whatever the context', () => {
    const ctx: KeyContext = { screen: 'home', trafficShifted: false, running: false };
    const listed = helpSections(ctx).flatMap((section) => section.entries.map((entry) => entry.id));
    expect(listed.sort()).toEqual(KEY_BINDINGS.map((binding) => binding.id).sort());
    const abort = helpSections(ctx)
      .flatMap((s) => s.entries)
      .find((e) => e.id === 'abort');
    expect(abort).toMatchObject({ available: false, keys: 'x/^x' });
  });

  it('gives n to advancing on the canary screen and N to notifications everywhere', () => {
    const canary: KeyContext = { screen: 'canary', trafficShifted: true, running: false, holdActive: true };
    expect(matchKey('n', noKey, canary)?.id).toBe('advance');
    expect(matchKey('N', noKey, canary)?.id).toBe('notifications');
    const checklist: KeyContext = { screen: 'checklist', trafficShifted: false, running: false };
    expect(matchKey('n', noKey, checklist)?.id).toBe('notifications');
    expect(matchKey('N', noKey, checklist)?.id).toBe('notifications');
  });

  it('maps Ink key events to bindings: arrows, enter, esc, space, ctrl+c', () => {
    const ctx: KeyContext = {
      screen: 'checklist',
      trafficShifted: false,
      running: false,
      selectedItem: 'manual',
    };
    expect(matchKey('', { ...noKey, upArrow: true }, ctx)?.id).toBe('up');
    expect(matchKey('j', noKey, ctx)?.id).toBe('down');
    expect(matchKey('\r', { ...noKey, return: true }, ctx)?.id).toBe('confirm');
    expect(matchKey(' ', noKey, ctx)?.id).toBe('mark-done');
    expect(matchKey('c', { ...noKey, ctrl: true }, ctx)?.id).toBe('interrupt');
    expect(matchKey('q', noKey, ctx)?.id).toBe('detach');
    // esc never quits: with nothing to go back to, it does nothing at all.
    expect(matchKey('', { ...noKey, escape: true }, ctx)).toBeUndefined();
    // a paste is not a key press
    expect(matchKey('xq', noKey, { ...ctx, trafficShifted: true })).toBeUndefined();
  });

  it('offers rerun only for a failed item that is not running', () => {
    const ctx: KeyContext = {
      screen: 'checklist',
      trafficShifted: false,
      running: false,
      selectedItem: 'failed',
    };
    expect(matchKey('r', noKey, ctx)?.id).toBe('rerun');
    expect(matchKey('r', noKey, { ...ctx, running: true })).toBeUndefined();
    expect(matchKey('r', noKey, { ...ctx, selectedItem: 'command' })).toBeUndefined();
  });

  it('puts screen keys before the views in the bar', () => {
    const ctx: KeyContext = { screen: 'canary', trafficShifted: true, running: false, holdActive: true };
    const ids = keyBarItems(ctx).map((item) => item.id);
    expect(ids.slice(0, 4)).toEqual(['abort', 'advance', 'pause', 'extend']);
    expect(keyBarItems(ctx).find((i) => i.id === 'notifications')?.keys).toBe('N');
  });
});

describe('keys that cannot act are not offered', () => {
  const canary: KeyContext = { screen: 'canary', trafficShifted: true, running: false, holdActive: true };
  const entry = (ctx: KeyContext, id: string) =>
    helpSections(ctx)
      .flatMap((s) => s.entries)
      .find((e) => e.id === id);

  it('shows in the help only the keys that answer in this context', () => {
    expect(entry(canary, 'notifications')).toMatchObject({ available: true, keys: 'N' });
    expect(entry(canary, 'abort')).toMatchObject({ available: true, keys: 'x' });
    expect(entry({ ...canary, screen: 'monitor' }, 'notifications')?.keys).toBe('n/N');
  });

  it("marks a watcher's engine keys unavailable in the help", () => {
    const watcher = { ...canary, readOnly: true };
    for (const id of ['abort', 'advance', 'pause', 'extend'])
      expect(entry(watcher, id)?.available).toBe(false);
    expect(entry(watcher, 'journal')?.available).toBe(true);
  });

  it('says what q does for a watcher: it stops watching, it detaches nothing', () => {
    const watcher = { ...canary, readOnly: true };
    const q = (ctx: KeyContext) => keyBarItems(ctx).find((item) => item.id === 'detach');
    expect(q(watcher)).toMatchObject({ keys: 'q', label: 'stop watching' });
    expect(q(canary)).toMatchObject({ keys: 'q', label: 'detach' });
    expect(entry(watcher, 'detach')).toMatchObject({ available: true, label: 'stop watching' });
    expect(entry(watcher, 'detach')?.help).toMatch(/^Stop watching/);
    expect(entry(watcher, 'detach')?.help).not.toMatch(/asks first|resumed/);
    expect(entry(watcher, 'interrupt')?.help).toMatch(/stop watching/);
    expect(entry(canary, 'detach')?.help).toMatch(/asks first/);
  });

  it('offers no abort while a rollback is under way', () => {
    const rollingBack: KeyContext = {
      screen: 'rollback',
      trafficShifted: true,
      running: false,
      rollbackRunning: true,
    };
    expect(matchKey('x', noKey, rollingBack)).toBeUndefined();
    expect(keyBarItems(rollingBack).some((item) => item.id === 'abort')).toBe(false);
  });

  it('offers no movement where nothing can move', () => {
    for (const screen of ['approval', 'gonogo', 'rollback'] as const)
      expect(matchKey('j', noKey, { screen, trafficShifted: false, running: false })).toBeUndefined();
    const oneField: KeyContext = {
      screen: 'canary',
      overlay: 'form',
      trafficShifted: true,
      running: false,
      items: 1,
      fields: 1,
    };
    expect(matchKey('', { ...noKey, tab: true }, oneField)).toBeUndefined();
    expect(matchKey('', { ...noKey, downArrow: true }, oneField)).toBeUndefined();
    expect(matchKey('', { ...noKey, downArrow: true }, { ...oneField, items: 3 })?.id).toBe('down');
    const home: KeyContext = { screen: 'home', trafficShifted: false, running: false, items: 0 };
    expect(matchKey('\r', { ...noKey, return: true }, home)).toBeUndefined();
    expect(matchKey('c', noKey, { ...canary, overlay: 'notifications', items: 0 })).toBeUndefined();
  });

  it('lets enter act on the checklist only on a manual item or a question', () => {
    const checklist: KeyContext = {
      screen: 'checklist',
      trafficShifted: false,
      running: false,
      selectedItem: 'command',
    };
    expect(matchKey('\r', { ...noKey, return: true }, checklist)).toBeUndefined();
    expect(matchKey('\r', { ...noKey, return: true }, { ...checklist, decisionPending: true })?.id).toBe(
      'confirm',
    );
    expect(matchKey('\r', { ...noKey, return: true }, { ...checklist, selectedItem: 'manual' })?.id).toBe(
      'confirm',
    );
  });
});
