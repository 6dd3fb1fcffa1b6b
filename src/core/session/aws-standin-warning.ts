/**
 * The warning a rehearsal writes when the runbook's `aws` commands are answered by the AWS CLI
 * stand-in (the DynamoDB and S3 emulators are not installed), and how a screen recognises it in
 * the session's warnings: built and read here only, so the header's badge and the journal's
 * sentence cannot drift apart.
 */

const STANDIN_ANSWERS = "the runbook's aws commands get the AWS CLI stand-in's canned answers";

/** `problem`: what is missing and how to add it, e.g. "DynamoDB and S3 emulators not installed (...)". */
export function awsStandinWarning(problem: string): string {
  return `Rehearsal: ${problem}; ${STANDIN_ANSWERS}, the conductor's own AWS calls still reach the sandbox.`;
}

/** Whether a session's warnings say its aws commands are answered by the stand-in. */
export function answeredByAwsStandin(warnings: readonly string[]): boolean {
  return warnings.some((warning) => warning.startsWith('Rehearsal: ') && warning.includes(STANDIN_ANSWERS));
}
