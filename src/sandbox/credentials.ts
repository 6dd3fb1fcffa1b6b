/** Credentials a rehearsal uses: never valid anywhere but here. */
export const SANDBOX_CREDENTIALS = { accessKeyId: 'rehearsal', secretAccessKey: 'rehearsal' } as const;
