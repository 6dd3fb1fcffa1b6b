import { readFileSync } from 'node:fs';
import { parseRunbook } from '../../../src/core/runbook/parse.js';
import type { CanaryStep, Runbook } from '../../../src/core/runbook/schema.js';
import { SANDBOX_CREDENTIALS, type Sandbox, startSandbox } from '../../../src/sandbox/index.js';
import {
  type AwsClientOptions,
  type AwsClients,
  createAwsClients,
} from '../../../src/services/aws/clients.js';
import { acceleratedClock, type Clock } from '../../../src/services/clock.js';

export function seedRunbook(): Runbook {
  const parsed = parseRunbook(readFileSync('runbooks/bbws.yaml', 'utf8'), 'runbooks/bbws.yaml');
  if (!parsed.ok) throw new Error(`runbooks/bbws.yaml does not parse: ${JSON.stringify(parsed.problems[0])}`);
  return parsed.runbook;
}

export function canaryStepOf(runbook: Runbook): CanaryStep {
  for (const promotion of runbook.promotions) {
    for (const phase of promotion.phases) {
      for (const step of phase.steps) if (step.kind === 'canary') return step;
    }
  }
  throw new Error('the seed runbook has no canary step');
}

export interface Rehearsal {
  sandbox: Sandbox;
  clients: AwsClients;
  clock: Clock;
  canary: CanaryStep;
  close(): Promise<void>;
}

/** The sandbox on an accelerated clock, and the real SDK clients pointed at it. */
export async function rehearse(
  options: { scenario?: string; speed?: number; clients?: Partial<AwsClientOptions> } = {},
): Promise<Rehearsal> {
  const runbook = seedRunbook();
  const clock = acceleratedClock(options.speed ?? 60);
  const sandbox = await startSandbox({ clock, runbook, scenario: options.scenario });
  const clients = createAwsClients({
    region: sandbox.world.region,
    endpoint: sandbox.url,
    credentials: SANDBOX_CREDENTIALS,
    now: clock.now,
    ...options.clients,
  });
  return {
    sandbox,
    clients,
    clock,
    canary: canaryStepOf(runbook),
    async close() {
      clients.destroy();
      await sandbox.close();
    },
  };
}
