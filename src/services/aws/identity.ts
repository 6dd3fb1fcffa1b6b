import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { UserError } from '../../errors.js';
import { callAws } from './errors.js';

/** Who the credentials are: STS GetCallerIdentity, compared with nothing (the engine judges it). */
export async function callerIdentity(
  sts: STSClient,
  signal?: AbortSignal,
): Promise<{ account: string; arn: string }> {
  const answer = await callAws('sts', 'GetCallerIdentity', () =>
    sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal }),
  );
  return { account: answer.Account ?? '', arn: answer.Arn ?? '' };
}

/**
 * The identity guard: before touching an environment, the credentials must belong to that
 * environment's account. This is what stops a PROD change from landing in the wrong account.
 */
export async function verifyIdentity(
  sts: STSClient,
  expected: { accountId: string; envTitle: string },
  signal?: AbortSignal,
): Promise<{ account: string; arn: string }> {
  const { account, arn } = await callerIdentity(sts, signal);
  if (account !== expected.accountId) {
    throw new UserError(
      `Refusing to touch ${expected.envTitle}: the credentials are for account ${account || '(none)'}${arn ? ` (${arn})` : ''}, but ${expected.envTitle} is account ${expected.accountId}; switch to the profile of ${expected.envTitle} and try again.`,
    );
  }
  return { account, arn };
}
