import { describe, expect, it } from 'vitest';
import { answeredByAwsStandin, awsStandinWarning } from '../../../src/core/session/aws-standin-warning.js';

describe('the warning that the AWS CLI stand-in answers a rehearsal', () => {
  const problem = 'DynamoDB and S3 emulators not installed (`npm install --include=optional` adds them)';

  it('says what is missing, what answers instead and what still reaches the sandbox', () => {
    expect(awsStandinWarning(problem)).toBe(
      "Rehearsal: DynamoDB and S3 emulators not installed (`npm install --include=optional` adds them); the runbook's aws commands get the AWS CLI stand-in's canned answers, the conductor's own AWS calls still reach the sandbox.",
    );
  });

  it('is recognised among the session warnings, and no other warning is taken for it', () => {
    expect(answeredByAwsStandin(['Slack is not configured', awsStandinWarning(problem)])).toBe(true);
    expect(answeredByAwsStandin([])).toBe(false);
    expect(answeredByAwsStandin(['Rehearsal: the clock runs at x300', 'Slack is not configured'])).toBe(
      false,
    );
  });
});
