export interface FailureSpec {
  status: 429 | 500 | 502 | 503;
  count: number;
  /** For 429: when the limit resets (X-RateLimit-Reset = now + this, Retry-After in seconds). */
  retryAfterMs?: number;
  /** Only requests whose path matches (default: any API request). */
  pathPattern?: RegExp;
}

/** Queue of injected failures; each request takes the first one whose pattern matches its path. */
export class FailureInjector {
  private readonly queue: Array<FailureSpec & { left: number }> = [];

  add(spec: FailureSpec): void {
    if (!Number.isInteger(spec.count) || spec.count < 1) throw new Error('count must be >= 1');
    this.queue.push({ ...spec, left: spec.count });
  }

  take(path: string): FailureSpec | undefined {
    const i = this.queue.findIndex((f) => {
      if (!f.pathPattern) return true;
      f.pathPattern.lastIndex = 0;
      return f.pathPattern.test(path);
    });
    if (i < 0) return undefined;
    const f = this.queue[i]!;
    f.left -= 1;
    if (f.left <= 0) this.queue.splice(i, 1);
    return f;
  }
}
