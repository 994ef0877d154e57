const MAX_CLIENTS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per client: `perMinute` requests, refilled continuously, so a burst of up
 * to `perMinute` is allowed after a quiet minute. The table of clients is bounded.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly perMinute: number) {}

  /** 0 when `client` may go ahead (and a token is taken), else ms until it may. */
  take(client: string, now = Date.now()): number {
    const rate = this.perMinute / 60_000;
    let bucket = this.buckets.get(client);
    if (bucket) {
      bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * rate);
      bucket.at = now;
      this.buckets.delete(client); // re-inserted below: the map stays in least-recent order
    } else {
      bucket = { tokens: this.perMinute, at: now };
    }
    this.buckets.set(client, bucket);
    if (this.buckets.size > MAX_CLIENTS) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / rate);
  }
}
