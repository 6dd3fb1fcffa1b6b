import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';

/** React 19 commits asynchronously: give it a turn before reading the frame. */
export const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

export async function frameOf(element: ReactElement): Promise<string> {
  const instance = render(element);
  await tick();
  const frame = instance.lastFrame() ?? '';
  instance.unmount();
  return frame;
}

const ANSI = /\x1b\[[0-9;]*m/g;

export const stripAnsi = (text: string) => text.replace(ANSI, '');

const FOREGROUND: Record<string, string> = {
  '31': 'red',
  '32': 'green',
  '33': 'yellow',
  '34': 'blue',
  '35': 'magenta',
  '36': 'cyan',
  '90': 'gray',
  '39': 'default',
};

/** The foreground colour in force where `text` first appears in a coloured frame. */
export function colorOf(frame: string, text: string): string | undefined {
  const at = frame.indexOf(text);
  if (at < 0) return undefined;
  let color = 'default';
  for (const match of frame.slice(0, at).matchAll(ANSI)) {
    for (const code of match[0].slice(2, -1).split(';')) {
      if (FOREGROUND[code]) color = FOREGROUND[code];
    }
  }
  return color;
}
