/**
 * The one back-off of the bridge: exponential with full jitter and a cap. Every wait after a
 * failure (delivery retries, platform catch-up reads, WebSocket reconnects, homeserver
 * catch-up) is drawn here, so a storm of failing clients spreads out instead of retrying in
 * step ("full jitter": a uniform draw between 0 and the exponential ceiling).
 */

export interface BackoffPolicy {
  /** Ceiling of the first wait; the ceiling doubles per failure. */
  initialMs: number;
  /** Highest ceiling, whatever the number of failures. */
  maxMs: number;
  /** Shortest wait, so a reconnect loop never spins (default 0). */
  minMs?: number;
}

/** A source of numbers in [0, 1); tests pass a fixed one. */
export type Random = () => number;

// 2 ** 30 times any sane initial delay is beyond every cap; more would overflow to Infinity.
const MAX_DOUBLINGS = 30;

/** The exponential ceiling after `failures` failures (1 = the first): no jitter. */
export function backoffCeiling(policy: BackoffPolicy, failures: number): number {
  const count = Number.isFinite(failures) ? Math.floor(failures) : 1;
  const doublings = Math.max(0, Math.min(count - 1, MAX_DOUBLINGS));
  return Math.min(policy.maxMs, policy.initialMs * 2 ** doublings);
}

/**
 * Whole milliseconds to wait after `failures` failures; a server's `retryAfterMs` wins when it
 * is longer (it said when it can take the request again).
 */
export function backoffDelay(
  policy: BackoffPolicy,
  failures: number,
  retryAfterMs = 0,
  random: Random = Math.random,
): number {
  const ceiling = backoffCeiling(policy, failures);
  const drawn = Math.max(policy.minMs ?? 0, random() * ceiling);
  return Math.ceil(Math.max(drawn, retryAfterMs));
}

/**
 * A back-off that counts its own failures: a reconnect loop calls `next()` after each failed
 * attempt and `reset()` once it is connected again.
 */
export class Backoff {
  private count = 0;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly random: Random = Math.random,
  ) {}

  /** Failures since the last success. */
  get failures(): number {
    return this.count;
  }

  /** Counts a failure and returns the wait before the next attempt. */
  next(retryAfterMs = 0): number {
    this.count += 1;
    return backoffDelay(this.policy, this.count, retryAfterMs, this.random);
  }

  reset(): void {
    this.count = 0;
  }
}
