import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { safeText } from './core/text/safe-text.js';
import { UserError } from './errors.js';
import { PACKAGED_RUNBOOK } from './services/package-files.js';

// Nothing heavy at the top: Ink, React and the AWS clients are imported by the command that
// needs them, so `conductor --version` and `conductor validate` start fast.

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Where --runbook comes from when not given: conductor's own folder, not the current directory. */
const PACKAGED_RUNBOOK_HELP = `the runbook shipped with conductor, ${PACKAGED_RUNBOOK} in its own folder`;

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
    .argument('[file]', `runbook YAML file (default: ${PACKAGED_RUNBOOK_HELP})`)
    .option('--plan', 'also print the phases and steps of every promotion')
    .action(async (file: string | undefined, options: { plan?: boolean }) => {
      const { validateCommand } = await import('./commands/validate.js');
      process.exitCode = await validateCommand(file, options);
    });

  program
    .command('init')
    .description("write a new team's first runbook from a few questions (each with a default)")
    .argument('[file]', 'runbook YAML file to write', 'runbook.yaml')
    .option('-y, --yes', 'ask nothing: write the defaults')
    .option('--force', 'overwrite the file if it exists')
    .action(async (file: string, options: { yes?: boolean; force?: boolean }) => {
      const { initCommand } = await import('./commands/init.js');
      process.exitCode = await initCommand(file, options);
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
    .option(
      '--autopilot',
      "confirm manual items and record approvals with rehearsal stand-ins; the release is today's v<YYYY.MM.DD>.1",
    )
    .option('--runbook <file>', `runbook file (default: ${PACKAGED_RUNBOOK_HELP})`)
    .option(
      '--promotion <id>',
      "promotion edge (default: the runbook's only promotion, else the first with a canary step)",
    )
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
    .option('--runbook <file>', `runbook file (default: ${PACKAGED_RUNBOOK_HELP})`)
    .option(
      '--promotion <id>',
      "promotion edge (default: the runbook's only promotion, else its only one with a canary step)",
    )
    .action(async (options: { runbook?: string; promotion?: string }) => {
      const { startCommand } = await import('./commands/start.js');
      process.exitCode = await startCommand(options);
    });

  program
    .command('resume')
    .description("attach to a session's engine, or take the session up again where it stopped")
    .argument('[id]', 'session id (default: the one with traffic shifted or an engine guarding it)')
    .option('--autopilot', "a rehearsal: let the autopilot's stand-ins answer (default: as the session was)")
    .option(
      '--no-autopilot',
      'a rehearsal started with --autopilot: take over by hand, the autopilot answers nothing',
    )
    .action(async (id: string | undefined, options: { autopilot?: boolean }) => {
      const { resumeCommand } = await import('./commands/resume.js');
      process.exitCode = await resumeCommand(id, { autopilot: options.autopilot });
    });

  program
    .command('watch')
    .description('a read-only live view of a session, driven, guarded or finished (for a second person)')
    .argument('[id]', 'session id (default: the one with traffic shifted or an engine, else the newest)')
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
    .option('--follow', 'one line per event as the journal grows (with --json, one JSON object per line)')
    .action(async (id: string, options: { json?: boolean; follow?: boolean }) => {
      if (options.follow) {
        const { followStatusCommand } = await import('./commands/status-follow.js');
        process.exitCode = await followStatusCommand(id, options);
        return;
      }
      const { statusCommand } = await import('./commands/sessions.js');
      process.exitCode = await statusCommand(id, options);
    });

  program
    .command('approve')
    .description(
      'sign an approval with your SSH key, on your own machine: prints a token for the conductor to paste',
    )
    .argument('<session>', 'session id (the conductor tells you)')
    .requiredOption('--role <role>', 'the role you approve as (a role id of the runbook, e.g. tech-lead)')
    .option('--comment <text>', 'what you say (required, as for any approval)')
    .option('--ref <text>', 'a ticket or Slack link')
    .option('--key <path>', 'your private key (or a public key held by the ssh-agent); default: the agent')
    // Not --version: that is the program's own option, wherever it is written.
    .option('--release <version>', 'the version promoted, when the session folder is not on this machine')
    .option('--env <env>', "the gate's environment id, when the session folder is not on this machine")
    .option('--runbook <file>', 'the runbook, to check the role and your key before signing (optional)')
    .option(
      '--name <name>',
      'your name as the runbook lists you (default: the signer of your key, else your login)',
    )
    .option(
      '--valid-for <duration>',
      "how long the token may be used (default: the gate's approval expiry, else 24h)",
    )
    .action(async (session: string, options: import('./commands/approve.js').ApproveCommandOptions) => {
      const { approveCommand } = await import('./commands/approve.js');
      process.exitCode = await approveCommand(session, options);
    });

  program
    .command('verify-approvals')
    .description("check a session's signed approvals again from its journal (exit 0 all good, 1 otherwise)")
    .argument('<session>', 'session id')
    .action(async (session: string) => {
      const { verifyApprovalsCommand } = await import('./commands/verify-approvals.js');
      process.exitCode = await verifyApprovalsCommand(session);
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
    .option(
      '--runbook <file>',
      `runbook whose canary targets seed the sandbox (default: ${PACKAGED_RUNBOOK_HELP})`,
    )
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
