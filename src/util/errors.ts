/**
 * Base class for every error the bridge raises on purpose. `code` is stable and
 * documented in docs/errors.md; `message` says what went wrong and what to do.
 */
export class BridgeError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
