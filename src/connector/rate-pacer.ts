/**
 * Client-side pacing against a platform's rate limits: token buckets per key (a workspace, a
 * method, a method in one channel, whatever the platform counts), so bursts are spread out
 * instead of refused. A 429's Retry-After pauses the whole key: every caller sharing that
 * limit waits it out, not just the one that was refused. A wait too long to hold a delivery
 * is handed back as a retryable error, so the core retries later (and in order).
 *
 * The platform counts a request when it arrives, which a stalled process or network can
 * delay past the moment the pacer let it go. So the time a request of a key is in flight
 * earns that key no tokens: the next one leaves at the earliest one refill interval after
 * the previous answer, hence after the previous arrival, whatever the delays.
 */
import { RemoteApiError } from './errors.js';

export interface BucketLimit {
  /** Requests that may go at once after a quiet spell. */
  burst: number;
  /** Steady refill. */
  perSecond: number;
}

export interface RatePacerOptions {
  /**
   * Every bucket must hold a token (e.g. a per-second and a per-hour limit). None: the pacer
   * only holds the pauses a platform's 429s ask for.
   */
  limits: BucketLimit[];
  /** Longest wait held inside the pacer; longer ones become `RATE_LIMITED` (default 60 s). */
  maxWaitMs?: number;
  /** What is paced, for the error message (e.g. "Chat X posts"). */
  label: string;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Bucket {
  tokens: number;
  at: number;
}

interface Lane {
  buckets: Bucket[];
  pausedUntil: number;
}

/** Lanes kept before idle ones (full buckets, no pause) are forgotten. */
const MAX_LANES = 1000;

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

export class RatePacer {
  private readonly lanes = new Map<string, Lane>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxWaitMs: number;

  constructor(private readonly o: RatePacerOptions) {
    if (o.limits.some((l) => !(l.burst >= 1) || !(l.perSecond > 0)))
      throw new RangeError('every rate limit needs burst >= 1 and perSecond > 0');
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? defaultSleep;
    this.maxWaitMs = o.maxWaitMs ?? 60_000;
  }

  /**
   * Waits for a token of `key` (and any pause on it), then runs `op`; a 429 pauses the key.
   * The time `op` takes is not credited to the key's buckets (see above).
   */
  async run<T>(key: string, op: () => Promise<T>): Promise<T> {
    await this.take(key);
    try {
      return await op();
    } catch (err) {
      if (err instanceof RemoteApiError && err.status === 429) this.pause(key, err.retryAfterMs);
      throw err;
    } finally {
      this.answered(key);
    }
  }

  /**
   * For callers that `take` a token and send themselves: the request has been answered, so
   * refill restarts now instead of at its departure.
   */
  answered(key: string): void {
    const lane = this.lanes.get(key);
    if (!lane) return;
    const now = this.now();
    for (const bucket of lane.buckets) bucket.at = Math.max(bucket.at, now);
  }

  /** Holds every caller of `key` for `ms` (a server's Retry-After); 1 s when it gave none. */
  pause(key: string, ms = 1000): void {
    const lane = this.lane(key);
    lane.pausedUntil = Math.max(lane.pausedUntil, this.now() + ms);
  }

  /** Waits until `key` may send, taking one token from each of its buckets. */
  async take(key: string): Promise<void> {
    const lane = this.lane(key);
    for (;;) {
      const wait = Math.max(lane.pausedUntil - this.now(), this.refill(lane));
      if (wait <= 0) break;
      if (wait > this.maxWaitMs) throw this.tooLong(key, wait);
      await this.sleep(wait);
    }
    for (const bucket of lane.buckets) bucket.tokens -= 1;
  }

  /** Tops the buckets up to now; returns how long until every one holds a token. */
  private refill(lane: Lane): number {
    const now = this.now();
    let wait = 0;
    lane.buckets.forEach((bucket, i) => {
      const limit = this.o.limits[i]!;
      const elapsed = Math.max(0, now - bucket.at) / 1000;
      bucket.tokens = Math.min(limit.burst, bucket.tokens + elapsed * limit.perSecond);
      bucket.at = now;
      if (bucket.tokens < 1) wait = Math.max(wait, ((1 - bucket.tokens) / limit.perSecond) * 1000);
    });
    return Math.ceil(wait);
  }

  private lane(key: string): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      if (this.lanes.size >= MAX_LANES) this.forgetIdleLanes();
      const at = this.now();
      lane = { buckets: this.o.limits.map((l) => ({ tokens: l.burst, at })), pausedUntil: 0 };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /** An idle lane is the same as a new one: dropping it changes no wait. */
  private forgetIdleLanes(): void {
    for (const [key, lane] of this.lanes) {
      const waits = this.refill(lane) > 0 || lane.pausedUntil > this.now();
      const full = lane.buckets.every((b, i) => b.tokens >= this.o.limits[i]!.burst);
      if (!waits && full) this.lanes.delete(key);
    }
  }

  private tooLong(key: string, waitMs: number): RemoteApiError {
    return new RemoteApiError({
      message: `${this.o.label} is rate-limited (${key}) for another ${Math.ceil(waitMs / 1000)} s; the bridge will retry then`,
      status: 429,
      retryable: true,
      retryAfterMs: waitMs,
      code: 'RATE_LIMITED',
    });
  }
}
