/**
 * The application's endpoints live under this prefix of the sandbox (other unmatched paths work
 * too). A module of its own: the conductor's process needs the prefix, not the sandbox.
 */
export const APP_PREFIX = '/app';
