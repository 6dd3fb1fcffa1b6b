import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Variables } from '../core/runbook/interpolate.js';
import type { CanaryStep, Environment, Promotion, Runbook } from '../core/runbook/schema.js';
import { findPromotion } from '../core/session/selectors.js';
import { Conductor } from '../engine/conductor.js';
import type { AwsPort, NotifyPort } from '../engine/ports.js';
import { UserError } from '../errors.js';
import { type Clock, trackedBy } from '../services/clock.js';
import { acquireLock, type HeldLock } from '../services/lock.js';
import { slackNotifier } from '../services/notify/notifier.js';
import type { OpenedJournal, SessionStore } from '../services/store/session-store.js';
import { createAwsPort } from './aws-port.js';
import type { LoadedRunbook } from './runbook-file.js';
import { createWorkPort } from './work-port.js';

export { type LoadedRunbook, loadRunbook } from './runbook-file.js';

export function promotionOf(runbook: Runbook, id: string, file: string): Promotion {
  const promotion = findPromotion(runbook, id);
  if (!promotion)
    throw new UserError(
      `${file} has no promotion "${id}": use one of ${runbook.promotions.map((p) => p.id).join(', ')}.`,
    );
  return promotion;
}

export function canaryOf(promotion: Promotion): CanaryStep | undefined {
  for (const phase of promotion.phases)
    for (const step of phase.steps) if (step.kind === 'canary') return step;
  return undefined;
}

/**
 * A session's files, under its lock: the journal of `sessionId` (resume) or of a new session
 * created at `now`, and its private work folder. The lock comes first: a guard still writing
 * must hand over before the journal is read.
 */
export async function openSessionFiles(
  store: SessionStore,
  sessionId: string | undefined,
  now: number,
): Promise<{ journal: OpenedJournal; lock: HeldLock; workDir: string }> {
  const early = sessionId ? await acquireLock(store.dir(sessionId), { handover: true }) : undefined;
  const journal = sessionId ? store.open(sessionId, () => now) : store.create(now);
  const lock = early ?? (await acquireLock(journal.dir, { handover: true }));
  const workDir = join(journal.dir, 'work');
  mkdirSync(workDir, { recursive: true, mode: 0o700 });
  return { journal, lock, workDir };
}

export interface RuntimeOptions {
  loaded: LoadedRunbook;
  promotion: Promotion;
  store: SessionStore;
  journal: OpenedJournal;
  clock: Clock;
  conductor: string;
  autopilot?: boolean;
  metricsSince?: number;
  /** AWS endpoint override (the sandbox) and credentials (fake in a rehearsal, one set per environment). */
  endpoint?: string;
  credentials?: AwsCredentialIdentity | ((env: Environment) => AwsCredentialIdentity);
  /** Values that override the runbook's (a rehearsal's baseUrl is the sandbox). */
  variables?: (env: Environment) => Variables;
  commandEnv?: (env: Environment) => Record<string, string>;
  path?: string;
  rehearsal?: boolean;
  cwd?: string;
}

/** Build a Conductor on the real services for one session. */
export function buildConductor(options: RuntimeOptions): Conductor {
  const { loaded, promotion, clock } = options;
  const canary = canaryOf(promotion);
  const ports = new Map<string, AwsPort>();
  let conductor: Conductor | undefined;
  const aws = (env: Environment): AwsPort => {
    let port = ports.get(env.id);
    if (!port) {
      const built = createAwsPort({
        env,
        canary,
        clock,
        endpoint: options.endpoint,
        credentials:
          typeof options.credentials === 'function' ? options.credentials(env) : options.credentials,
        // Journaled once per distinct error with its count, never once per retry (engine/retry.ts).
        // Inside the SDK's retry loop: a journal that cannot take it must not fail the call too.
        onRetry: (info) => {
          try {
            conductor?.recordRetry(info);
          } catch {
            // the engine says the journal failed (commands/engine.ts)
          }
        },
      });
      port = trackedBy(clock, built);
      ports.set(env.id, port);
    }
    return port;
  };
  // A rehearsal never reaches a real channel unless CONDUCTOR_REHEARSAL_WEBHOOKS=1 asks for it.
  const notify: NotifyPort = trackedBy(clock, slackNotifier({ rehearsal: options.rehearsal }));
  conductor = new Conductor({
    runbook: loaded.runbook,
    runbookFile: loaded.file,
    promotion,
    store: options.store,
    journal: options.journal,
    clock,
    aws,
    // What the engine awaits of the outside world, known to its clock (services/clock.ts trackedBy).
    work: trackedBy(
      clock,
      createWorkPort({
        cwd: options.cwd ?? join(options.journal.dir, 'work'),
        path: options.path,
        rehearsal: options.rehearsal,
      }),
    ),
    notify,
    conductor: options.conductor,
    autopilot: options.autopilot,
    metricsSince: options.metricsSince,
    variables: options.variables,
    commandEnv: options.commandEnv,
  });
  return conductor;
}
