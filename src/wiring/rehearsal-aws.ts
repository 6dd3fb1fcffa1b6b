/**
 * Where a rehearsal's stand-in for AWS runs: in a child process (the CLI: the conductor's process
 * holds only the app), in this process (tests and the programmatic API: the sandbox's requests
 * and world can be inspected), or served by someone else at a given URL (bench/).
 */
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { Promotion, Runbook } from '../core/runbook/schema.js';
import { APP_PREFIX } from '../sandbox/app-prefix.js';
import type { AwsProcessOptions } from '../sandbox/aws-process.js';
import type { Sandbox } from '../sandbox/index.js';
import type { RehearsalEndpoints } from '../sandbox/rehearsal-aws.js';
import type { Clock } from '../services/clock.js';

export interface RehearsalAwsHandle {
  endpoints: RehearsalEndpoints;
  /** Only when the sandbox runs in this process. */
  sandbox?: Sandbox;
  /** Only when it runs in a child process. */
  pid?: number;
  close(): Promise<void>;
}

export interface PlaceOptions {
  runbook: Runbook;
  runbookFile: string;
  promotion: Promotion;
  scenario: string;
  seed?: number;
  clock: Clock;
  /** Epoch ms at which `clock` read `clockStart`. */
  wallAt: number;
  clockStart: number;
  /** Start the DynamoDB and S3 emulators (default; not needed when the AWS CLI stand-in answers). */
  emulators?: boolean;
  /** Where the emulators keep their data: the session folder, so a resumed rehearsal sees it. */
  emulatorDataDir?: string;
}

export async function inThisProcess(options: PlaceOptions): Promise<RehearsalAwsHandle> {
  const { startRehearsalAws } = await import('../sandbox/rehearsal-aws.js');
  const aws = await startRehearsalAws({
    clock: options.clock,
    runbook: options.runbook,
    promotion: options.promotion,
    scenario: options.scenario,
    seed: options.seed,
    emulators: options.emulators,
    emulatorDataDir: options.emulatorDataDir,
  });
  return { endpoints: aws.endpoints, sandbox: aws.sandbox, close: () => aws.close() };
}

/** A sandbox another process serves: loopback only, never closed here, no emulators. */
export function servedAt(sandboxUrl: string): RehearsalAwsHandle {
  const url = sandboxUrl.replace(/\/+$/, '');
  return {
    endpoints: { sandboxUrl: url, appUrl: `${url}${APP_PREFIX}` },
    close: async () => {},
  };
}

/** The built entry of the child: dist/sandbox/aws-process.js, also when this module runs from src/. */
function entry(): string {
  return fileURLToPath(new URL('../sandbox/aws-process.js', import.meta.url)).replace(
    /([\\/])src([\\/]sandbox[\\/]aws-process\.js)$/,
    '$1dist$2',
  );
}

export async function inChildProcess(options: PlaceOptions): Promise<RehearsalAwsHandle> {
  const args: AwsProcessOptions = {
    runbookFile: options.runbookFile,
    promotionId: options.promotion.id,
    scenario: options.scenario,
    seed: options.seed,
    speed: options.clock.speed,
    clockStart: options.clockStart,
    wallAt: options.wallAt,
    emulators: options.emulators,
    emulatorDataDir: options.emulatorDataDir,
  };
  // A small young generation: the sandbox's garbage is short-lived (bin/conductor.js says why).
  const child = execa(process.execPath, ['--max-semi-space-size=2', entry(), JSON.stringify(args)], {
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'ignore',
    detached: true,
    cleanup: false,
    reject: false,
    buffer: false,
    env: { NODE_ENV: 'production' },
  });
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\n');
      if (end >= 0) {
        child.stdout?.off('data', onData);
        resolve(text.slice(0, end));
      }
    };
    child.stdout?.on('data', onData);
    void child.then((result) =>
      reject(
        new Error(
          `the rehearsal's AWS process exited before it served (${result.exitCode ?? result.signal})`,
        ),
      ),
    );
  });
  const answer = JSON.parse(line) as RehearsalEndpoints & { error?: string };
  if (answer.error) {
    child.kill();
    throw new Error(`the rehearsal's AWS process did not start: ${answer.error}`);
  }
  let closing: Promise<void> | undefined;
  return {
    endpoints: answer,
    pid: child.pid,
    close() {
      closing ??= (async () => {
        child.stdin?.end();
        const killer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await child;
        clearTimeout(killer);
      })();
      return closing;
    },
  };
}
