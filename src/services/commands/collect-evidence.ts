import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import {
  DEFAULT_EVIDENCE_PATHS,
  type EvidenceValue,
  evidenceFromCobertura,
  evidenceFromJson,
  evidenceFromRegex,
  evidenceFromTestSummary,
  evidenceMissing,
  judgeEvidence,
} from '../../core/evidence/extract.js';
import type { EvidenceRule } from '../../core/runbook/schema.js';
import type { CommandResult } from './run-command.js';

/** File systems keep mtimes coarsely; a report written in the run's first instant must still count. */
const MTIME_SLACK_MS = 2_000;

async function fromFile(rule: EvidenceRule, from: 'json' | 'cobertura', result: CommandResult, cwd: string) {
  const relative = rule.path ?? DEFAULT_EVIDENCE_PATHS[from];
  const file = isAbsolute(relative) ? relative : join(cwd, relative);
  let text: string;
  try {
    const info = await stat(file);
    // A report left over from an earlier run is not evidence of this one.
    if (result.startedAt !== undefined && info.mtimeMs < result.startedAt - MTIME_SLACK_MS) {
      return evidenceMissing(
        rule,
        `${relative} was not written by this run (it is older than the command), so it is not evidence`,
      );
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return evidenceMissing(rule, `${relative} was not found in ${cwd} after the command ran`);
    return evidenceMissing(rule, `${relative} in ${cwd} could not be read (${code ?? String(error)})`);
  }
  const value = from === 'json' ? evidenceFromJson(rule, text) : evidenceFromCobertura(rule, text);
  if (value === null) {
    const where = from === 'json' ? ` at ${rule.pointer ?? 'total.lines.pct'}` : ' (line-rate of <coverage>)';
    return evidenceMissing(rule, `${relative} holds no number${where}`);
  }
  return judgeEvidence(rule, value);
}

/**
 * Read each evidence rule's number from what the command left: report files in its cwd (json,
 * cobertura) or its output (regex, test-summary), and judge it against the runbook's limits.
 */
export async function collectEvidence(
  rules: EvidenceRule[],
  result: CommandResult,
  cwd: string,
): Promise<EvidenceValue[]> {
  return Promise.all(
    rules.map(async (rule): Promise<EvidenceValue> => {
      switch (rule.from) {
        case 'json':
        case 'cobertura':
          return fromFile(rule, rule.from, result, cwd);
        case 'regex': {
          const value = evidenceFromRegex(rule, result.output);
          return value === null
            ? evidenceMissing(rule, `the output has no match for /${rule.pattern ?? ''}/`)
            : judgeEvidence(rule, value);
        }
        case 'test-summary': {
          const value = evidenceFromTestSummary(rule, result.output);
          return value === null
            ? evidenceMissing(
                rule,
                'the output has no test summary from a known runner (pytest, jest, vitest, mocha, go, node)',
              )
            : judgeEvidence(rule, value);
        }
      }
    }),
  );
}
