import { createContext, type ReactNode, useContext } from 'react';
import { type Background, themeSetting } from './background.js';

/**
 * Colours by meaning, not by name. With colour off every colour is undefined and the components
 * lean on their text and symbols (verdicts always carry a word and a symbol), plus bold for what
 * must not be missed.
 */
export interface Theme {
  colors: boolean;
  danger?: string;
  warn?: string;
  ok?: string;
  info?: string;
  muted?: string;
  accent?: string;
  /** The production environment's name in the header. */
  prod?: string;
  /** The background these colours are chosen for (none when colour is off). */
  background?: Background;
}

/** NO_COLOR (no-color.org): present and not empty turns colour off; so does a dumb terminal. */
export function colorsEnabled(env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return true;
}

/**
 * For a dark background (and the default when the background is unknown): yellow and cyan read
 * well on black.
 */
export const DARK_THEME: Theme = {
  colors: true,
  background: 'dark',
  danger: 'red',
  warn: 'yellow',
  ok: 'green',
  info: 'cyan',
  muted: 'gray',
  accent: 'blue',
  prod: 'red',
};

/**
 * For a light background: yellow and cyan are faint on white, so warnings are magenta and the
 * canary blue. Named ANSI colours only, so a 16-colour terminal draws what was meant (a hex dark
 * yellow falls back to red there).
 */
export const LIGHT_THEME: Theme = {
  colors: true,
  background: 'light',
  danger: 'red',
  warn: 'magenta',
  ok: 'green',
  info: 'blue',
  muted: 'gray',
  accent: 'blue',
  prod: 'red',
};

/** The default coloured theme (dark), kept under its old name. */
export const COLOR_THEME: Theme = DARK_THEME;

export const PLAIN_THEME: Theme = { colors: false };

/**
 * NO_COLOR first, then CONDUCTOR_THEME or the detected background (see themeSetting). A value of
 * CONDUCTOR_THEME that names no theme is refused before a screen starts (requireTty); here it
 * falls back to the default.
 */
export function themeFor(env: Record<string, string | undefined>): Theme {
  if (!colorsEnabled(env)) return PLAIN_THEME;
  const setting = themeSetting(env);
  return setting.ok && setting.background === 'light' ? LIGHT_THEME : DARK_THEME;
}

const ThemeContext = createContext<Theme>(COLOR_THEME);

export function ThemeProvider({ theme, children }: { theme: Theme; children: ReactNode }) {
  return <ThemeContext.Provider value={theme}>{children}</ThemeContext.Provider>;
}

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
