import { readFile } from 'node:fs/promises';
import { formatProblem, parseRunbook } from '../core/runbook/parse.js';
import { describePlan, summarize } from '../core/runbook/plan.js';
import { printErr, printOut } from './print.js';

export async function validateCommand(file: string, options: { plan?: boolean }): Promise<number> {
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
  const result = parseRunbook(text, file);
  if (!result.ok) {
    for (const problem of result.problems) printErr(`${formatProblem(problem)}\n`);
    return 2;
  }
  printOut(`${file}: ${summarize(result.runbook)}\n`);
  if (options.plan) printOut(describePlan(result.runbook));
  return 0;
}
