import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { formatProblem, parseRunbook } from '../core/runbook/parse.js';
import { summarize } from '../core/runbook/plan.js';
import { UserError } from '../errors.js';
import { packagedDoc, packageRoot } from '../services/package-files.js';
import { LinePrompt, PromptQuit, type PromptStreams } from './init-prompt.js';
import { acceptDefaults, askInitAnswers } from './init-questions.js';
import { runbookYaml } from './init-runbook.js';
import { printErr, printOut } from './print.js';

export interface InitOptions {
  /** Write the defaults without asking. */
  yes?: boolean;
  /** Replace an existing file. */
  force?: boolean;
}

export const DEFAULT_INIT_FILE = 'runbook.yaml';

/** Where the generated file's first line points the YAML language server: the schema shipped with conductor. */
function schemaPathFor(file: string): string {
  const schema = join(packageRoot(), 'docs', 'runbook.schema.json');
  const rel = relative(dirname(resolve(file)), schema);
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** Bad input found before a question is asked: the file exists, or its folder does not. */
function targetProblem(file: string, force: boolean): string | undefined {
  const folder = dirname(resolve(file));
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    return `${file}: the folder ${dirname(file)} does not exist; create it first or name another file.`;
  const existing = statSync(file, { throwIfNoEntry: false });
  if (existing?.isDirectory())
    return `${file} is a directory; name the runbook file to write, e.g. ${join(file, DEFAULT_INIT_FILE)}.`;
  if (existing && !force)
    return `${file} already exists; conductor init does not overwrite it unless given --force.`;
  return undefined;
}

/**
 * `conductor init [FILE]`: asks a new team a few questions (or takes every default with --yes) and
 * writes a runbook that validates and rehearses. Ctrl+c (or the end of the input) before the last
 * answer writes nothing.
 */
export async function initCommand(
  given: string | undefined,
  options: InitOptions,
  streams: PromptStreams = {
    input: process.stdin,
    output: process.stdout,
    terminal: Boolean(process.stdin.isTTY),
  },
): Promise<number> {
  const file = given ?? DEFAULT_INIT_FILE;
  const force = Boolean(options.force);
  const problem = targetProblem(file, force);
  if (problem) throw new UserError(problem, 2);

  let answers: Awaited<ReturnType<typeof askInitAnswers>>;
  if (options.yes) answers = await askInitAnswers(acceptDefaults);
  else {
    streams.output.write(
      `A new runbook in ${file}. Enter takes the answer in [brackets]; ctrl+c stops without writing.\n`,
    );
    const prompt = new LinePrompt(streams);
    try {
      answers = await askInitAnswers(prompt.ask);
    } catch (error) {
      if (error instanceof PromptQuit) {
        printErr(
          `\nconductor init: ${error.how === 'interrupted' ? 'stopped' : 'the input ended'} before the last question; nothing was written to ${file}.\n`,
        );
        return 2;
      }
      throw error;
    } finally {
      prompt.close();
    }
  }

  const text = runbookYaml(answers, schemaPathFor(file));
  // The same check `conductor validate` makes: what init writes must be a runbook conductor runs.
  const parsed = parseRunbook(text, file, packagedDoc('runbook-format.md'));
  if (!parsed.ok) {
    for (const p of parsed.problems) printErr(`${formatProblem(p)}\n`);
    printErr(
      `conductor init: the runbook made from these answers does not validate; ${file} was not written.\n`,
    );
    return 1;
  }
  try {
    // Without --force, `wx` also refuses a file that appeared while the questions were asked.
    await writeFile(file, text, { flag: force ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new UserError(
        `${file} already exists; conductor init does not overwrite it unless given --force.`,
        2,
      );
    throw new UserError(`${file}: cannot be written (${code ?? (error as Error).message}).`, 1);
  }
  printOut(
    [
      `Wrote ${file}: ${summarize(parsed.runbook)}.`,
      'Next:',
      `  conductor validate --plan ${file}`,
      `  conductor rehearse --runbook ${file} --autopilot`,
      `Its comments point to the sections of ${packagedDoc('runbook-format.md')}.`,
      '',
    ].join('\n'),
  );
  return 0;
}
