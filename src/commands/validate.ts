import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatProblem, parseRunbook } from '../core/runbook/parse.js';
import { describePlan, summarize } from '../core/runbook/plan.js';
import { signersFileProblems } from '../services/approvals/role-signers.js';
import { packagedDoc, packagedRunbook } from '../services/package-files.js';
import { printErr, printOut } from './print.js';

/** `conductor validate [FILE]`: the packaged runbook when no file is given. */
export async function validateCommand(
  given: string | undefined,
  options: { plan?: boolean },
): Promise<number> {
  const file = given ?? packagedRunbook();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    printErr(
      code === 'ENOENT'
        ? `${file}: no such runbook file.\n`
        : code === 'EISDIR'
          ? `${file}: is a directory; give the path of a runbook YAML file.\n`
          : `${file}: cannot be read (${code ?? 'unknown error'}).\n`,
    );
    return 2;
  }
  const result = parseRunbook(text, file, packagedDoc('runbook-format.md'));
  if (!result.ok) {
    for (const problem of result.problems) printErr(`${formatProblem(problem)}\n`);
    return 2;
  }
  const signers = signersFileProblems(result.runbook, resolve(file));
  if (signers.length > 0) {
    for (const problem of signers) printErr(`${problem}\n`);
    return 2;
  }
  printOut(`${file}: ${summarize(result.runbook)}\n`);
  if (options.plan) printOut(describePlan(result.runbook));
  return 0;
}
