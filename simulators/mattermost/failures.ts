export interface FailureSpec {
  status: 429 | 500 | 503;
  count: number;
  retryAfterSec?: number;
  pathPattern?: RegExp;
}

/** Queue of injected failures; each request takes the first one whose pattern matches its path. */
export class FailureInjector {
  private readonly queue: Array<FailureSpec & { left: number }> = [];

  add(spec: FailureSpec): void {
    if (!Number.isInteger(spec.count) || spec.count < 1) throw new Error('count must be >= 1');
    this.queue.push({ ...spec, left: spec.count });
  }

  /** `explicitOnly`: only failures with a pattern apply (used for WebSocket upgrades). */
  take(path: string, explicitOnly = false): FailureSpec | undefined {
    const i = this.queue.findIndex((f) => {
      if (!f.pathPattern) return !explicitOnly;
      f.pathPattern.lastIndex = 0;
      return f.pathPattern.test(path);
    });
    if (i < 0) return undefined;
    const f = this.queue[i] as FailureSpec & { left: number };
    f.left -= 1;
    if (f.left <= 0) this.queue.splice(i, 1);
    return f;
  }

  clear(): void {
    this.queue.length = 0;
  }
}
