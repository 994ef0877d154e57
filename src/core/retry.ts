import { backoffDelay } from '../connector/backoff.js';
import { RemoteApiError, UnsupportedError } from '../connector/errors.js';
import { clampRetryAfterMs } from '../connector/retry-after.js';
import { BridgeError, errorMessage } from '../util/errors.js';

export interface FailureInfo {
  retryable: boolean;
  retryAfterMs?: number;
  /** Not worth a notice in the room (e.g. a reaction a platform cannot show). */
  quiet?: boolean;
  message: string;
  /** HTTP status of the refusing side, when it answered: what a room notice is worded from. */
  status?: number;
  /** The BridgeError code, when the bridge itself refused (see failure-wording.ts). */
  code?: string;
}

interface MatrixLikeError {
  statusCode?: number;
  errcode?: string;
  retryAfterMs?: number;
  body?: { retry_after_ms?: number };
}

/** Decides whether a failed delivery is worth retrying, and when. */
export function classifyFailure(err: unknown): FailureInfo {
  if (err instanceof UnsupportedError)
    return { retryable: false, quiet: true, message: err.message };
  if (err instanceof RemoteApiError) {
    return {
      retryable: err.retryable,
      retryAfterMs: err.retryAfterMs,
      message: err.message,
      status: err.status,
      code: err.code,
    };
  }
  const m = err as MatrixLikeError;
  if (typeof m?.statusCode === 'number') {
    const status = m.statusCode;
    // A homeserver's number is clamped like a platform's header: it cannot park the bridge.
    const retryAfterMs = clampRetryAfterMs(m.retryAfterMs ?? m.body?.retry_after_ms);
    const retryable = status === 429 || status >= 500 || m.errcode === 'M_LIMIT_EXCEEDED';
    return {
      retryable,
      retryAfterMs,
      message: `homeserver answered ${status} ${m.errcode ?? ''}`.trim(),
      status,
    };
  }
  // The bridge's own refusals (message too long, file too large, unknown workspace) will
  // not change on a retry.
  if (err instanceof BridgeError) return { retryable: false, message: err.message, code: err.code };
  // Network failures (refused, reset, timeouts) have no status: the other end may come back.
  return { retryable: true, message: errorMessage(err) };
}

export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * The toolkit's back-off, never below the first delay; a server's Retry-After wins when it is
 * longer. Whole milliseconds: the time is stored in a bigint column.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  const { initialDelayMs, maxDelayMs } = policy;
  return backoffDelay(
    { initialMs: initialDelayMs, maxMs: maxDelayMs, minMs: initialDelayMs },
    attempt,
    retryAfterMs,
  );
}
