/** Injected failures and sliding-window rate limits, as the Teams services answer them. */

export interface FailureSpec {
  status: 429 | 500 | 502 | 503 | 504;
  count: number;
  retryAfterSec?: number;
  /** Only requests whose `METHOD path` matches (e.g. /^POST \/amer\/v3\/conversations\/.+\/activities/). */
  pattern?: RegExp;
}

export class FailureInjector {
  private readonly queue: Array<FailureSpec & { left: number }> = [];

  add(spec: FailureSpec): void {
    if (!Number.isInteger(spec.count) || spec.count < 1) throw new Error('count must be >= 1');
    this.queue.push({ ...spec, left: spec.count });
  }

  take(methodAndPath: string): FailureSpec | undefined {
    const i = this.queue.findIndex((f) => {
      if (!f.pattern) return true;
      f.pattern.lastIndex = 0;
      return f.pattern.test(methodAndPath);
    });
    if (i < 0) return undefined;
    const f = this.queue[i]!;
    f.left -= 1;
    if (f.left <= 0) this.queue.splice(i, 1);
    return f;
  }
}

export interface Window {
  limit: number;
  windowMs: number;
}

/**
 * Every window must have room: the Bot Connector limits per bot per conversation are
 * 7 per second, 8 per 2 s, 60 per 30 s and 1800 per hour.
 */
export const BOT_CONVERSATION_WINDOWS: Window[] = [
  { limit: 7, windowMs: 1000 },
  { limit: 8, windowMs: 2000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1800, windowMs: 3_600_000 },
];

export class SlidingWindows {
  private readonly hits = new Map<string, number[]>();

  constructor(public windows: Window[]) {}

  /** Records a hit and returns 0, or refuses it and returns the ms until it would fit. */
  take(key: string, now = Date.now()): number {
    const longest = Math.max(0, ...this.windows.map((w) => w.windowMs));
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - longest);
    let wait = 0;
    for (const w of this.windows) {
      const inWindow = list.filter((t) => t > now - w.windowMs);
      if (inWindow.length >= w.limit) {
        const oldest = inWindow[inWindow.length - w.limit]!;
        wait = Math.max(wait, oldest + w.windowMs - now);
      }
    }
    if (wait === 0) list.push(now);
    this.hits.set(key, list);
    return wait;
  }
}
