import { backoffDelay } from './backoff.js';
import { RemoteApiError } from './errors.js';

export interface UntilDoneOptions {
  /** First wait after a failure; the toolkit's back-off doubles it per failure up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** True once the caller is stopping: no further attempt, the last failure is thrown. */
  stopped(): boolean;
  /** Whether a failure can go away by itself (default: platform 429/5xx and network). */
  retryable?(err: unknown): boolean;
  /** Told about each failure that will be retried, with the wait before the next attempt. */
  onRetry(err: unknown, failures: number, delayMs: number): void;
  /** The wait itself; a caller that can stop passes one that its stop cuts short. */
  sleep?(ms: number): Promise<void>;
}

/** A platform's refusal (4xx other than 408/429) will not change on its own; the rest may. */
export function isTransient(err: unknown): boolean {
  return !(err instanceof RemoteApiError) || err.retryable;
}

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Runs `task` until it succeeds: a catch-up that fails on a transient error (429, 5xx,
 * network) is tried again after the toolkit's back-off, up to `maxDelayMs` (or the server's
 * Retry-After, when longer), for as long as it takes; there is no attempt limit. Throws only
 * a failure that is not transient, or the last one when the caller stops.
 */
export async function retryUntilDone<T>(task: () => Promise<T>, o: UntilDoneOptions): Promise<T> {
  const retryable = o.retryable ?? isTransient;
  for (let failures = 1; ; failures++) {
    try {
      return await task();
    } catch (err) {
      if (o.stopped() || !retryable(err)) throw err;
      const policy = { initialMs: o.initialDelayMs, maxMs: o.maxDelayMs, minMs: o.initialDelayMs };
      const retryAfter = err instanceof RemoteApiError ? err.retryAfterMs : undefined;
      const delayMs = backoffDelay(policy, failures, retryAfter);
      o.onRetry(err, failures, delayMs);
      await (o.sleep ?? defaultSleep)(delayMs);
      if (o.stopped()) throw err;
    }
  }
}

/** A stop switch for retry loops: `sleep` waits, or less once `stop()` is called. */
export class StopSignal {
  private stoppedFlag = false;
  private readonly sleepers = new Set<() => void>();

  get stopped(): boolean {
    return this.stoppedFlag;
  }

  /** Arms the switch again (a connector started after a stop). */
  reset(): void {
    this.stoppedFlag = false;
  }

  stop(): void {
    this.stoppedFlag = true;
    for (const wake of [...this.sleepers]) wake();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.sleepers.add(wake);
      if (this.stoppedFlag) wake();
    });
  }
}
