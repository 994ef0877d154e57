import { BridgeError } from '../util/errors.js';

/**
 * Stable codes of administration errors, each with the HTTP status and Matrix errcode the
 * provisioning API answers with (documented in docs/admin.md; a test keeps the two in step).
 */
export const ADMIN_ERRORS = {
  INVALID_REQUEST: { status: 400, errcode: 'M_INVALID_PARAM' },
  NOT_JSON: { status: 400, errcode: 'M_NOT_JSON' },
  UNAUTHENTICATED: { status: 401, errcode: 'M_MISSING_TOKEN' },
  BAD_TOKEN: { status: 401, errcode: 'M_UNKNOWN_TOKEN' },
  PERMISSION_DENIED: { status: 403, errcode: 'M_FORBIDDEN' },
  ROOM_POWER_TOO_LOW: { status: 403, errcode: 'M_FORBIDDEN' },
  PRIVATE_CHANNEL_DENIED: { status: 403, errcode: 'M_FORBIDDEN' },
  NOT_FOUND: { status: 404, errcode: 'M_NOT_FOUND' },
  CONNECTOR_UNKNOWN: { status: 404, errcode: 'M_NOT_FOUND' },
  WORKSPACE_UNKNOWN: { status: 404, errcode: 'M_NOT_FOUND' },
  CHANNEL_UNREACHABLE: { status: 404, errcode: 'M_NOT_FOUND' },
  ROOM_NOT_FOUND: { status: 404, errcode: 'M_NOT_FOUND' },
  LINK_NOT_FOUND: { status: 404, errcode: 'M_NOT_FOUND' },
  METHOD_NOT_ALLOWED: { status: 405, errcode: 'M_UNRECOGNIZED' },
  ROOM_UNREACHABLE: { status: 409, errcode: 'M_BAD_STATE' },
  CHANNEL_ALREADY_LINKED: { status: 409, errcode: 'M_BAD_STATE' },
  LINK_DECLARED: { status: 409, errcode: 'M_BAD_STATE' },
  ROOM_ENCRYPTED: { status: 409, errcode: 'M_BAD_STATE' },
  TOO_LARGE: { status: 413, errcode: 'M_TOO_LARGE' },
  RATE_LIMITED: { status: 429, errcode: 'M_LIMIT_EXCEEDED' },
  UNSUPPORTED: { status: 501, errcode: 'M_UNRECOGNIZED' },
  REMOTE_UNAVAILABLE: { status: 502, errcode: 'M_UNKNOWN' },
  INTERNAL: { status: 500, errcode: 'M_UNKNOWN' },
} as const;

export type AdminErrorCode = keyof typeof ADMIN_ERRORS;

/** A refused or failed administration request; `message` is shown to the person asking. */
export class AdminError extends BridgeError {
  declare readonly code: AdminErrorCode;

  constructor(
    code: AdminErrorCode,
    message: string,
    readonly extra: { field?: string; retryAfterMs?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }

  get status(): number {
    return ADMIN_ERRORS[this.code].status;
  }

  get errcode(): string {
    return ADMIN_ERRORS[this.code].errcode;
  }
}

/** The codes of errors the operations raise from lower layers, mapped to admin codes. */
export function asAdminError(err: unknown): AdminError | undefined {
  if (err instanceof AdminError) return err;
  if (err instanceof BridgeError && err.code === 'CHANNEL_ALREADY_LINKED') {
    return new AdminError(
      'CHANNEL_ALREADY_LINKED',
      err.message,
      { field: 'channel' },
      { cause: err },
    );
  }
  // A concurrent request linked the same channel first (unique violation in PostgreSQL).
  if ((err as { code?: unknown } | undefined)?.code === '23505') {
    return new AdminError(
      'CHANNEL_ALREADY_LINKED',
      'the channel was linked by another request at the same time',
      { field: 'channel' },
      { cause: err },
    );
  }
  return undefined;
}
