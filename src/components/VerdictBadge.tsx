import { Text } from 'ink';
import { memo } from 'react';
import { type Theme, useTheme } from '../terminal/theme.js';

export type Verdict = 'pass' | 'watch' | 'nogo' | 'rollback' | 'insufficient' | 'stale';

export interface VerdictBadgeProps {
  verdict: Verdict;
  /** For a rollback verdict: how many consecutive breaches of how many that trigger it. */
  breaches?: { count: number; of: number };
}

const SYMBOL: Record<Verdict, string> = {
  pass: '✓',
  watch: '!',
  nogo: '✗',
  rollback: '↺',
  insufficient: '?',
  stale: '…',
};

/** The words always carry the verdict, so it reads the same with colour off. */
export function verdictText(verdict: Verdict, breaches?: { count: number; of: number }): string {
  const word: Record<Verdict, string> = {
    pass: 'PASS',
    watch: 'WATCH',
    nogo: 'NO-GO',
    rollback: breaches ? `ROLLBACK ${breaches.count}/${breaches.of}` : 'ROLLBACK',
    insufficient: 'INSUFFICIENT DATA',
    stale: 'STALE',
  };
  return `${SYMBOL[verdict]} ${word[verdict]}`;
}

export function verdictColor(verdict: Verdict, theme: Theme): string | undefined {
  switch (verdict) {
    case 'pass':
      return theme.ok;
    case 'watch':
    case 'stale':
      return theme.warn;
    case 'nogo':
    case 'rollback':
      return theme.danger;
    case 'insufficient':
      return theme.muted;
  }
}

export const VerdictBadge = memo(function VerdictBadge({ verdict, breaches }: VerdictBadgeProps) {
  const theme = useTheme();
  const severe = verdict === 'nogo' || verdict === 'rollback';
  return (
    <Text color={verdictColor(verdict, theme)} bold={severe}>
      {verdictText(verdict, breaches)}
    </Text>
  );
});
