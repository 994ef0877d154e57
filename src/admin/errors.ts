import { CORE_ERROR_CODES, type CoreErrorCode } from '../util/error-codes.js';
import { BridgeError } from '../util/errors.js';

/**
 * The codes administration answers with: the registry's codes that carry a Matrix `errcode`
 * (src/util/error-codes.ts). The provisioning API answers with their HTTP status and errcode
 * (documented in docs/admin.md; a test keeps the two in step).
 */
export type AdminErrorCode = {
  [C in CoreErrorCode]: (typeof CORE_ERROR_CODES)[C] extends { errcode: string } ? C : never;
}[CoreErrorCode];

export const ADMIN_ERRORS = Object.fromEntries(
  Object.entries(CORE_ERROR_CODES).flatMap(([code, info]) =>
    'errcode' in info ? [[code, { status: info.httpStatus, errcode: info.errcode }]] : [],
  ),
) as Record<AdminErrorCode, { status: number; errcode: string }>;

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

/** Refusals of who is asking (audited `denied`), not failures of the request. */
export const DENIALS: ReadonlySet<string> = new Set([
  'ROOM_POWER_TOO_LOW',
  'PRIVATE_CHANNEL_DENIED',
]);

export function noAccountLinking(connector: string): AdminError {
  return new AdminError(
    'UNSUPPORTED',
    `connector "${connector}" cannot act as its users: there is no account to link`,
  );
}
