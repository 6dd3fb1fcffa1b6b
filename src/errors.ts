/** A failure the user can act on: one sentence, an exit code (2 bad input, 1 failed run), no stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
