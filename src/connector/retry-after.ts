/**
 * The one reading of "when may I try again" that platforms send: `Retry-After` as
 * delta-seconds or an HTTP-date (RFC 9110 §10.2.3), an `X-RateLimit-Reset` given as epoch
 * milliseconds or as seconds until the window resets, a client library's number of seconds,
 * and Matrix's
 * `retry_after_ms` body field. Whatever the source, the answer is milliseconds from now,
 * clamped to sane bounds, or undefined when the value is missing or not understood: a hostile
 * or broken server can neither make the bridge spin nor park it for a year.
 */
import { parseHttpDate } from './http-date.js';

/** The longest wait a server can impose (one hour); longer answers are read as this. */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/** Headers of fetch/undici, Client4's Map, or Node's plain header object. */
export type HeaderSource =
  | { get(name: string): string | null | undefined }
  | Record<string, string | string[] | number | undefined>;

/** How a platform's `X-RateLimit-Reset` is meant. */
export type ResetHeader = 'epoch-ms' | 'seconds-from-now';

const DELTA_SECONDS = /^\d+(?:\.\d+)?$/;

/** Milliseconds clamped to [0, MAX_RETRY_AFTER_MS]; undefined for anything not a number. */
export function clampRetryAfterMs(ms: unknown): number | undefined {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) return undefined;
  return Math.ceil(Math.min(ms, MAX_RETRY_AFTER_MS));
}

/** A number of seconds handed over by a client library (e.g. a rate-limit error's `retryAfter`). */
export function retryAfterFromSeconds(seconds: unknown): number | undefined {
  return typeof seconds === 'number' ? clampRetryAfterMs(seconds * 1000) : undefined;
}

/** A `Retry-After` header value: delta-seconds or an HTTP-date (a past date means now). */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.length > 64) return undefined;
  if (DELTA_SECONDS.test(trimmed)) return clampRetryAfterMs(Number(trimmed) * 1000);
  const at = parseHttpDate(trimmed, now);
  return at === undefined ? undefined : clampRetryAfterMs(Math.max(0, at - now));
}

/**
 * The wait a response asks for: the longer of `Retry-After` and, when the platform sends one,
 * `X-RateLimit-Reset` read the platform's way.
 */
export function retryAfterFromHeaders(
  headers: HeaderSource | null | undefined,
  opts: { reset?: ResetHeader; now?: number } = {},
): number | undefined {
  if (!headers) return undefined;
  const now = opts.now ?? Date.now();
  const fromHeader = parseRetryAfter(headerValue(headers, 'retry-after'), now);
  const fromReset = opts.reset
    ? resetWait(headerValue(headers, 'x-ratelimit-reset'), opts.reset, now)
    : undefined;
  if (fromHeader === undefined) return fromReset;
  return fromReset === undefined ? fromHeader : Math.max(fromHeader, fromReset);
}

function resetWait(value: string | undefined, kind: ResetHeader, now: number): number | undefined {
  if (value === undefined || !DELTA_SECONDS.test(value.trim())) return undefined;
  const n = Number(value.trim());
  // An epoch in seconds (or garbage) where milliseconds are expected is no reset time.
  if (kind === 'epoch-ms') return n > 1e12 ? clampRetryAfterMs(Math.max(0, n - now)) : undefined;
  return clampRetryAfterMs(n * 1000);
}

/** One header by name, whatever the container and however the name was cased. */
function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') {
    const getter = headers as { get(name: string): string | null | undefined };
    const v = getter.get(name) ?? getter.get(name.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase()));
    return typeof v === 'string' ? v : undefined;
  }
  const record = headers as Record<string, unknown>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : record[key];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}
