import { useStdin } from 'ink';
import { useEffect, useRef } from 'react';
import { createKeypressParser, type InkKeyFlags, inkKeyOf, NO_KEY } from './keypress.js';

/**
 * One key press at a time, from the ONE keypress parser: a chunk of bytes (`xxx` from a laggy
 * link, three Backspaces) is as many presses as it holds; only a bracketed paste is a paste,
 * handed over whole as `paste`. Replaces Ink's useInput, which passes a run of characters as one.
 */
export type KeypressHandler = (input: string, key: InkKeyFlags, paste?: string) => void;

/** A paste whose end marker never came (a lost byte) must not swallow the abort key for ever. */
const PASTE_END_WAIT_MS = 500;

export function useKeypress(handler: KeypressHandler): void {
  const { setRawMode, internal_eventEmitter: emitter } = useStdin();
  const latest = useRef(handler);
  latest.current = handler;

  useEffect(() => {
    setRawMode(true);
    return () => setRawMode(false);
  }, [setRawMode]);

  useEffect(() => {
    const parser = createKeypressParser();
    let pasteTimer: NodeJS.Timeout | undefined;
    const deliver = (inputs: ReturnType<typeof parser.push>) => {
      for (const item of inputs) {
        if (item.kind === 'paste') latest.current('', NO_KEY, item.text);
        else {
          const { input, key } = inkKeyOf(item);
          latest.current(input, key);
        }
      }
    };
    const onInput = (data: string) => {
      if (pasteTimer) clearTimeout(pasteTimer);
      deliver(parser.push(data));
      if (parser.pasting()) pasteTimer = setTimeout(() => deliver(parser.flush()), PASTE_END_WAIT_MS);
    };
    emitter?.on('input', onInput);
    return () => {
      if (pasteTimer) clearTimeout(pasteTimer);
      emitter?.removeListener('input', onInput);
    };
  }, [emitter]);
}
