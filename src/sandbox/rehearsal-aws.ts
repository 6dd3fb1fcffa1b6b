/**
 * Everything a rehearsal stands up in place of AWS: the sandbox (CloudWatch, Lambda, API Gateway,
 * STS and the application) and, for the runbook's own DynamoDB and S3 commands, the emulators with
 * the tables and buckets those commands name. The emulators are optional: when their packages are
 * not installed (an install without optional dependencies) or they cannot start (dynalite's native
 * storage has no build for this platform) the rehearsal says why and the AWS CLI stand-in answers
 * those commands instead.
 */
import type { Promotion } from '../core/runbook/schema.js';
import { resourcesNamedBy } from './emulated-resources.js';
import { type Emulators, EmulatorsNotInstalled, startEmulators } from './emulators.js';
import { SANDBOX_CREDENTIALS, type Sandbox, type SandboxOptions, startSandbox } from './index.js';

/** Where each part listens: all loopback. */
export interface RehearsalEndpoints {
  sandboxUrl: string;
  appUrl: string;
  dynamodbUrl?: string;
  s3Url?: string;
  /** Why the emulators are not there, when they are not. */
  emulatorProblem?: string;
}

export interface RehearsalAws {
  sandbox: Sandbox;
  endpoints: RehearsalEndpoints;
  close(): Promise<void>;
}

async function startSeededEmulators(
  options: SandboxOptions,
  promotion: Promotion,
  dataDir: string | undefined,
): Promise<{ emulators?: Emulators; problem?: string }> {
  let emulators: Emulators | undefined;
  try {
    emulators = await startEmulators(SANDBOX_CREDENTIALS, { dataDir });
    const { tables, buckets } = resourcesNamedBy(options.runbook, promotion);
    for (const table of tables) await emulators.createTable(table.name, table.key);
    for (const bucket of buckets) await emulators.createBucket(bucket);
    return { emulators };
  } catch (error) {
    await emulators?.close();
    // Not installed is a choice (a production install), not a failure: said as such, with the remedy.
    if (error instanceof EmulatorsNotInstalled) return { problem: error.message };
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { problem: `the DynamoDB and S3 emulators did not start (${reason})` };
  }
}

export async function startRehearsalAws(
  options: SandboxOptions & {
    promotion: Promotion;
    emulators?: boolean;
    /** Where the emulators keep their data (the session folder): a resumed rehearsal sees it again. */
    emulatorDataDir?: string;
  },
): Promise<RehearsalAws> {
  const sandbox = await startSandbox({ ...options, promotionId: options.promotion.id });
  // Without them (the AWS CLI stand-in answers every aws command) there is nothing to start.
  const { emulators, problem } =
    options.emulators === false
      ? {}
      : await startSeededEmulators(options, options.promotion, options.emulatorDataDir);
  return {
    sandbox,
    endpoints: {
      sandboxUrl: sandbox.url,
      appUrl: sandbox.appUrl,
      dynamodbUrl: emulators?.dynamodbUrl,
      s3Url: emulators?.s3Url,
      emulatorProblem: problem,
    },
    async close() {
      await Promise.allSettled([sandbox.close(), emulators?.close()]);
    },
  };
}
