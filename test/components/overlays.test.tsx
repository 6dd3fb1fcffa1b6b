import { describe, expect, it, vi } from 'vitest';
import { ConfirmDialog, detachQuestion } from '../../src/components/ConfirmDialog.js';
import { HelpOverlay } from '../../src/components/HelpOverlay.js';
import { helpSections, KEY_BINDINGS, type KeyContext } from '../../src/keys.js';
import { colorOf, frameOf, stripAnsi } from './render-helpers.js';

vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

describe('HelpOverlay', () => {
  const ctx: KeyContext = {
    screen: 'canary',
    overlay: 'help',
    trafficShifted: true,
    running: false,
    holdActive: true,
  };

  it('lists every key of the table when there is room, abort in red', async () => {
    const frame = await frameOf(
      <HelpOverlay sections={helpSections(ctx)} width={100} height={40} scrollOffset={0} />,
    );
    const text = stripAnsi(frame);
    for (const binding of KEY_BINDINGS) expect(text).toContain(binding.label);
    expect(text).toContain('Safety');
    expect(colorOf(frame, 'ABORT & ROLL BACK')).toBe('red');
  });

  it('fits its height and scrolls', async () => {
    const top = stripAnsi(
      await frameOf(<HelpOverlay sections={helpSections(ctx)} width={100} height={8} scrollOffset={0} />),
    );
    expect(top.split('\n')).toHaveLength(8);
    const scrolled = stripAnsi(
      await frameOf(<HelpOverlay sections={helpSections(ctx)} width={100} height={8} scrollOffset={100} />),
    );
    expect(scrolled).toContain('journal');
    expect(scrolled).not.toContain('Safety');
  });
});

describe('ConfirmDialog', () => {
  it('asks before detaching while traffic is shifted, offering abort in red', async () => {
    const frame = await frameOf(<ConfirmDialog {...detachQuestion(25, 'v42')} width={80} />);
    const text = stripAnsi(frame);
    expect(text).toContain('25% of traffic is on v42. Leave it like that?');
    expect(text).toContain('enter  detach');
    expect(text).toContain('esc  cancel');
    expect(colorOf(frame, 'ABORT & ROLL BACK')).toBe('red');
  });
});
