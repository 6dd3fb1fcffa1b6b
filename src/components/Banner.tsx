import { Text } from 'ink';
import { useTheme } from '../terminal/theme.js';

export type BannerKind = 'info' | 'warn' | 'danger';

export interface BannerProps {
  kind: BannerKind;
  text: string;
}

const PREFIX: Record<BannerKind, string> = { info: 'i', warn: '!', danger: '✗' };

/** One line that must be seen; the prefix and bold keep it visible without colour. */
export function Banner({ kind, text }: BannerProps) {
  const theme = useTheme();
  const color = kind === 'danger' ? theme.danger : kind === 'warn' ? theme.warn : theme.info;
  return (
    <Text color={color} bold={kind !== 'info'} wrap="truncate">
      {PREFIX[kind]} {text}
    </Text>
  );
}
