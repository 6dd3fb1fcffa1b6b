import { formatDuration } from '../../core/runbook/duration.js';

/** The command as the runbook writes it, quoted where a shell would need quotes. */
export function describeCommand(argv: string[]): string {
  return argv
    .map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`))
    .join(' ');
}

export interface FailureFacts {
  argv: string[];
  shell: boolean;
  exitCode: number | null;
  timedOut: boolean;
  canceled: boolean;
  timeoutMs: number;
  /** errno code when the process could not be started at all (ENOENT, EACCES...). */
  spawnErrorCode?: string;
  spawnErrorMessage?: string;
  signal?: string;
  output: string;
  cwd?: string;
}

/** The tool a shell said it could not find ("sh: 1: terraform: not found", "bash: terraform: command not found"). */
function toolMissingInShell(output: string): string | undefined {
  const match = /(?:^|\n)[^\n]*?:\s*([^\s:]+): (?:command )?not found/.exec(output);
  return match?.[1];
}

/** One sentence saying why the command did not succeed, or undefined when it did. */
export function failureSentence(facts: FailureFacts): string | undefined {
  const shown = facts.shell ? facts.argv.join(' ') : describeCommand(facts.argv);
  const tool = facts.shell ? (facts.argv.join(' ').trim().split(/\s+/)[0] ?? '') : facts.argv[0];
  if (facts.canceled) return `\`${shown}\` was canceled and its processes were stopped.`;
  if (facts.timedOut) {
    return `\`${shown}\` did not finish within ${formatDuration(facts.timeoutMs)} and was stopped.`;
  }
  if (facts.spawnErrorCode === 'ENOENT') {
    return `${tool} is not installed or not on PATH (the runbook runs \`${shown}\`).`;
  }
  if (facts.spawnErrorCode === 'EACCES') {
    return `${tool} cannot be run: permission denied (the runbook runs \`${shown}\`).`;
  }
  if (facts.spawnErrorCode) {
    return `\`${shown}\` could not be started (${facts.spawnErrorCode}${facts.spawnErrorMessage ? `: ${facts.spawnErrorMessage}` : ''}).`;
  }
  if (facts.shell && facts.exitCode === 127) {
    const missing = toolMissingInShell(facts.output) ?? tool;
    return `${missing} is not installed or not on PATH (the runbook runs \`${shown}\`).`;
  }
  if (facts.exitCode === 0) return undefined;
  if (facts.exitCode === null && facts.signal) return `\`${shown}\` was killed by ${facts.signal}.`;
  return `\`${shown}\` failed with exit code ${facts.exitCode}.`;
}
