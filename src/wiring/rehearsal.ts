import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rehearsalPreviousVersion, rehearsalVersion } from '../core/gates/rehearsal-version.js';
import { startInputsProblem } from '../core/gates/start-inputs.js';
import { rehearsalTicket } from '../core/gates/ticket-example.js';
import type { Risk, Runbook } from '../core/runbook/schema.js';
import { awsStandinWarning } from '../core/session/aws-standin-warning.js';
import type { Conductor } from '../engine/conductor.js';
import { UserError } from '../errors.js';
import { rehearsalCredentialsFor, SANDBOX_CREDENTIALS } from '../sandbox/credentials.js';
import type { Sandbox } from '../sandbox/index.js';
import type { RehearsalEndpoints } from '../sandbox/rehearsal-aws.js';
import { findScenario, scenarioNames } from '../sandbox/scenarios.js';
import { standinNamesOf } from '../sandbox/standin-names.js';
import { standinEnv } from '../sandbox/standins/index.js';
import { assertLoopbackEndpoint } from '../services/aws/clients.js';
import { acceleratedClock, type Clock } from '../services/clock.js';
import type { HeldLock } from '../services/lock.js';
import { SessionStore } from '../services/store/session-store.js';
import { inChildProcess, inThisProcess, type RehearsalAwsHandle, servedAt } from './rehearsal-aws.js';
import { makeCommandFolders } from './rehearsal-checkout.js';
import { buildConductor, loadRunbook, openSessionFiles, promotionOf } from './session-runtime.js';

export interface RehearsalOptions {
  runbookFile: string;
  promotionId: string;
  scenario: string;
  speed: number;
  autopilot?: boolean;
  home?: string;
  conductor?: string;
  version?: string;
  risk?: Risk;
  ticket?: string;
  seed?: number;
  /** Where the accelerated clock starts (epoch ms); default the current minute. */
  clockStart?: number;
  /**
   * Where the stand-in for AWS runs: 'child' for the CLI (the app's process holds only the app),
   * this process by default (tests inspect the sandbox).
   */
  aws?: 'this-process' | 'child';
  /**
   * The rehearsal's clock, shared by the engine and a sandbox in this process; default an
   * accelerated clock at `speed` from `clockStart`. Tests pass a virtual one (test/support/test-clock.ts).
   */
  clock?: Clock;
  /**
   * Answer `aws` with the stand-in even when an AWS CLI is installed: for tests that are not about
   * the CLI (the real one takes about 0.4 s a call).
   */
  awsStandin?: boolean;
}

/** A sandbox another process serves (bench/): loopback only, never closed here. */
export interface ExternalSandbox {
  sandboxUrl: string;
}

/** A rehearsal whose sandbox may be served by another process (`sandboxUrl`). */
export interface RehearsalSession {
  conductor: Conductor;
  sandbox?: Sandbox;
  /** Where the stand-in for AWS listens (sandbox, application, DynamoDB and S3 emulators). */
  endpoints: RehearsalEndpoints;
  clock: Clock;
  store: SessionStore;
  lock: HeldLock;
  close(): Promise<void>;
}

export interface Rehearsal extends RehearsalSession {
  sandbox: Sandbox;
}

/**
 * An AWS config of the runbook's profiles with fake keys, so commands that name a profile
 * (`--profile bbws-prod`) run in a rehearsal, and only ever reach the sandbox.
 */
function writeRehearsalAwsConfig(dir: string, runbook: Runbook): { config: string; credentials: string } {
  const config = join(dir, 'aws-config');
  const credentials = join(dir, 'aws-credentials');
  const profiles = runbook.environments.filter((e) => e.profile);
  writeFileSync(config, profiles.map((e) => `[profile ${e.profile}]\nregion = ${e.region}\n`).join('\n'), {
    mode: 0o600,
  });
  writeFileSync(
    credentials,
    profiles
      .map(
        (e) =>
          `[${e.profile}]\naws_access_key_id = ${SANDBOX_CREDENTIALS.accessKeyId}\naws_secret_access_key = ${SANDBOX_CREDENTIALS.secretAccessKey}\n`,
      )
      .join('\n'),
    { mode: 0o600 },
  );
  return { config, credentials };
}

async function wire(
  options: RehearsalOptions & { sessionId?: string },
  external?: ExternalSandbox,
): Promise<RehearsalSession> {
  if (!(options.speed > 0)) throw new UserError(`--speed must be a positive number, got ${options.speed}.`);
  const loaded = await loadRunbook(options.runbookFile);
  const promotion = promotionOf(loaded.runbook, options.promotionId, options.runbookFile);
  if (!findScenario(options.scenario))
    throw new UserError(
      `Unknown sandbox scenario "${options.scenario}": use one of ${scenarioNames().join(', ')}.`,
    );
  // Minute-aligned, like CloudWatch's periods, so every judged window is whole minutes of the sandbox.
  if (options.clock && options.aws === 'child')
    throw new Error('a rehearsal clock of its own needs the sandbox in this process');
  const clockStart = options.clock?.now() ?? options.clockStart ?? Math.floor(Date.now() / 60_000) * 60_000;
  const wallAt = Date.now();
  const clock = options.clock ?? acceleratedClock(options.speed, clockStart);
  const place = {
    runbook: loaded.runbook,
    runbookFile: options.runbookFile,
    promotion,
    scenario: options.scenario,
    seed: options.seed,
    clock,
    clockStart,
    wallAt,
    emulators: options.awsStandin !== true,
  };
  // The session's files first: the emulators keep their data in its folder, so a resumed rehearsal
  // sees what its commands wrote (and, under the lock, the previous engine's emulators have let go).
  const store = new SessionStore(options.home);
  const { journal, lock: held, workDir } = await openSessionFiles(store, options.sessionId, clock.now());
  makeCommandFolders(workDir, promotion);
  let aws: RehearsalAwsHandle;
  try {
    const at = { ...place, emulatorDataDir: join(journal.dir, 'emulators') };
    aws = external
      ? servedAt(external.sandboxUrl)
      : options.aws === 'child'
        ? await inChildProcess(at)
        : await inThisProcess(at);
  } catch (error) {
    held.release();
    // A new session that never started leaves nothing behind.
    if (!options.sessionId) {
      journal.writer.close();
      rmSync(journal.dir, { recursive: true, force: true });
    }
    throw error;
  }
  // Whatever fails from here must not leave the stand-in for AWS running.
  try {
    const { sandboxUrl, appUrl, dynamodbUrl, s3Url } = aws.endpoints;
    // A rehearsal can never reach AWS: loopback endpoints and fake credentials only.
    assertLoopbackEndpoint(sandboxUrl);
    if (dynamodbUrl) assertLoopbackEndpoint(dynamodbUrl);
    if (s3Url) assertLoopbackEndpoint(s3Url);
    // Stand-ins first on PATH (terraform, pytest, npm, jira). An installed AWS CLI runs for real
    // against the sandbox and the emulators; the AWS CLI stand-in answers only when there is no
    // AWS CLI, or no emulators for its DynamoDB and S3 calls.
    const { PATH: path, ...standinVars } = standinEnv({
      scenario: options.scenario,
      clockSpeed: options.speed,
      forceAwsStandin: options.awsStandin === true || dynamodbUrl === undefined || s3Url === undefined,
      names: standinNamesOf(loaded.runbook, promotion),
    });
    const awsFiles = writeRehearsalAwsConfig(journal.dir, loaded.runbook);
    const conductor = buildConductor({
      loaded,
      promotion,
      store,
      journal,
      clock,
      conductor: options.conductor ?? process.env.USER ?? 'conductor',
      autopilot: options.autopilot,
      // A resumed rehearsal's sandbox is new: it has no metrics from before this moment.
      metricsSince: options.sessionId ? clockStart : undefined,
      endpoint: sandboxUrl,
      // Each environment's keys of its own: the sandbox's STS answers that environment's account.
      credentials: (env) => rehearsalCredentialsFor(env.id),
      rehearsal: true,
      cwd: workDir,
      path,
      variables: () => ({ baseUrl: appUrl }),
      commandEnv: () => ({
        AWS_ENDPOINT_URL: sandboxUrl,
        ...(dynamodbUrl && { AWS_ENDPOINT_URL_DYNAMODB: dynamodbUrl }),
        ...(s3Url && { AWS_ENDPOINT_URL_S3: s3Url }),
        AWS_CONFIG_FILE: awsFiles.config,
        AWS_SHARED_CREDENTIALS_FILE: awsFiles.credentials,
        AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
        ...standinVars,
        CONDUCTOR_REHEARSAL: '1',
      }),
    });
    return {
      conductor,
      sandbox: aws.sandbox,
      endpoints: aws.endpoints,
      clock,
      store,
      lock: held,
      async close() {
        conductor.stop();
        journal.writer.close();
        held.release();
        await aws.close();
      },
    };
  } catch (error) {
    await aws.close();
    throw error;
  }
}

export interface SessionFields {
  version: string;
  risk: Risk;
  ticket?: string;
  window?: { start: number; end: number };
}

/** A new rehearsal session: sandbox, accelerated clock, the real engine and services. */
export async function startRehearsal(options: RehearsalOptions & Partial<SessionFields>): Promise<Rehearsal>;
export async function startRehearsal(
  options: RehearsalOptions & Partial<SessionFields>,
  external: ExternalSandbox | undefined,
): Promise<RehearsalSession>;
export async function startRehearsal(
  options: RehearsalOptions & Partial<SessionFields>,
  external?: ExternalSandbox,
): Promise<RehearsalSession> {
  // The inputs are checked before anything exists: no journal, no sandbox, no notice.
  const loaded = await loadRunbook(options.runbookFile);
  const promotion = promotionOf(loaded.runbook, options.promotionId, options.runbookFile);
  // The autopilot types the runbook's own example ticket (or one made to match its pattern).
  let ticket = options.ticket;
  if (ticket === undefined) {
    const example = rehearsalTicket(loaded.runbook, promotion);
    if ('problem' in example) throw new UserError(example.problem);
    ticket = example.ticket;
  }
  const today = options.clockStart ?? Date.now();
  const fields = { version: options.version ?? rehearsalVersion(today), ticket, window: options.window };
  const problem = startInputsProblem(loaded.runbook, promotion, fields, today);
  if (problem) throw new UserError(problem);

  const rehearsal = await wire(options, external);
  const now = rehearsal.clock.now();
  rehearsal.conductor.create({
    ...fields,
    previousVersion: rehearsalPreviousVersion(now),
    risk: options.risk ?? 'medium',
    window: fields.window ?? rehearsalWindow(now, options.speed),
    rehearsal: { scenario: options.scenario, speed: options.speed },
    runbookText: loaded.text,
  });
  warnWithoutEmulators(rehearsal);
  return rehearsal;
}

/**
 * A rehearsal's maintenance window when none is given: 4 clock hours, or 30 real minutes at the
 * rehearsal's speed when that is longer. Real commands and load tests take real seconds, which the
 * accelerated clock multiplies (10 s of smoke test is 20 clock minutes at x120): on a slow or busy
 * machine a 4-hour window would close under a healthy rehearsal for reasons no release has.
 */
export function rehearsalWindow(now: number, speed: number): { start: number; end: number } {
  return { start: now - 60_000, end: now + Math.max(4 * 3_600_000, 30 * 60_000 * speed) };
}

/**
 * Said in the journal (and so on the screen), not hidden: the rehearsal then answers `aws` with its
 * stand-in, and what that leaves out is said with it.
 */
function warnWithoutEmulators(rehearsal: RehearsalSession): void {
  const problem = rehearsal.endpoints.emulatorProblem;
  if (!problem) return;
  rehearsal.conductor.dispatch({
    type: 'warning',
    at: rehearsal.clock.now(),
    message: awsStandinWarning(problem),
  });
}

/** The sandbox's admin endpoint moves the traffic as someone else would (never through the engine's port). */
async function moveTrafficBehindTheBack(
  sandboxUrl: string,
  change: { percentTraffic?: number; aliasWeight?: number },
): Promise<void> {
  assertLoopbackEndpoint(sandboxUrl);
  await fetch(`${sandboxUrl}/_sandbox/traffic`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(change),
    signal: AbortSignal.timeout(10_000),
  })
    .then((response) => response.body?.cancel())
    .catch(() => undefined);
}

/**
 * Resume a rehearsal session. The sandbox stood for AWS, which keeps its state while the
 * conductor is away: the new sandbox is put back in the split the journal recorded, then the
 * engine's own drift check reads it like it would read AWS.
 */
export async function resumeRehearsal(
  options: Omit<RehearsalOptions, 'scenario' | 'speed' | 'runbookFile' | 'promotionId'> & {
    sessionId: string;
  },
): Promise<RehearsalSession> {
  const store = new SessionStore(options.home);
  const events = store.readEvents(options.sessionId);
  const created = store.startOf(options.sessionId);
  if (!created.rehearsal)
    throw new UserError(
      `Session ${options.sessionId} is not a rehearsal: resume it with \`conductor resume\`.`,
    );
  const lastAt = events.at(-1)?.at ?? created.at;
  const rehearsal = await wire({
    ...options,
    runbookFile: created.runbookFile,
    promotionId: created.promotionId,
    scenario: created.rehearsal.scenario,
    speed: created.rehearsal.speed,
    sessionId: options.sessionId,
    clockStart: lastAt,
  });
  const { conductor } = rehearsal;
  const target = conductor.state.rollbackTarget;
  const state = conductor.state;
  if (target && state.status !== 'completed') {
    const port = conductor.awsFor();
    if (state.canary?.promoted && !state.rollback) await port.promote(target).catch(() => undefined);
    else if (state.recordedWeight > 0 && !state.rollback?.revertedAt) {
      await port.setCanaryWeight(target, state.recordedWeight).catch(() => undefined);
      // What the scenario says someone changed while the conductor was away (a drift to find).
      const away = findScenario(created.rehearsal.scenario)?.driftWhileAway;
      if (away) await moveTrafficBehindTheBack(rehearsal.endpoints.sandboxUrl, away);
    }
  }
  await conductor.resumed(rehearsal.lock.tookOverFrom, rehearsal.lock.warnings);
  warnWithoutEmulators(rehearsal);
  return rehearsal;
}
