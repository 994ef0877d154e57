/** How the Matrix catch-up reads a failed homeserver request. */
import { backoffDelay } from '../connector/backoff.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

export function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** A failure that means the homeserver is away (down, restarting, overloaded), not refusing. */
export function isUnreachable(err: unknown): boolean {
  const status = statusOf(err);
  if (status !== undefined) return status >= 500;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}

/** Status, errcode or error code and message, never the request (which carries the token). */
export function describe(err: unknown): string {
  const e = err as { errcode?: unknown; code?: unknown } | null;
  const parts: string[] = [];
  const status = statusOf(err);
  if (status !== undefined) parts.push(`HTTP ${status}`);
  if (typeof e?.errcode === 'string') parts.push(e.errcode);
  else if (typeof e?.code === 'string') parts.push(e.code);
  if (err instanceof Error && err.message) parts.push(err.message.slice(0, 200));
  return parts.join(' ') || 'unknown error';
}

/** The toolkit's back-off, never below `initialMs` (a down homeserver is not polled in a spin). */
export function backoffMs(failures: number, initialMs: number, maxMs: number): number {
  return backoffDelay({ initialMs, maxMs, minMs: initialMs }, failures);
}
