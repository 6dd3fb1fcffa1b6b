/** Credentials a rehearsal uses: never valid anywhere but here. */
export const SANDBOX_CREDENTIALS = { accessKeyId: 'rehearsal', secretAccessKey: 'rehearsal' } as const;

const ENV_KEY_PREFIX = 'rehearsal-';

/**
 * The engine's credentials for one environment in a rehearsal: each environment's profile has
 * keys of its own, as it would against AWS, so the sandbox's STS can say which account they are.
 */
export function rehearsalCredentialsFor(envId: string): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: `${ENV_KEY_PREFIX}${envId}`, secretAccessKey: SANDBOX_CREDENTIALS.secretAccessKey };
}

/** The environment a rehearsal access key id stands for; undefined for the shared key. */
export function environmentOfAccessKey(accessKeyId: string | undefined): string | undefined {
  return accessKeyId?.startsWith(ENV_KEY_PREFIX) ? accessKeyId.slice(ENV_KEY_PREFIX.length) : undefined;
}

/** The access key id of a SigV4-signed request (`Credential=AKID/date/region/service/aws4_request`). */
export function accessKeyOf(authorization: string | undefined): string | undefined {
  return authorization ? /Credential=([^/,\s]+)\//.exec(authorization)?.[1] : undefined;
}
