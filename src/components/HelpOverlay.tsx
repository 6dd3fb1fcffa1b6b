import { Box, Text } from 'ink';
import { memo } from 'react';
import type { HelpSection } from '../keys.js';
import { useTheme } from '../terminal/theme.js';
import { padTo } from './format.js';

export interface HelpOverlayProps {
  /** From `helpSections(ctx)`: every binding, marked available or not here. */
  sections: HelpSection[];
  width: number;
  height: number;
  /** Lines scrolled down from the top (j/k). */
  scrollOffset: number;
}

type HelpLine =
  | { kind: 'title'; text: string }
  | { kind: 'entry'; keys: string; label: string; help: string; available: boolean; danger: boolean };

const KEYS_COLUMN = 8;
const LABEL_COLUMN = 20;

/** The `?` overlay, generated from the key table so it can never disagree with the keyboard. */
export const HelpOverlay = memo(function HelpOverlay({
  sections,
  width,
  height,
  scrollOffset,
}: HelpOverlayProps) {
  const theme = useTheme();
  const lines: HelpLine[] = sections.flatMap((section) => [
    { kind: 'title' as const, text: section.title },
    ...section.entries.map((entry) => ({ kind: 'entry' as const, ...entry })),
  ]);
  const rows = Math.max(1, height - 1);
  const start = Math.min(Math.max(0, scrollOffset), Math.max(0, lines.length - rows));
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold wrap="truncate">
        Keys <Text color={theme.muted}>(dim: not available here · esc or ? closes)</Text>
      </Text>
      {lines.slice(start, start + rows).map((line) =>
        line.kind === 'title' ? (
          <Text key={`title-${line.text}`} bold underline wrap="truncate">
            {line.text}
          </Text>
        ) : (
          <Text key={`${line.keys}-${line.label}`} wrap="truncate" dimColor={!line.available}>
            <Text bold color={line.danger ? theme.danger : theme.accent}>
              {padTo(line.keys, KEYS_COLUMN)}
            </Text>
            <Text color={line.danger ? theme.danger : undefined} bold={line.danger}>
              {padTo(line.label, LABEL_COLUMN)}
            </Text>{' '}
            {line.help}
          </Text>
        ),
      )}
    </Box>
  );
});
