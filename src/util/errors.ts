import type { ErrorCode } from './error-codes.js';

/**
 * Base class for every error the bridge raises on purpose. `code` is stable, listed in the
 * error registry (src/util/error-codes.ts: a code not there does not compile) and documented
 * in docs/errors.md; `message` says what went wrong and what to do.
 */
export class BridgeError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
