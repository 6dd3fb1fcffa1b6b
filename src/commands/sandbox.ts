import { readFile } from 'node:fs/promises';
import { formatProblem, parseRunbook } from '../core/runbook/parse.js';
import type { Promotion } from '../core/runbook/schema.js';
import { UserError } from '../errors.js';
import { appRequestsOf } from '../sandbox/app-paths.js';
import { acceleratedClock, systemClock } from '../services/clock.js';
import { packagedDoc, packagedRunbook } from '../services/package-files.js';

export interface SandboxCommandOptions {
  port: string;
  scenario: string;
  speed: string;
  /** Default: the packaged runbook. */
  runbook?: string;
  promotion?: string;
}

/** Where the application answers, with the requests the runbook's checks and load tests make of it. */
export function applicationLine(appUrl: string, promotion: Promotion | undefined): string {
  const requests = promotion ? appRequestsOf(promotion) : [];
  return requests.length > 0
    ? `Application: ${appUrl} (the runbook asks for ${requests.join(', ')})`
    : `Application: ${appUrl} (the runbook's steps make no request of it)`;
}

/** `conductor sandbox`: serve the rehearsal sandbox on loopback until Ctrl-C. */
export async function sandboxCommand(options: SandboxCommandOptions): Promise<number> {
  const { SCENARIOS, startSandbox, SANDBOX_CREDENTIALS } = await import('../sandbox/index.js');
  if (!(options.scenario in SCENARIOS))
    throw new UserError(
      `Unknown scenario "${options.scenario}": use one of ${Object.keys(SCENARIOS).join(', ')}.`,
    );
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UserError(`--port must be a port number from 0 to 65535, got "${options.port}".`);
  const speed = Number(options.speed);
  if (!(speed > 0)) throw new UserError(`--speed must be a positive number, got "${options.speed}".`);

  const file = options.runbook ?? packagedRunbook();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError(`Cannot read the runbook ${file}: give one with --runbook FILE.`);
  }
  const parsed = parseRunbook(text, file, packagedDoc('runbook-format.md'));
  if (!parsed.ok) {
    for (const problem of parsed.problems) process.stderr.write(`${formatProblem(problem)}\n`);
    throw new UserError(`The runbook ${file} is not valid; fix the problems above.`);
  }

  const clock = speed === 1 ? systemClock : acceleratedClock(speed);
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox({
      port,
      scenario: options.scenario,
      clock,
      runbook: parsed.runbook,
      promotionId: options.promotion,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`Port ${port} is in use: pick another with --port.`);
    throw new UserError(error instanceof Error ? error.message : String(error));
  }
  const world = sandbox.world;
  const scenario = SCENARIOS[options.scenario];
  process.stdout.write(
    [
      `Sandbox listening on ${sandbox.url} (scenario ${options.scenario}: ${scenario.title}; clock x${speed})`,
      `Rehearsing promotion ${world.targets.promotionId} into ${world.targets.environmentId} (account ${world.accountId}, ${world.region}).`,
      applicationLine(
        sandbox.appUrl,
        parsed.runbook.promotions.find((p) => p.id === world.targets.promotionId),
      ),
      `State: ${sandbox.url}/_sandbox/state   Faults: POST ${sandbox.url}/_sandbox/faults   Move traffic: POST ${sandbox.url}/_sandbox/traffic`,
      '',
      'Point any AWS client at it with:',
      `  export AWS_ENDPOINT_URL=${sandbox.url}`,
      `  export AWS_ACCESS_KEY_ID=${SANDBOX_CREDENTIALS.accessKeyId}`,
      `  export AWS_SECRET_ACCESS_KEY=${SANDBOX_CREDENTIALS.secretAccessKey}`,
      `  export AWS_REGION=${world.region}`,
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sandbox.close();
  process.stdout.write('Sandbox stopped.\n');
  return 0;
}
