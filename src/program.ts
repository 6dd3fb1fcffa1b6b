import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { safeText } from './core/text/safe-text.js';
import { UserError } from './errors.js';

// Nothing heavy at the top: Ink, React and the AWS clients are imported by the command that
// needs them, so `conductor --version` and `conductor validate` start fast.

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('conductor')
    .description('Conduct a DEV -> SIT -> PROD promotion runbook: checklists, gates, canary, rollback.')
    .version(pkg.version, '-v, --version')
    .option('--debug', 'show stack traces on failure')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('validate')
    .description('check a runbook file and print a one-line summary')
    .argument('<file>', 'runbook YAML file')
    .option('--plan', 'also print the phases and steps of every promotion')
    .action(async (file: string, options: { plan?: boolean }) => {
      const { validateCommand } = await import('./commands/validate.js');
      process.exitCode = await validateCommand(file, options);
    });

  program
    .command('schema')
    .description('print the JSON Schema of the runbook format (for editor completion)')
    .action(async () => {
      const { schemaCommand } = await import('./commands/schema.js');
      process.exitCode = await schemaCommand();
    });

  program
    .command('rehearse')
    .description('run a whole promotion against the built-in AWS sandbox on an accelerated clock')
    .option('--scenario <name>', 'sandbox scenario (see `conductor sandbox --help`)', 'healthy')
    .option('--speed <n>', 'clock speed-up: 60 turns a 15-minute stage into 15 seconds', '60')
    .option('--autopilot', 'confirm manual items and record approvals with rehearsal stand-ins')
    .option('--runbook <file>', 'runbook file', 'runbooks/bbws.yaml')
    .option('--promotion <id>', 'promotion edge', 'sit-to-prod')
    // Hidden, for bench/: a sandbox served by another process (loopback only) on a shared clock.
    .addOption(new Option('--sandbox-url <url>').hideHelp())
    .addOption(new Option('--clock-start <ms@wallMs>').hideHelp())
    .action(async (options) => {
      const { rehearseCommand } = await import('./commands/rehearse.js');
      process.exitCode = await rehearseCommand(options);
    });

  program
    .command('start')
    .description('start a promotion against the real AWS accounts of the runbook')
    .option('--runbook <file>', 'runbook file', 'runbooks/bbws.yaml')
    .option('--promotion <id>', 'promotion edge', 'sit-to-prod')
    .action(async (options: { runbook: string; promotion: string }) => {
      const { startCommand } = await import('./commands/start.js');
      process.exitCode = await startCommand(options);
    });

  program
    .command('resume')
    .description("attach to a session's engine, or take the session up again where it stopped")
    .argument('[id]', 'session id (default: the one with traffic shifted or an engine guarding it)')
    .action(async (id: string | undefined) => {
      const { resumeCommand } = await import('./commands/resume.js');
      process.exitCode = await resumeCommand(id);
    });

  program
    .command('watch')
    .description('a read-only live view of a session its engine drives or guards (for a second person)')
    .argument('[id]', 'session id (default: the one an engine is guarding)')
    .action(async (id: string | undefined) => {
      const { watchCommand } = await import('./commands/watch.js');
      process.exitCode = await watchCommand(id);
    });

  // The engine of one session, started by rehearse/start/resume in a process of its own.
  program
    .command('__engine', { hidden: true })
    .argument('<spec>', 'what to drive (JSON)')
    .action(async (spec: string) => {
      const { engineCommand } = await import('./commands/engine.js');
      process.exitCode = await engineCommand(spec);
    });

  program
    .command('abandon')
    .description(
      'end a stopped session nobody drives (NO-GO, halted), with its reason; never with traffic shifted',
    )
    .argument('<id>', 'session id')
    .requiredOption('--reason <text>', 'why the session ends here (journaled, in the report)')
    .action(async (id: string, options: { reason: string }) => {
      const { abandonCommand } = await import('./commands/abandon.js');
      process.exitCode = await abandonCommand(id, options);
    });

  program
    .command('sessions')
    .description('list sessions, newest first')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { sessionsCommand } = await import('./commands/sessions.js');
      process.exitCode = await sessionsCommand(options);
    });

  program
    .command('status')
    .description('show where a session is: step, traffic split, verdicts, pending approvals')
    .argument('<id>', 'session id')
    .option('--json', 'machine-readable output')
    .action(async (id: string, options: { json?: boolean }) => {
      const { statusCommand } = await import('./commands/sessions.js');
      process.exitCode = await statusCommand(id, options);
    });

  program
    .command('repair')
    .description('cut a damaged journal back to its verified part (the rest is saved beside it)')
    .argument('<id>', 'session id')
    .action(async (id: string) => {
      const { repairCommand } = await import('./commands/repair.js');
      process.exitCode = await repairCommand(id);
    });

  program
    .command('report')
    .description('write the approval record and the release report of a session')
    .argument('<id>', 'session id')
    .option('--format <format>', 'md or json', 'md')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (id: string, options: import('./commands/report.js').ReportCommandOptions) => {
      const { reportCommand } = await import('./commands/report.js');
      process.exitCode = await reportCommand(id, options);
    });

  program
    .command('sandbox')
    .description('run the AWS sandbox alone, so any AWS client can be pointed at it')
    .option('--port <port>', 'port on 127.0.0.1', '4566')
    .option('--scenario <name>', 'sandbox scenario', 'healthy')
    .option('--speed <n>', 'clock speed-up', '1')
    .option('--runbook <file>', 'runbook whose canary targets seed the sandbox', 'runbooks/bbws.yaml')
    .option('--promotion <id>', 'promotion edge (default: the first with a canary step)')
    .action(async (options: import('./commands/sandbox.js').SandboxCommandOptions) => {
      const { sandboxCommand } = await import('./commands/sandbox.js');
      process.exitCode = await sandboxCommand(options);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version arrive here with exit code 0; usage errors are bad input.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (error instanceof UserError) {
      process.stderr.write(`conductor: ${safeText(error.message)}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`conductor: ${safeText(message)}\n`);
    if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  }
}
