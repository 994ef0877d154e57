export interface RateLimitConfig {
  /** Calls allowed per user and endpoint in each window (API_Enable_Rate_Limiter_Limit_Calls_Default). */
  calls: number;
  /** Window length (API_Enable_Rate_Limiter_Limit_Time_Default), ms. */
  windowMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Epoch ms when the window resets. */
  resetAt: number;
  headers: Record<string, string>;
}

/**
 * The REST API's limiter: a fixed window per user and endpoint. Headers as the server sends
 * them on limited endpoints: X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset
 * (epoch milliseconds); a refusal adds Retry-After in seconds.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(private readonly config: RateLimitConfig) {
    if (!(config.calls >= 1) || !(config.windowMs > 0)) {
      throw new Error('rateLimit needs calls >= 1 and windowMs > 0');
    }
  }

  take(key: string, now = Date.now()): RateLimitResult {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.config.windowMs) {
      w = { start: now, used: 0 };
      this.windows.set(key, w);
    }
    const resetAt = w.start + this.config.windowMs;
    const allowed = w.used < this.config.calls;
    if (allowed) w.used += 1;
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(this.config.calls),
      'X-RateLimit-Remaining': String(Math.max(0, this.config.calls - w.used)),
      'X-RateLimit-Reset': String(resetAt),
    };
    if (!allowed) headers['Retry-After'] = String(Math.max(1, Math.ceil((resetAt - now) / 1000)));
    return { allowed, resetAt, headers };
  }
}
