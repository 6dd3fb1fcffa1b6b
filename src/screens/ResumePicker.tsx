import { Box, Text } from 'ink';
import { useMemo, useRef, useState } from 'react';
import { formatAge, sanitizeLine } from '../components/format.js';
import {
  type ChoiceFact,
  choiceFacts,
  mostUrgentFirst,
  type ResumeChoice,
} from '../core/session/resume-choice.js';
import { handlersOnly, type KeyContext, matchKey } from '../keys.js';
import { type Theme, useTheme } from '../terminal/theme.js';
import { useKeypress } from '../terminal/use-keypress.js';

export interface ResumePickerProps {
  choices: readonly ResumeChoice[];
  /** Clock time, for the sessions' age. */
  now: number;
  onChoose: (id: string) => void;
  /** esc, q or ctrl+c: nothing is resumed. */
  onCancel: () => void;
  width: number;
  height: number;
}

/** The key table read as on the home screen: j/k and arrows move, enter, q and ctrl+c; esc goes back (cancels). */
const KEY_CONTEXT: KeyContext = { screen: 'home', trafficShifted: false, running: false, canGoBack: true };

/** Header, blank line, key bar and the "more" line around the list. */
const CHROME_ROWS = 5;
const ROWS_PER_CHOICE = 2;

function listWindow(count: number, fits: number, selected: number) {
  if (count <= fits) return { start: 0, end: count };
  const start = Math.min(Math.max(0, selected - fits + 1), count - fits);
  return { start, end: start + fits };
}

const toneColor = (tone: ChoiceFact['tone'], theme: Theme) => theme[tone];

/**
 * Which session to resume, when several have traffic shifted or an engine guarding them: the
 * most urgent first; enter resumes the selected one, esc or q resumes nothing.
 */
export function ResumePicker({ choices, now, onChoose, onCancel, width, height }: ResumePickerProps) {
  const theme = useTheme();
  const sorted = useMemo(() => mostUrgentFirst(choices), [choices]);
  const [selected, setSelectedState] = useState(0);
  // Keys of one chunk (`jj` then enter) are handled before React renders: enter must see the moves.
  const selectedRef = useRef(0);
  const answered = useRef(false);
  const select = (index: number) => {
    selectedRef.current = Math.min(Math.max(0, index), Math.max(0, sorted.length - 1));
    setSelectedState(selectedRef.current);
  };

  const cancel = () => {
    answered.current = true;
    onCancel();
  };
  const none = () => undefined;
  /** Every binding of the key table, as the picker answers it: move, resume, or resume nothing. */
  const handlers = handlersOnly<() => void>(
    {
      up: () => select(selectedRef.current - 1),
      down: () => select(selectedRef.current + 1),
      confirm: () => {
        const choice = sorted[selectedRef.current];
        if (!choice) return;
        answered.current = true;
        onChoose(choice.id);
      },
      back: cancel,
      detach: cancel,
      interrupt: cancel,
    },
    // Any other binding (the session screen's) does nothing here.
    none,
  );

  useKeypress((input, key, paste) => {
    if (answered.current || paste !== undefined) return;
    const binding = matchKey(input, key, KEY_CONTEXT);
    if (binding) handlers[binding.id]();
  });

  const fits = Math.max(1, Math.floor((height - CHROME_ROWS) / ROWS_PER_CHOICE));
  const { start, end } = listWindow(sorted.length, fits, selected);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold wrap="truncate">
        Several sessions could be meant: which one do you want to resume?
      </Text>
      <Text dimColor wrap="truncate">
        Most urgent first. Nothing is resumed until you press enter.
      </Text>
      <Text> </Text>
      {sorted.slice(start, end).map((choice, offset) => {
        const index = start + offset;
        const chosen = index === selected;
        return (
          <Box key={choice.id} flexDirection="column" width={width}>
            <Text wrap="truncate" bold={chosen} inverse={chosen}>
              {chosen ? '▸ ' : '  '}
              {choice.id}
              {'  '}
              {choice.status}
              {choiceFacts(choice).map((fact, i) => (
                <Text key={fact.text}>
                  {i === 0 ? '  ' : ', '}
                  <Text color={chosen ? undefined : toneColor(fact.tone, theme)}>{fact.text}</Text>
                </Text>
              ))}
              {'  '}
              <Text dimColor={!chosen}>{formatAge(Math.max(0, now - choice.updatedAt))}</Text>
            </Text>
            <Text wrap="truncate" dimColor={!chosen}>
              {'    '}
              {sanitizeLine(choice.title)}
              {choice.currentStep ? ` · at ${sanitizeLine(choice.currentStep)}` : ''}
            </Text>
          </Box>
        );
      })}
      {sorted.length > end - start ? (
        <Text color={theme.muted} wrap="truncate">
          {start > 0 ? `↑ ${start} more ` : ''}
          {end < sorted.length ? `↓ ${sorted.length - end} more` : ''}
        </Text>
      ) : null}
      <Box flexGrow={1} />
      <Text wrap="truncate">
        <Text bold color={theme.accent}>
          ↑/k ↓/j
        </Text>{' '}
        move{'  '}
        <Text bold color={theme.accent}>
          enter
        </Text>{' '}
        resume this one{'  '}
        <Text bold color={theme.accent}>
          esc/q
        </Text>{' '}
        cancel (nothing resumed)
      </Text>
    </Box>
  );
}
