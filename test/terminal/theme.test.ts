import { describe, expect, it } from 'vitest';
import { backgroundFromColorFgBg, themeSetting } from '../../src/terminal/background.js';
import { DARK_THEME, LIGHT_THEME, PLAIN_THEME, themeFor } from '../../src/terminal/theme.js';

describe('the terminal background', () => {
  it("reads COLORFGBG's last field: 0-6 and 8 dark, 7 and 9-15 light, anything else unknown", () => {
    expect(backgroundFromColorFgBg('15;0')).toBe('dark');
    expect(backgroundFromColorFgBg('0;15')).toBe('light');
    expect(backgroundFromColorFgBg('0;7')).toBe('light');
    expect(backgroundFromColorFgBg('7;8')).toBe('dark');
    // rxvt writes three fields
    expect(backgroundFromColorFgBg('0;default;15')).toBe('light');
    expect(backgroundFromColorFgBg('15;default;0')).toBe('dark');
    expect(backgroundFromColorFgBg('15;default')).toBeUndefined();
    expect(backgroundFromColorFgBg('')).toBeUndefined();
    expect(backgroundFromColorFgBg('0;231')).toBeUndefined();
    expect(backgroundFromColorFgBg(undefined)).toBeUndefined();
  });

  it('CONDUCTOR_THEME wins over COLORFGBG; auto follows the terminal; a value naming no theme is one sentence', () => {
    expect(themeSetting({ CONDUCTOR_THEME: 'light', COLORFGBG: '15;0' })).toMatchObject({
      ok: true,
      background: 'light',
      source: 'CONDUCTOR_THEME',
    });
    expect(themeSetting({ CONDUCTOR_THEME: 'Dark', COLORFGBG: '0;15' })).toMatchObject({
      background: 'dark',
    });
    expect(themeSetting({ CONDUCTOR_THEME: 'auto', COLORFGBG: '0;15' })).toMatchObject({
      background: 'light',
      source: 'COLORFGBG',
    });
    expect(themeSetting({})).toEqual({ ok: true, source: 'default' });
    const bad = themeSetting({ CONDUCTOR_THEME: 'solarized' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toBe(
      'CONDUCTOR_THEME is "solarized": set it to light or dark (or auto, or unset it, to follow the terminal\'s background).',
    );
  });
});

describe('themeFor', () => {
  it('picks the light theme on a light background and the dark one otherwise; NO_COLOR turns colour off', () => {
    expect(themeFor({ COLORFGBG: '0;15' })).toBe(LIGHT_THEME);
    expect(themeFor({ CONDUCTOR_THEME: 'light' })).toBe(LIGHT_THEME);
    expect(themeFor({ COLORFGBG: '15;0' })).toBe(DARK_THEME);
    expect(themeFor({})).toBe(DARK_THEME);
    expect(themeFor({ CONDUCTOR_THEME: 'light', NO_COLOR: '1' })).toBe(PLAIN_THEME);
  });

  it('uses no yellow or cyan on a light background, where both are faint', () => {
    const used = Object.values(LIGHT_THEME).filter((value) => typeof value === 'string');
    for (const faint of ['yellow', 'cyan', 'yellowBright', 'cyanBright', 'white', 'whiteBright'])
      expect(used).not.toContain(faint);
    // and every meaning still has a colour of its own where it matters most
    expect(new Set([LIGHT_THEME.danger, LIGHT_THEME.warn, LIGHT_THEME.ok, LIGHT_THEME.info]).size).toBe(4);
  });
});
