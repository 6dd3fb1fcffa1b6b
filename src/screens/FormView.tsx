import { Box, Text } from 'ink';
import { useTheme } from '../terminal/theme.js';
import { type FormModel, formKeyFacts } from './form.js';

/** The keys line under a form: only the keys that do something in it. */
export function formKeysLine(form: FormModel, abortKey: boolean): string {
  const { items, fields } = formKeyFacts(form);
  const choosing = form.fields[form.focus]?.options !== undefined;
  return [
    'enter submit',
    ...(fields > 1 ? ['tab next field'] : []),
    ...(items > 1 ? [choosing ? '↑/↓ choose' : '↑/↓ move'] : []),
    'esc cancel',
    ...(abortKey ? ['^x abort & roll back'] : []),
  ].join(' · ');
}

/**
 * A form drawn as a bordered box: focused field marked, choices shown as ‹ value ›. `abortKey`:
 * traffic is shifted, so ctrl+x aborts from inside the form (x is a letter there).
 */
export function FormView({
  form,
  width,
  abortKey = false,
}: {
  form: FormModel;
  width: number;
  abortKey?: boolean;
}) {
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
        {formKeysLine(form, abortKey)}
      </Text>
    </Box>
  );
}
