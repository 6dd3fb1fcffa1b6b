import type { Input } from './input.js';
import { num, str } from './input.js';
import type { World } from './world.js';

/**
 * CloudWatch Logs (JSON 1.1, X-Amz-Target Logs_20140328.*): the log group each of the world's Lambda
 * functions writes to, so a runbook's "log groups present" check (seed 4.2 step 8) finds them.
 */
export const LOGS_TARGET_PREFIX = 'Logs_20140328.';

const DAY = 86_400_000;

function describeLogGroups(world: World, input: Input) {
  const prefix = str(input.logGroupNamePrefix) ?? '';
  const limit = Math.min(Math.max(num(input.limit) ?? 50, 1), 50);
  const groups = [...world.functions.keys()]
    .map((name) => `/aws/lambda/${name}`)
    .filter((name) => name.startsWith(prefix))
    .sort()
    .slice(0, limit)
    .map((logGroupName) => ({
      logGroupName,
      creationTime: world.startedAt - 90 * DAY,
      retentionInDays: 30,
      metricFilterCount: 0,
      arn: `arn:aws:logs:${world.region}:${world.accountId}:log-group:${logGroupName}:*`,
      storedBytes: 1_048_576,
    }));
  return { logGroups: groups };
}

export const LOGS_OPERATIONS: Record<string, (world: World, input: Input) => unknown> = {
  DescribeLogGroups: describeLogGroups,
};
