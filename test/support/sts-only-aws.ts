import type { AwsPort } from '../../src/engine/ports.js';

const noAws = (): Promise<never> => Promise.reject(new Error('no AWS in these tests'));

/**
 * AWS for an engine test that touches no traffic: STS answers with the environment's own account
 * (identity before touch passes), and every other call is refused.
 */
export const stsOnlyAws = (env: { accountId: string }): AwsPort => ({
  verifyIdentity: async () => ({
    account: env.accountId,
    arn: `arn:aws:sts::${env.accountId}:assumed-role/t`,
  }),
  readRollbackTarget: noAws,
  readTrafficSplit: noAws,
  setCanaryWeight: noAws,
  promote: noAws,
  rollback: noAws,
  fetchMetrics: noAws,
  describeError: (error) => (error instanceof Error ? error.message : String(error)),
});
