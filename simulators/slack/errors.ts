/** A Web API failure: HTTP 200 with `{ok:false, error, …extra}` (429 for `ratelimited`). */
export class ApiFailure extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
    readonly status = 200,
    readonly headers: Record<string, string> = {},
  ) {
    super(error);
  }
}

export const fail = (error: string, extra?: Record<string, unknown>): ApiFailure =>
  new ApiFailure(error, extra);

export function missingScope(needed: string, provided: Iterable<string>): ApiFailure {
  return new ApiFailure('missing_scope', { needed, provided: [...provided].join(',') });
}

export function rateLimited(retryAfterSec: number): ApiFailure {
  return new ApiFailure('ratelimited', {}, 429, { 'Retry-After': String(retryAfterSec) });
}
