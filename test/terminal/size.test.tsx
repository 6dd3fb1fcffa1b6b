import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { isTooSmall, normalizeSize, useTerminalSize } from '../../src/terminal/size.js';
import { TooSmall } from '../../src/terminal/TooSmall.js';
import { colorsEnabled, themeFor } from '../../src/terminal/theme.js';
import { frameOf, tick } from '../components/render-helpers.js';

function SizeProbe() {
  const { columns, rows } = useTerminalSize();
  return (
    <Text>
      {columns}x{rows}
    </Text>
  );
}

describe('terminal size', () => {
  it('reads a zero or missing size as 80x24', () => {
    expect(normalizeSize(0, 0)).toEqual({ columns: 80, rows: 24 });
    expect(normalizeSize(undefined, undefined)).toEqual({ columns: 80, rows: 24 });
    expect(normalizeSize(132, 43)).toEqual({ columns: 132, rows: 43 });
    expect(isTooSmall({ columns: 79, rows: 40 })).toBe(true);
    expect(isTooSmall({ columns: 80, rows: 24 })).toBe(false);
  });

  it('follows resizes of stdout', async () => {
    const instance = render(<SizeProbe />);
    await tick();
    // ink-testing-library's stdout is 100 columns and reports no rows
    expect(instance.lastFrame()).toBe('100x24');
    Object.defineProperty(instance.stdout, 'columns', { value: 120, configurable: true });
    Object.defineProperty(instance.stdout, 'rows', { value: 40, configurable: true });
    instance.stdout.emit('resize');
    await tick();
    expect(instance.lastFrame()).toBe('120x40');
    instance.unmount();
  });

  it('tells the person how big the terminal is and how big it must be', async () => {
    const frame = await frameOf(<TooSmall size={{ columns: 60, rows: 20 }} />);
    expect(frame).toContain('60x20');
    expect(frame).toContain('at least 80x24');
  });
});

describe('NO_COLOR', () => {
  it('turns colour off when set and not empty', () => {
    expect(colorsEnabled({ NO_COLOR: '1' })).toBe(false);
    expect(colorsEnabled({ NO_COLOR: '' })).toBe(true);
    expect(colorsEnabled({})).toBe(true);
    expect(colorsEnabled({ TERM: 'dumb' })).toBe(false);
    expect(themeFor({ NO_COLOR: '1' }).danger).toBeUndefined();
    expect(themeFor({}).danger).toBe('red');
  });
});
