import { isAbsolute, resolve } from 'node:path';
import type { EvidenceValue } from '../../core/evidence/extract.js';
import { formatDuration } from '../../core/runbook/duration.js';
import type { CommandStep } from '../../core/runbook/schema.js';
import type { CommandGroupRecord } from '../../core/session/events.js';
import { collectEvidence } from './collect-evidence.js';
import { runCommand } from './run-command.js';

/** What a command step came to, in the shape the engine records (its WorkOutcome). */
export interface StepWorkOutcome {
  /**
   * The command succeeded (exit 0) and every evidence rule found its value. Evidence below its limits
   * does not fail the step: it is the go/no-go's to judge. Evidence that is missing or unreadable
   * does: nothing is assumed.
   */
  ok: boolean;
  /** One line for the checklist: the failure sentence or the exit code and duration, then the evidence. */
  detail: string;
  evidence: EvidenceValue[];
  exitCode?: number | null;
  durationMs: number;
  logFile?: string;
}

export interface CommandStepContext {
  /** ENVIRONMENT, AWS_PROFILE, AWS_REGION and rehearsal variables; the step's own env wins. */
  env: Record<string, string>;
  logFile: string;
  signal?: AbortSignal;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** The command's process started (see CommandRun.onStart). */
  onStart?: (group: CommandGroupRecord) => void;
  /** Folder that a step's relative cwd is resolved against; default process.cwd(). */
  baseDir?: string;
}

/** Run one command step for real and read its evidence. Never throws. */
export async function runCommandStep(
  step: CommandStep,
  context: CommandStepContext,
): Promise<StepWorkOutcome> {
  const baseDir = context.baseDir ?? process.cwd();
  const cwd = step.cwd ? (isAbsolute(step.cwd) ? step.cwd : resolve(baseDir, step.cwd)) : baseDir;
  const result = await runCommand({
    argv: step.run,
    shell: step.shell,
    cwd,
    env: { ...context.env, ...step.env },
    timeoutMs: step.timeout,
    signal: context.signal,
    logFile: context.logFile,
    onLine: context.onLine,
    onStart: context.onStart,
  });
  const ran = result.exitCode !== null;
  const evidence = ran && step.evidence.length > 0 ? await collectEvidence(step.evidence, result, cwd) : [];
  const head = result.failure ?? `exit 0 in ${formatDuration(result.durationMs)}`;
  const missingEvidence = evidence.filter((value) => value.value === null).map((value) => value.detail);
  const failedEvidence = evidence
    .filter((value) => !value.ok && value.value !== null)
    .map((value) => value.detail);
  const passedEvidence = evidence.filter((value) => value.ok).map((value) => value.detail);
  // When the command itself succeeded, the missing evidence is why the step failed: it comes first.
  const reasons = result.failure ? [head, ...missingEvidence] : [...missingEvidence, head];
  const detail = [...reasons, ...failedEvidence, ...passedEvidence].join('; ');
  return {
    ok: result.exitCode === 0 && missingEvidence.length === 0,
    detail,
    evidence,
    exitCode: result.exitCode,
    durationMs: result.durationMs,
    logFile: context.logFile,
  };
}
