/**
 * The rehearsal's stand-in for AWS in a process of its own, so the conductor's process holds only
 * the app (its memory and CPU are the app's, as against real AWS). Started by
 * src/wiring/rehearsal-aws.ts with one JSON argument; prints one JSON line (the endpoints, or
 * {"error": ...}); serves until its stdin closes (the conductor exited, however it exited) or it
 * gets SIGTERM. It sits in a process group of its own: a hang-up of the terminal, which leaves
 * a headless guard running, does not reach it.
 */
import { readFile } from 'node:fs/promises';
import { parseRunbook } from '../core/runbook/parse.js';
import { acceleratedClock } from '../services/clock.js';
import { startRehearsalAws } from './rehearsal-aws.js';

export interface AwsProcessOptions {
  runbookFile: string;
  promotionId: string;
  scenario: string;
  seed?: number;
  speed: number;
  /** The parent's clock read `clockStart` at wall time `wallAt` (epoch ms). */
  clockStart: number;
  wallAt: number;
  emulators?: boolean;
  emulatorDataDir?: string;
}

function reply(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as AwsProcessOptions;
  const parsed = parseRunbook(await readFile(options.runbookFile, 'utf8'), options.runbookFile);
  if (!parsed.ok) throw new Error(`the runbook ${options.runbookFile} is not valid`);
  const promotion = parsed.runbook.promotions.find((p) => p.id === options.promotionId);
  if (!promotion) throw new Error(`the runbook has no promotion ${options.promotionId}`);
  const clock = acceleratedClock(
    options.speed,
    options.clockStart + (Date.now() - options.wallAt) * options.speed,
  );
  const aws = await startRehearsalAws({
    clock,
    runbook: parsed.runbook,
    promotion,
    scenario: options.scenario,
    seed: options.seed,
    emulators: options.emulators,
    emulatorDataDir: options.emulatorDataDir,
  });
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    void aws.close().finally(() => process.exit(0));
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => {});
  reply(aws.endpoints);
}

main().catch((error: unknown) => {
  reply({ error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
