import { afterEach, describe, expect, it, vi } from 'vitest';
import { fitKeyBar } from '../src/components/KeyBar.js';
import {
  activeBindings,
  activeKeys,
  displayKey,
  helpSections,
  KEY_BINDINGS,
  type KeyContext,
  keyBarItems,
} from '../src/keys.js';
import { unmountApps } from './support/app-session.js';
import { eventually } from './support/eventually.js';
import { KEY_SCENARIOS, type KeyHost, type KeyScenario, unmountAfter } from './support/key-contexts.js';
import { KEY_EFFECTS, rawKey, snapshot } from './support/key-effects.js';
import { printedKeys } from './support/key-legends.js';

/**
 * Generated from the key table: in each representative context, every key the key bar or the help
 * shows (and every other key that answers there) is pressed on the real App, and its binding's
 * expected effect (key-effects.ts) must be seen. A key that answers but does nothing fails here.
 */
// Selection is drawn in inverse video: the frames must carry it.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

function unmountAll() {
  for (const unmount of unmountAfter.splice(0)) unmount();
  unmountApps();
}
afterEach(unmountAll);

/** The keys the bar shows in this context, by binding id, as drawn (the narrow bar drops some). */
function barKeys(ctx: KeyContext): Map<string, string> {
  return new Map(keyBarItems(ctx).map((item) => [item.id, item.keys]));
}

/**
 * The help describes the screen under it: the bindings it marks available there, with their keys.
 * Checked on the screen itself (an overlay's keys are the bar's), and home has no help.
 */
function helpKeys(ctx: KeyContext): Map<string, string> {
  if (ctx.screen === 'home' || ctx.overlay !== undefined) return new Map();
  const entries = helpSections(ctx).flatMap((section) => section.entries);
  return new Map(entries.filter((entry) => entry.available).map((entry) => [entry.id, entry.keys]));
}

/** Each key a binding answers to in this context: what the test presses. */
function keysToPress(ctx: KeyContext): Array<{ id: string; key: string }> {
  return activeBindings(ctx).flatMap((binding) =>
    activeKeys(binding, ctx).map((key) => ({ id: binding.id, key })),
  );
}

/** The scenario's screen, once it has told a key context with the facts the scenario stands for. */
async function mounted(scenario: KeyScenario): Promise<{ host: KeyHost; ctx: KeyContext }> {
  const host = await scenario.mount();
  // The context is told after the frame is drawn: give it the time to arrive.
  const matches = () =>
    Object.entries(scenario.expected).every(([k, v]) => host.context()?.[k as keyof KeyContext] === v);
  await eventually(matches);
  const ctx = host.context();
  if (!ctx) throw new Error(`${scenario.name}: the screen never told its key context`);
  expect(ctx, scenario.name).toMatchObject(scenario.expected);
  return { host, ctx };
}

/** The bindings pressed in some context, for the check that none is left out. */
const exercised = new Set<string>();
const ran = new Set<string>();

describe('every key shown acts, in every context', () => {
  it('has an expected effect for every binding of the table', () => {
    const missing = KEY_BINDINGS.map((b) => b.id).filter((id) => !(id in KEY_EFFECTS));
    expect(missing, 'bindings without an expected effect in test/support/key-effects.ts').toEqual([]);
  });

  for (const scenario of KEY_SCENARIOS) {
    it(`${scenario.name}: every key it shows or answers to does what it says`, {
      timeout: 120_000,
    }, async () => {
      ran.add(scenario.name);
      const { host, ctx } = await mounted(scenario);
      const frame = host.frame();
      for (const item of fitKeyBar(keyBarItems(ctx), 100))
        expect(frame).toContain(`${item.keys} ${item.label}`);
      const pressed = keysToPress(ctx);
      for (const [id, keys] of [...barKeys(ctx), ...helpKeys(ctx)]) {
        const binding = KEY_BINDINGS.find((b) => b.id === id);
        for (const shown of keys.split('/')) {
          const name = binding?.keys.find((k) => displayKey(k) === shown);
          expect(pressed, `${id} shows "${shown}": it must answer here`).toContainEqual({ id, key: name });
        }
      }
      // The keys the frame prints itself (a form's keys line, a question's choices, "r: …" hints).
      for (const name of printedKeys(frame, ctx))
        expect(
          pressed.map((p) => p.key),
          `the frame prints "${name}": it must answer here`,
        ).toContain(name);
      unmountAll();
      // Each key on a fresh screen in the same context: what one key does must not hide another.
      const failures: string[] = [];
      for (const { id, key } of pressed) {
        exercised.add(id);
        const fresh = await mounted(scenario);
        const effect = KEY_EFFECTS[id];
        try {
          if (!effect) throw new Error('no expected effect in key-effects.ts');
          await effect({
            host: fresh.host,
            key,
            before: snapshot(fresh.host),
            press: (name = key) => fresh.host.press(rawKey(name)),
          });
        } catch (error) {
          failures.push(
            `${key} (${id}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
          );
        }
        unmountAll();
      }
      expect(failures.join('\n'), `keys that do not do what they say in "${scenario.name}"`).toBe('');
    });
  }

  it('exercises every binding of the table in at least one context', (test) => {
    // Only meaningful after every context ran (not under a -t filter).
    if (ran.size < KEY_SCENARIOS.length) return test.skip();
    expect(KEY_BINDINGS.map((b) => b.id).filter((id) => !exercised.has(id))).toEqual([]);
  });
});
