import { appendFile } from 'node:fs';
import type { Performance } from 'node:perf_hooks';

/** Node's global `performance` (its utilisation API), without loading node:perf_hooks first. */
const nodePerformance = performance as unknown as Performance;

/**
 * What a frame costs, for bench/abort: with CONDUCTOR_FRAME_LOG=FILE the screen appends
 * - one line per Ink output pass (`output MS AT`: the milliseconds Ink took to turn the laid-out
 *   tree into the frame's text, and the wall time it ended at, epoch ms);
 * - one line every 100 ms (`busy MS AT`): the milliseconds the screen's thread was busy since the
 *   previous one (its event loop utilisation), which holds everything a frame costs (the engine's
 *   message read, React's render, the layout, the output pass), so a bench divides it by the frames
 *   drawn meanwhile. React's production build reports no timings of its own.
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
  let utilisation = nodePerformance.eventLoopUtilization();
  let samples = 0;
  const timer = setInterval(() => {
    const since = nodePerformance.eventLoopUtilization(utilisation);
    utilisation = nodePerformance.eventLoopUtilization();
    lines.push(`busy ${since.active.toFixed(3)} ${wallNow().toFixed(1)}\n`);
    if (++samples % SAMPLES_PER_FLUSH !== 0) return;
    const batch = lines.join('');
    lines = [];
    appendFile(file, batch, () => undefined);
  }, BUSY_EVERY_MS);
  timer.unref();
  return {
    onRender: ({ renderTime }) => {
      lines.push(`output ${renderTime.toFixed(3)} ${wallNow().toFixed(1)}\n`);
    },
    onKeyThreadAbort: (at) => {
      lines.push(`keythread-abort 0 ${at.toFixed(1)}\n`);
    },
  };
}

const wallNow = () => performance.timeOrigin + performance.now();

/** The busy time is sampled this often, and the lines written every fifth sample. */
const BUSY_EVERY_MS = 100;
const SAMPLES_PER_FLUSH = 5;
