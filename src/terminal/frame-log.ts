import { appendFile } from 'node:fs';

/**
 * What a frame costs, for bench/abort: with CONDUCTOR_FRAME_LOG=FILE the screen appends one line per
 * Ink output pass (`output MS AT`: the milliseconds Ink took to turn the laid-out tree into the
 * frame's text, and the wall time it ended at, epoch ms), so a bench can take the frames of one
 * stretch (the canary). React's own render is not in it: its production build reports no timings.
 * Lines are written in batches, off the path of the next key; without the variable nothing is
 * measured.
 */
export function frameLog(env: NodeJS.ProcessEnv = process.env): {
  onRender?: (m: { renderTime: number }) => void;
  /** The key thread sent an abort itself (`keythread-abort 0 AT`): the bench counts which path won. */
  onKeyThreadAbort?: (at: number) => void;
} {
  const file = env.CONDUCTOR_FRAME_LOG;
  if (!file) return {};
  let lines: string[] = [];
  const timer = setInterval(() => {
    if (lines.length === 0) return;
    const batch = lines.join('');
    lines = [];
    appendFile(file, batch, () => undefined);
  }, FLUSH_EVERY_MS);
  timer.unref();
  return {
    onRender: ({ renderTime }) => {
      lines.push(
        `output ${renderTime.toFixed(3)} ${(performance.timeOrigin + performance.now()).toFixed(1)}\n`,
      );
    },
    onKeyThreadAbort: (at) => {
      lines.push(`keythread-abort 0 ${at.toFixed(1)}\n`);
    },
  };
}

const FLUSH_EVERY_MS = 500;
