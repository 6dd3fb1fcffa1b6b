import { Box, Text } from 'ink';
import { useTheme } from '../terminal/theme.js';
import type { FormModel } from './form.js';

/** A form drawn as a bordered box: focused field marked, choices shown as ‹ value ›. */
export function FormView({ form, width }: { form: FormModel; width: number }) {
  const theme = useTheme();
  const labelWidth = Math.min(18, Math.max(...form.fields.map((f) => f.label.length)) + 1);
  return (
    <Box flexDirection="column" width={width} borderStyle="round" borderColor={theme.accent} paddingX={1}>
      <Text bold wrap="truncate">
        {form.title}
      </Text>
      {(form.lines ?? []).map((line) => (
        <Text key={line} wrap="wrap" dimColor>
          {line}
        </Text>
      ))}
      {form.fields.map((field, index) => {
        const focused = index === form.focus;
        const value = field.options ? `‹ ${field.value} ›` : field.value;
        return (
          <Text key={field.id} wrap="truncate">
            <Text bold={focused} color={focused ? theme.accent : undefined}>
              {focused ? '▸ ' : '  '}
              {field.label.padEnd(labelWidth)}
            </Text>
            <Text inverse={focused && !field.options}>{value || (focused ? ' ' : '')}</Text>
            {field.hint && !field.value ? <Text dimColor> {field.hint}</Text> : null}
            {field.required && !field.value ? <Text color={theme.warn}> *</Text> : null}
          </Text>
        );
      })}
      {form.error ? (
        <Text wrap="wrap" color={theme.danger} bold>
          ✗ {form.error}
        </Text>
      ) : null}
      <Text wrap="truncate" dimColor>
        enter submit · tab next field · ↑/↓ choose · esc cancel · ^x abort & roll back
      </Text>
    </Box>
  );
}
