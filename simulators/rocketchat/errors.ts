/**
 * Rocket.Chat's REST error envelopes, as API.v1 answers them:
 * - 400 `{success:false, error, errorType?}` (API.v1.failure; a Meteor.Error becomes
 *   `error: "<reason> [<error>]"`, `errorType: <error>`),
 * - 401 `{status:"error", message:"You must be logged in to do this."}` (no or bad credentials),
 * - 403 `{success:false, error}` (API.v1.forbidden / a missing required permission),
 * - 404 `{success:false, error}` (API.v1.notFound),
 * - 429 `{success:false, error}` (API.v1.tooManyRequests).
 */
export class RcError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(typeof body.error === 'string' ? body.error : String(body.message ?? status));
  }
}

export const failure = (error: string, errorType?: string, details?: object): RcError =>
  new RcError(400, {
    success: false,
    error,
    ...(errorType !== undefined && { errorType }),
    ...(details !== undefined && { details }),
  });

/** A thrown Meteor.Error('code', 'reason'): REST shows `reason [code]`. */
export const meteorError = (code: string, reason: string, details?: object): RcError =>
  failure(`${reason} [${code}]`, code, details);

export const invalidParams = (messages: string): RcError => meteorError('invalid-params', messages);

export const unauthorized = (): RcError =>
  new RcError(401, { status: 'error', message: 'You must be logged in to do this.' });

export const forbidden = (
  error = 'User does not have the permissions required for this action [error-unauthorized]',
): RcError => new RcError(403, { success: false, error });

export const notFound = (error = 'Resource not found'): RcError =>
  new RcError(404, { success: false, error });

export const tooManyRequests = (seconds: number): RcError =>
  new RcError(429, {
    success: false,
    error: `Error, too many requests. Please slow down. You must wait ${seconds} seconds before trying this endpoint again.`,
  });

export const serverError = (status: number): RcError =>
  new RcError(status, {
    success: false,
    error: status === 503 ? 'Service Unavailable' : 'Internal server error',
  });
