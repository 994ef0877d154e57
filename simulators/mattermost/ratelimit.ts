export interface RateLimitConfig {
  perSecond: number;
  burst: number;
}

export interface RateLimitResult {
  allowed: boolean;
  headers: Record<string, string>;
}

/**
 * The server's limiter (throttled's GCRA): `burst + 1` requests at once, refilled at `perSecond`.
 * Headers as the server sends them: X-RateLimit-Limit/Remaining/Reset, and Retry-After when refused.
 */
export class RateLimiter {
  private readonly tat = new Map<string, number>();
  private readonly interval: number;
  private readonly tolerance: number;
  private readonly limit: number;

  constructor(config: RateLimitConfig) {
    if (!(config.perSecond > 0) || !(config.burst >= 0)) {
      throw new Error('rateLimit needs perSecond > 0 and burst >= 0');
    }
    this.interval = 1000 / config.perSecond;
    this.limit = Math.floor(config.burst) + 1;
    this.tolerance = this.interval * this.limit;
  }

  take(key: string, now = Date.now()): RateLimitResult {
    const tat = Math.max(this.tat.get(key) ?? now, now);
    const newTat = tat + this.interval;
    const allowAt = newTat - this.tolerance;
    const diff = now - allowAt;
    let ttl: number;
    let retryAfter = -1;
    const allowed = diff >= 0;
    if (allowed) {
      this.tat.set(key, newTat);
      ttl = newTat - now;
    } else {
      retryAfter = -diff;
      ttl = tat - now;
    }
    const next = this.tolerance - ttl;
    const remaining = next > -this.interval ? Math.max(0, Math.floor(next / this.interval)) : 0;
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(this.limit),
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Reset': String(Math.ceil(ttl / 1000)),
    };
    if (retryAfter >= 0) headers['Retry-After'] = String(Math.max(1, Math.ceil(retryAfter / 1000)));
    return { allowed, headers };
  }
}
