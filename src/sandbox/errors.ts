/** An error answered in the shape of the service that raised it. */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Whose fault: the caller (Sender) or the service (Receiver); used by query-style errors. */
    readonly fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = code;
  }
}

/** The usual HTTP status of well-known error codes, for injected faults. */
export function statusOfCode(code: string): number {
  if (/^(Throttling|ThrottlingException|RequestLimitExceeded)$/.test(code)) return 400;
  if (/^TooManyRequests/.test(code)) return 429;
  if (/^(ServiceUnavailable|ServiceUnavailableException)$/.test(code)) return 503;
  if (/^(InternalFailure|InternalServiceError|ServiceException|InternalServerError)/.test(code)) return 500;
  if (/^AccessDenied|^UnrecognizedClient|^InvalidClientTokenId|^Forbidden/.test(code)) return 403;
  if (/^ExpiredToken/.test(code)) return 403;
  if (/NotFound/.test(code)) return 404;
  if (/^PreconditionFailed/.test(code)) return 412;
  if (/^Conflict/.test(code)) return 409;
  return 400;
}
