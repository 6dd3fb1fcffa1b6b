import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { verifyIdentity } from '../../../src/services/aws/identity.js';
import { offlineClients, serviceError } from './fixtures.js';

const clients = offlineClients();
const sts = mockClient(clients.sts);
afterEach(() => sts.reset());

describe('verifyIdentity', () => {
  it('passes when the credentials belong to the environment account', async () => {
    sts.on(GetCallerIdentityCommand).resolves({
      Account: '123456789012',
      Arn: 'arn:aws:sts::123456789012:assumed-role/deployer/jo',
      UserId: 'AROA:jo',
    });
    await expect(
      verifyIdentity(clients.sts, { accountId: '123456789012', envTitle: 'PROD' }),
    ).resolves.toEqual({
      account: '123456789012',
      arn: 'arn:aws:sts::123456789012:assumed-role/deployer/jo',
    });
    expect(sts.commandCalls(GetCallerIdentityCommand)[0].args[0].input).toEqual({});
  });

  it('refuses another account, showing both ids', async () => {
    sts.on(GetCallerIdentityCommand).resolves({
      Account: '210987654321',
      Arn: 'arn:aws:sts::210987654321:assumed-role/deployer/jo',
    });
    const failure = await verifyIdentity(clients.sts, { accountId: '123456789012', envTitle: 'PROD' }).catch(
      (error) => error,
    );
    expect(failure).toBeInstanceOf(UserError);
    expect(failure.message).toBe(
      'Refusing to touch PROD: the credentials are for account 210987654321 (arn:aws:sts::210987654321:assumed-role/deployer/jo), but PROD is account 123456789012; switch to the profile of PROD and try again.',
    );
  });

  it('says how to log in again when the token expired', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(serviceError('ExpiredToken', 403, 'The security token included in the request is expired'));
    await expect(
      verifyIdentity(clients.sts, { accountId: '123456789012', envTitle: 'PROD' }),
    ).rejects.toThrow(/are missing, invalid or expired, so STS GetCallerIdentity was refused; log in again/);
  });
});
