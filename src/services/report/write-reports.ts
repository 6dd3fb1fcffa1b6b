import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { approvalRecord } from '../../core/templates/approval-record.js';
import { releaseReport } from '../../core/templates/report.js';
import type { SessionStore } from '../store/session-store.js';
import { REPORT_FILES } from './report-files.js';
import { localUtcOffsetMinutes, readSessionForReport } from './session-report.js';

export { REPORT_FILES };

/** A file only its owner reads: reports name accounts, approvers and ticket numbers. */
export function writePrivateFile(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  // The mode above applies only when the file is created; a rewrite keeps whatever it had.
  chmodSync(file, 0o600);
}

export interface WriteReportsOptions {
  now?: number;
  utcOffsetMinutes?: number;
}

/**
 * Write the approval record (seed 6.4), report.md and report.json into the session's folder.
 * Called when a session ends, and again whenever asked: each call rewrites all three.
 */
export async function writeSessionReports(
  store: SessionStore,
  id: string,
  options: WriteReportsOptions = {},
): Promise<{ files: string[]; chainOk: boolean }> {
  const inputs = readSessionForReport(store, id);
  const now = options.now ?? Date.now();
  const utcOffsetMinutes = options.utcOffsetMinutes ?? localUtcOffsetMinutes(inputs.state.meta.createdAt);
  const report = releaseReport(inputs.runbook, inputs.state, {
    chain: inputs.chain,
    now,
    utcOffsetMinutes,
    runbookHashNow: inputs.runbookHashNow,
  });
  const dir = store.dir(id);
  const files = [
    join(dir, REPORT_FILES.approvalRecord),
    join(dir, REPORT_FILES.markdown),
    join(dir, REPORT_FILES.json),
  ];
  writePrivateFile(files[0], approvalRecord(inputs.runbook, inputs.state, { utcOffsetMinutes }));
  writePrivateFile(files[1], report.markdown);
  writePrivateFile(files[2], `${JSON.stringify(report.json, null, 2)}\n`);
  return { files, chainOk: inputs.chain.ok };
}
