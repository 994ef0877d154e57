/** How often a simulated person presses "retry" before giving up. */
const ATTEMPTS = 40;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface RetryOptions {
  /** An error that will not change on a retry: thrown at once. */
  permanent?: (err: unknown) => boolean;
  /** An error that means the work is already done (e.g. "already exists"): resolves undefined. */
  done?: (err: unknown) => boolean;
}

/**
 * Runs `fn` again through injected 429/5xx and rate limits, like a person pressing "retry",
 * backing off up to a second between attempts.
 */
export async function retried<T>(fn: () => Promise<T>, o: RetryOptions = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (o.done?.(err)) return undefined as T;
      if (attempt >= ATTEMPTS || o.permanent?.(err)) throw err;
      await sleep(Math.min(1000, 50 * attempt));
    }
  }
}

/** A 4xx other than 408/429 (an HTTP error with `statusCode`): retrying will not help. */
export function clientError(err: unknown): boolean {
  const status = (err as { statusCode?: number }).statusCode ?? 0;
  return status >= 400 && status < 500 && status !== 429 && status !== 408;
}
