import { createContext, type ReactNode, useContext } from 'react';

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
}

/** NO_COLOR (no-color.org): present and not empty turns colour off; so does a dumb terminal. */
export function colorsEnabled(env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return true;
}

export const COLOR_THEME: Theme = {
  colors: true,
  danger: 'red',
  warn: 'yellow',
  ok: 'green',
  info: 'cyan',
  muted: 'gray',
  accent: 'blue',
  prod: 'red',
};

export const PLAIN_THEME: Theme = { colors: false };

export function themeFor(env: Record<string, string | undefined>): Theme {
  return colorsEnabled(env) ? COLOR_THEME : PLAIN_THEME;
}

const ThemeContext = createContext<Theme>(COLOR_THEME);

export function ThemeProvider({ theme, children }: { theme: Theme; children: ReactNode }) {
  return <ThemeContext.Provider value={theme}>{children}</ThemeContext.Provider>;
}

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
