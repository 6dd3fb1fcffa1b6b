import { Text } from 'ink';
import { memo } from 'react';
import type { Verdict } from '../core/canary/verdict.js';
import { type Theme, useTheme } from '../terminal/theme.js';

export interface VerdictBadgeProps {
  verdict: Verdict;
  /** For a rollback verdict: how many consecutive breaches of how many that trigger it. */
  breaches?: { count: number; of: number };
}

const SYMBOL: Record<Verdict, string> = {
  PASS: '✓',
  WATCH: '!',
  'NO-GO': '✗',
  ROLLBACK: '↺',
  INSUFFICIENT: '?',
  STALE: '…',
};

/** The words always carry the verdict, so it reads the same with colour off. */
export function verdictText(verdict: Verdict, breaches?: { count: number; of: number }): string {
  const word: Record<Verdict, string> = {
    PASS: 'PASS',
    WATCH: 'WATCH',
    'NO-GO': 'NO-GO',
    ROLLBACK: breaches ? `ROLLBACK ${breaches.count}/${breaches.of}` : 'ROLLBACK',
    INSUFFICIENT: 'INSUFFICIENT DATA',
    STALE: 'STALE',
  };
  return `${SYMBOL[verdict]} ${word[verdict]}`;
}

export function verdictColor(verdict: Verdict, theme: Theme): string | undefined {
  switch (verdict) {
    case 'PASS':
      return theme.ok;
    case 'WATCH':
    case 'STALE':
      return theme.warn;
    case 'NO-GO':
    case 'ROLLBACK':
      return theme.danger;
    case 'INSUFFICIENT':
      return theme.muted;
  }
}

export const VerdictBadge = memo(function VerdictBadge({ verdict, breaches }: VerdictBadgeProps) {
  const theme = useTheme();
  const severe = verdict === 'NO-GO' || verdict === 'ROLLBACK';
  return (
    <Text color={verdictColor(verdict, theme)} bold={severe}>
      {verdictText(verdict, breaches)}
    </Text>
  );
});
