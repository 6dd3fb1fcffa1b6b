/**
 * Which background the screen is drawn on, light or dark, so the theme can pick colours that stay
 * legible on it. No React and no I/O: it reads the environment it is given.
 */

export type Background = 'light' | 'dark';

/**
 * COLORFGBG ("15;0", or rxvt's "0;default;15"), set by rxvt, Konsole, iTerm2 and others: the last
 * field is the background's ANSI colour. 0-6 and 8 are dark colours, 7 and 9-15 light ones (the
 * rule vim and emacs use). Anything else (unset, "default", garbage) says nothing.
 */
export function backgroundFromColorFgBg(value: string | undefined): Background | undefined {
  if (value === undefined) return undefined;
  const last = value.split(';').at(-1)?.trim() ?? '';
  if (!/^\d{1,2}$/.test(last)) return undefined;
  const color = Number(last);
  if (color > 15) return undefined;
  return color <= 6 || color === 8 ? 'dark' : 'light';
}

export type ThemeSetting =
  | { ok: true; background?: Background; source: 'CONDUCTOR_THEME' | 'COLORFGBG' | 'default' }
  | { ok: false; message: string };

const NAMES = ['light', 'dark', 'auto'] as const;

/**
 * The background to draw for: CONDUCTOR_THEME when set (light, dark, or auto to detect), else the
 * terminal's COLORFGBG, else unknown (the caller's default). An OSC 11 query is not made: its reply
 * arrives on stdin, where a late one would be read as key presses by the parser that also carries
 * `x`, and waiting for it would delay the first frame over a slow SSH link.
 */
export function themeSetting(env: Record<string, string | undefined>): ThemeSetting {
  const asked = env.CONDUCTOR_THEME?.trim().toLowerCase();
  if (asked !== undefined && asked !== '') {
    if (!(NAMES as readonly string[]).includes(asked))
      return {
        ok: false,
        message: `CONDUCTOR_THEME is "${env.CONDUCTOR_THEME}": set it to light or dark (or auto, or unset it, to follow the terminal's background).`,
      };
    if (asked !== 'auto') return { ok: true, background: asked as Background, source: 'CONDUCTOR_THEME' };
  }
  const detected = backgroundFromColorFgBg(env.COLORFGBG);
  return detected ? { ok: true, background: detected, source: 'COLORFGBG' } : { ok: true, source: 'default' };
}
