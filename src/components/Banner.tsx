import { Text } from 'ink';
import { useTheme } from '../terminal/theme.js';
import { wrappedRows } from './wrap.js';

export type BannerKind = 'info' | 'warn' | 'danger';

export interface BannerProps {
  kind: BannerKind;
  text: string;
  /**
   * A sentence that carries a decision, a reason or a task wraps and is never cut; the screen
   * then makes room for `bannerRows(...)` rows. Without it the banner keeps to one row.
   */
  wrap?: boolean;
}

const PREFIX: Record<BannerKind, string> = { info: 'i', warn: '!', danger: '✗' };

const bannerLine = (kind: BannerKind, text: string) => `${PREFIX[kind]} ${text}`;

/** The rows a banner takes at `width`: one, or as many as its wrapped sentence needs. */
export function bannerRows(kind: BannerKind, text: string, width: number, wrap = true): number {
  return wrap ? wrappedRows(bannerLine(kind, text), width) : 1;
}

/** One line that must be seen; the prefix and bold keep it visible without colour. */
export function Banner({ kind, text, wrap = false }: BannerProps) {
  const theme = useTheme();
  const color = kind === 'danger' ? theme.danger : kind === 'warn' ? theme.warn : theme.info;
  return (
    <Text color={color} bold={kind !== 'info'} wrap={wrap ? 'wrap' : 'truncate'}>
      {bannerLine(kind, text)}
    </Text>
  );
}
