import { RemoteApiError, UnsupportedError } from '../connector/errors.js';
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
    const retryAfterMs = m.retryAfterMs ?? m.body?.retry_after_ms;
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

/** Exponential backoff with jitter; a server's Retry-After wins when it is longer. */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  const exp = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exp / 2 + Math.random() * (exp / 2);
  // Whole milliseconds: the time is stored in a bigint column.
  return Math.ceil(Math.max(jittered, retryAfterMs ?? 0));
}
