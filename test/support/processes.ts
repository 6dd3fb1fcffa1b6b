import { readdirSync, readFileSync } from 'node:fs';

/** Live processes whose command line is exactly `argv` (a zombie has none), from /proc. */
export function processesRunning(argv: readonly string[]): number[] {
  const wanted = `${argv.join('\0')}\0`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8') === wanted) found.push(Number(entry));
    } catch {}
  }
  return found;
}
