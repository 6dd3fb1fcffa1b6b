import { resolve } from 'node:path';
import { releaseReport } from '../core/templates/report.js';
import { safeText } from '../core/text/safe-text.js';
import { UserError } from '../errors.js';
import {
  localUtcOffsetMinutes,
  ReportInputError,
  readSessionForReport,
  writePrivateFile,
} from '../services/report/index.js';
import { SessionStore } from '../services/store/session-store.js';
import { printErr, printOut } from './print.js';

export interface ReportCommandOptions {
  format?: string;
  output?: string;
  home?: string;
}

/**
 * `conductor report ID [--format md|json] [-o FILE]`. A journal whose chain does not verify still
 * gets its report (it says so at the top), and the command fails with exit 1 so a script notices.
 */
export async function reportCommand(id: string, options: ReportCommandOptions = {}): Promise<number> {
  const format = options.format ?? 'md';
  if (format !== 'md' && format !== 'json')
    throw new UserError(`--format must be md or json, not "${format}".`, 2);
  const store = new SessionStore(options.home);
  let inputs: ReturnType<typeof readSessionForReport>;
  try {
    inputs = readSessionForReport(store, id);
  } catch (error) {
    if (error instanceof ReportInputError) throw new UserError(error.message, 2);
    throw error;
  }
  const report = releaseReport(inputs.runbook, inputs.state, {
    chain: inputs.chain,
    now: Date.now(),
    utcOffsetMinutes: localUtcOffsetMinutes(inputs.state.meta.createdAt),
    runbookHashNow: inputs.runbookHashNow,
  });
  // The file is read in a terminal too (cat, less -R): it gets the same filter as stdout.
  const text = safeText(format === 'json' ? `${JSON.stringify(report.json, null, 2)}\n` : report.markdown);
  if (options.output) {
    const file = resolve(options.output);
    try {
      writePrivateFile(file, text);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new UserError(`Cannot write ${file} (${reason}): choose a file in a folder you can write to.`, 1);
    }
    printOut(`Wrote the ${format} report of session ${id} to ${file}.\n`);
  } else {
    printOut(text);
  }
  if (!inputs.chain.ok) {
    printErr(
      `conductor: the journal of session ${id} does not verify (${inputs.chain.message}); the report shows only the ${inputs.chain.events} events before the break.\n`,
    );
    return 1;
  }
  return 0;
}
