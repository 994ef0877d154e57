import type { ErrorCode } from '../util/error-codes.js';
import { BridgeError } from '../util/errors.js';

/**
 * A platform call failed. `retryable` errors are retried with backoff (honouring
 * `retryAfterMs`); others fail the delivery at once with a notice in the room.
 */
export class RemoteApiError extends BridgeError {
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(opts: {
    message: string;
    status?: number;
    retryable: boolean;
    retryAfterMs?: number;
    code?: ErrorCode;
    cause?: unknown;
  }) {
    super(opts.code ?? 'REMOTE_API_ERROR', opts.message, { cause: opts.cause });
    this.status = opts.status;
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
  }

  /** Standard classification by HTTP status: 429 and 5xx are transient. */
  static fromStatus(status: number, message: string, retryAfterMs?: number): RemoteApiError {
    const retryable = status === 429 || status === 408 || status >= 500;
    return new RemoteApiError({ message, status, retryable, retryAfterMs });
  }
}

/** The feature is not offered by this connector or platform. */
export class UnsupportedError extends BridgeError {
  constructor(feature: string) {
    super('UNSUPPORTED', `${feature} is not supported on this platform`);
  }
}

/**
 * Something a Matrix user did can only be done on the platform by people's own accounts
 * (not by the bridge), and theirs is not linked. Shown to the user in the failure notice,
 * so the message says how to make it possible.
 */
export class NeedsOwnAccountError extends BridgeError {
  constructor(what: string, connector: string, workspace: string) {
    super(
      'REACTION_NEEDS_OWN_ACCOUNT',
      `${what} was not passed on: only people's own accounts can do that there, and yours ` +
        `is not linked (link it with !login ${connector} ${workspace})`,
    );
  }
}
