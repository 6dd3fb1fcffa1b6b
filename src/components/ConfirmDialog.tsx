import { Box, Text } from 'ink';
import { useTheme } from '../terminal/theme.js';

export interface ConfirmChoice {
  /** As printed: 'enter', 'x', 'esc'. */
  keys: string;
  label: string;
  danger?: boolean;
}

export interface ConfirmDialogProps {
  title: string;
  /** What happens, in plain sentences: the exact argv, the account, what stays running. */
  lines: string[];
  choices: ConfirmChoice[];
  width: number;
}

/**
 * A question that must be answered before something consequential: detaching while traffic is
 * shifted, running a dangerous command, advancing a stage early.
 */
export function ConfirmDialog({ title, lines, choices, width }: ConfirmDialogProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={width} borderStyle="round" borderColor={theme.warn} paddingX={1}>
      <Text bold wrap="truncate">
        {title}
      </Text>
      {lines.map((line) => (
        <Text key={line} wrap="wrap">
          {line}
        </Text>
      ))}
      <Text wrap="truncate">
        {choices.map((choice, index) => (
          <Text key={choice.keys}>
            {index > 0 ? '   ' : ''}
            <Text bold inverse color={choice.danger ? theme.danger : undefined}>
              {` ${choice.keys} `}
            </Text>{' '}
            <Text bold={choice.danger} color={choice.danger ? theme.danger : undefined}>
              {choice.label}
            </Text>
          </Text>
        ))}
      </Text>
    </Box>
  );
}

/** The question `q` and ctrl+c ask while traffic is shifted. */
export function detachQuestion(
  canaryPercent: number,
  canaryVersion: string,
): Omit<ConfirmDialogProps, 'width'> {
  return {
    title: `${canaryPercent}% of traffic is on ${canaryVersion}. Leave it like that?`,
    lines: [
      'Detach: traffic stays as it is; the guard keeps watching and may still roll back. Resume with `conductor resume`.',
    ],
    choices: [
      { keys: 'enter', label: 'detach' },
      { keys: 'x', label: 'ABORT & ROLL BACK', danger: true },
      { keys: 'esc', label: 'cancel' },
    ],
  };
}
