import {
  CORE_ERROR_CODES,
  type ErrorCode,
  type ErrorCodeInfo,
  type ErrorCodeTable,
  type ErrorLogLevel,
} from './error-codes.js';

/**
 * The registry at run time: the core's codes plus those of each loaded connector
 * (`ConnectorDefinition.errorCodes`, registered by the connector loader).
 */
const registered = new Map<string, ErrorCodeInfo>(Object.entries(CORE_ERROR_CODES));

/** Adds a connector's codes; a code already registered with other facts is a bug, refused. */
export function registerErrorCodes(table: ErrorCodeTable): void {
  for (const [code, info] of Object.entries(table)) {
    const known = registered.get(code);
    if (known && JSON.stringify(known) !== JSON.stringify(info)) {
      throw new Error(`error code ${code} is registered twice with different facts; rename one`);
    }
    registered.set(code, info);
  }
}

export function isErrorCode(code: string): code is ErrorCode {
  return registered.has(code);
}

export function errorCodeInfo(code: string): ErrorCodeInfo | undefined {
  return registered.get(code);
}

/** The level to log `err` at: its code's level, `error` for anything unexpected. */
export function errorLogLevel(err: unknown): ErrorLogLevel {
  const code = (err as { code?: unknown } | undefined)?.code;
  return (typeof code === 'string' && registered.get(code)?.logLevel) || 'error';
}
