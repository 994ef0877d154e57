/** Slack's published method tiers: requests per minute, with some burst tolerated. */
export type Tier = 1 | 2 | 3 | 4;

const TIER_BUDGET: Record<Tier, { perMinute: number; burst: number }> = {
  1: { perMinute: 1, burst: 20 },
  2: { perMinute: 20, burst: 20 },
  3: { perMinute: 50, burst: 50 },
  4: { perMinute: 100, burst: 100 },
};

export interface RateLimitSettings {
  /** Per-method tier budgets, per workspace and token. */
  tiers: boolean;
  /** chat.postMessage per channel and author: about 1/s with a short burst. */
  postPerChannel: { perSecond: number; burst: number } | false;
  /**
   * `non_marketplace`: conversations.history/replies at 1 request/min and at most 15
   * messages per page (Slack's 2025 limits for commercially distributed non-Marketplace apps).
   */
  history: 'internal' | 'non_marketplace';
}

export const DEFAULT_LIMITS: RateLimitSettings = {
  tiers: true,
  postPerChannel: { perSecond: 1, burst: 3 },
  history: 'internal',
};

/** A token bucket per key; `take` answers 0 when allowed, else the wait in ms. */
export class Buckets {
  private readonly state = new Map<string, { tokens: number; at: number }>();

  take(key: string, perSecond: number, burst: number, now = Date.now()): number {
    const s = this.state.get(key) ?? { tokens: burst, at: now };
    s.tokens = Math.min(burst, s.tokens + ((now - s.at) / 1000) * perSecond);
    s.at = now;
    this.state.set(key, s);
    if (s.tokens >= 1) {
      s.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - s.tokens) / perSecond) * 1000);
  }

  clear(): void {
    this.state.clear();
  }
}

export class RateLimiter {
  settings: RateLimitSettings = { ...DEFAULT_LIMITS };
  private readonly buckets = new Buckets();

  configure(s: Partial<RateLimitSettings>): void {
    this.settings = { ...this.settings, ...s };
    this.buckets.clear();
  }

  /** Wait in ms before `method` may be called again by `who`, or 0. */
  checkMethod(who: string, method: string, tier: Tier): number {
    if (
      this.settings.history === 'non_marketplace' &&
      (method === 'conversations.history' || method === 'conversations.replies')
    ) {
      return this.buckets.take(`${who}:${method}`, 1 / 60, 1);
    }
    if (!this.settings.tiers) return 0;
    const budget = TIER_BUDGET[tier];
    return this.buckets.take(`${who}:${method}`, budget.perMinute / 60, budget.burst);
  }

  checkPost(who: string, channel: string): number {
    const p = this.settings.postPerChannel;
    if (!p) return 0;
    return this.buckets.take(`post:${who}:${channel}`, p.perSecond, p.burst);
  }

  historyPageLimit(requested: number): number {
    return this.settings.history === 'non_marketplace' ? Math.min(requested, 15) : requested;
  }
}

export interface FailureSpec {
  /** Which methods (e.g. `chat.postMessage`); all when absent. */
  method?: string | RegExp;
  /** HTTP status to answer (429 carries Retry-After). */
  status?: 429 | 500 | 502 | 503;
  /** Instead of a status: answer `{ok:false, error}` with HTTP 200. */
  error?: string;
  count: number;
  retryAfterSec?: number;
  /** Run the method first, then answer with the failure (the effect happened; the caller cannot tell). */
  afterEffect?: boolean;
}

/** Queue of injected failures; a request takes the first one matching its method. */
export class FailureInjector {
  private readonly queue: Array<FailureSpec & { left: number }> = [];

  add(spec: FailureSpec): void {
    if (!Number.isInteger(spec.count) || spec.count < 1) throw new Error('count must be >= 1');
    if (!spec.status && !spec.error) throw new Error('a failure needs a status or an error');
    this.queue.push({ ...spec, left: spec.count });
  }

  take(method: string): FailureSpec | undefined {
    const i = this.queue.findIndex(
      (f) =>
        f.method === undefined ||
        (typeof f.method === 'string' ? f.method === method : f.method.test(method)),
    );
    if (i < 0) return undefined;
    const f = this.queue[i]!;
    f.left -= 1;
    if (f.left <= 0) this.queue.splice(i, 1);
    return f;
  }
}
