import { Box, Text } from 'ink';
import { memo } from 'react';
import type { KeyBarItem } from '../keys.js';
import { useTheme } from '../terminal/theme.js';

export interface KeyBarProps {
  /** From `keyBarItems(ctx)`, most important first. */
  items: KeyBarItem[];
  width: number;
}

const GAP = 2;
const itemWidth = (item: KeyBarItem) => item.keys.length + 1 + item.label.length;

/** The items that fit, dropping from the end; dangerous keys are never dropped. */
export function fitKeyBar(items: KeyBarItem[], width: number): KeyBarItem[] {
  const shown: KeyBarItem[] = [];
  let used = 0;
  for (const item of items) {
    const cost = itemWidth(item) + (shown.length > 0 ? GAP : 0);
    if (item.danger || used + cost <= width) {
      shown.push(item);
      used += cost;
    }
  }
  return shown;
}

export const KeyBar = memo(function KeyBar({ items, width }: KeyBarProps) {
  const theme = useTheme();
  return (
    <Box height={1} width={width} overflow="hidden">
      <Text wrap="truncate">
        {fitKeyBar(items, width).map((item, index) => (
          <Text key={item.id}>
            {index > 0 ? ' '.repeat(GAP) : ''}
            <Text
              bold
              color={item.danger ? theme.danger : theme.accent}
              inverse={item.danger && !theme.colors}
            >
              {item.keys}
            </Text>{' '}
            <Text color={item.danger ? theme.danger : undefined} bold={item.danger}>
              {item.label}
            </Text>
          </Text>
        ))}
      </Text>
    </Box>
  );
});
