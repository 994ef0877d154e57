import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import {
  RemoteApiError,
  retryAfterFromHeaders,
  retryAfterFromSeconds,
} from '../../src/connector/index.js';

/** Platform errors that mean the token itself is refused. */
export const AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'team_access_not_granted',
  'not_allowed_token_type',
]);

/** Platform errors worth trying again later. */
const TRANSIENT_ERRORS = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

/** The Slack error code of a failed Web API call (`channel_not_found`…), if it has one. */
export function slackErrorCode(err: unknown): string | undefined {
  return err instanceof WebAPIPlatformError ? err.data.error : undefined;
}

/** Any failure of a Web API call as a RemoteApiError that says whether and when to retry. */
export function toRemoteError(method: string, err: unknown): RemoteApiError {
  if (err instanceof RemoteApiError) return err;
  if (err instanceof WebAPIRateLimitedError) {
    const retryAfterMs = retryAfterFromSeconds(err.retryAfter);
    const after = retryAfterMs === undefined ? '' : `; retry after ${retryAfterMs / 1000} s`;
    return new RemoteApiError({
      message: `Slack rate-limited ${method}${after}`,
      status: 429,
      retryable: true,
      retryAfterMs,
      code: 'SLACK_RATE_LIMITED',
      cause: err,
    });
  }
  if (err instanceof WebAPIPlatformError) {
    const code = err.data.error;
    if (AUTH_ERRORS.has(code)) {
      return new RemoteApiError({
        message: `Slack refused the token (${code}) for ${method}`,
        status: 401,
        retryable: false,
        code: 'SLACK_AUTH',
        cause: err,
      });
    }
    if (code === 'missing_scope') {
      const data = err.data as { needed?: unknown };
      const needed = typeof data.needed === 'string' ? data.needed : 'unknown';
      return new RemoteApiError({
        message: `the Slack app lacks the scope ${needed} (needed for ${method}); add it and reinstall the app`,
        status: 403,
        retryable: false,
        code: 'SLACK_MISSING_SCOPE',
        cause: err,
      });
    }
    return new RemoteApiError({
      message: `Slack refused ${method}: ${code}`,
      retryable: TRANSIENT_ERRORS.has(code),
      code: 'SLACK_API_ERROR',
      cause: err,
    });
  }
  if (err instanceof WebAPIHTTPError) {
    return RemoteApiError.fromStatus(
      err.statusCode,
      `Slack answered HTTP ${err.statusCode} to ${method}`,
      retryAfterFromHeaders(err.headers),
    );
  }
  const reason = err instanceof WebAPIRequestError ? err.original.message : (err as Error)?.message;
  return new RemoteApiError({
    message: `Slack is unreachable (${method}): ${reason ?? String(err)}`,
    retryable: true,
    code: 'SLACK_UNREACHABLE',
    cause: err,
  });
}

/** Whether a failed write may nonetheless have reached Slack (so a retry could duplicate it). */
export function mayHaveSucceeded(err: RemoteApiError): boolean {
  return err.retryable && err.status !== 429 && err.code !== 'SLACK_RATE_LIMITED';
}
