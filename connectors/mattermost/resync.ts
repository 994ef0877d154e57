import type { Logger } from 'pino';
import { backoffDelay, RemoteApiError } from '../../src/connector/index.js';

export interface ResyncOptions {
  /** Changed channels caught up at once, before the connection counts as up. */
  priorityConcurrency: number;
  /** Unchanged channels looked at in the background, this many at a time. */
  sweepConcurrency: number;
  /** Wait after the changed channels before the background sweep begins. */
  sweepDelayMs: number;
  /** Pause of each sweep worker between two channels. */
  sweepPauseMs: number;
  /** First back-off after a failed resync in the sweep (doubles, at most a minute). */
  retryDelayMs: number;
}

export const DEFAULT_RESYNC_OPTIONS: ResyncOptions = {
  priorityConcurrency: 4,
  sweepConcurrency: 2,
  sweepDelayMs: 1000,
  sweepPauseMs: 20,
  retryDelayMs: 2000,
};

const MAX_RETRY_DELAY_MS = 60_000;

/** What one (re)connection has to catch up on. */
export interface ResyncRound {
  /** Channels with posts newer than their cursor (or not listed): caught up first. */
  changed: string[];
  /**
   * The other channels: edits, deletions and reactions do not move a channel's last post
   * time, so they are looked at too, later, in the background, in this order.
   */
  sweep: string[];
}

/** Thrown by a channel's resync when the connector is stopping: it did not finish. */
export class ResyncStopped extends Error {
  constructor() {
    super('the connector is stopping');
  }
}

/** Whether a failed resync is worth trying again (platform 4xx other than 408/429 are not). */
export function isRetryable(err: unknown): boolean {
  return !(err instanceof RemoteApiError) || err.retryable;
}

/** `channels` sorted, starting after `after` (where the last sweep got to), wrapping around. */
export function sweepOrder(channels: string[], after: string | undefined): string[] {
  const sorted = [...channels].sort();
  if (after === undefined) return sorted;
  const i = sorted.findIndex((c) => c > after);
  return i <= 0 ? sorted : [...sorted.slice(i), ...sorted.slice(0, i)];
}

/**
 * Runs the per-channel catch-ups of each round, at most one at a time per channel (a new
 * round's resync of a channel waits for the previous round's), and lets a live event wait for
 * its channel's catch-up (`ensure`) so nothing in a channel is handled out of order.
 */
export class ResyncScheduler {
  /** Channels of the current round whose catch-up has not started. */
  private pending = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private round = 0;
  private stopped = false;
  private sweeping: Promise<void> = Promise.resolve();
  private readonly sleepers = new Set<() => void>();

  constructor(
    private readonly resyncChannel: (channel: string) => Promise<void>,
    private readonly opts: ResyncOptions,
    private readonly log: Logger,
    /** Called after each channel the background sweep finished. */
    private readonly onSwept: (channel: string) => void = () => undefined,
  ) {}

  /** Channels not yet caught up in the current round. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Resolves when the current round's background sweep is over (done, superseded or stopped). */
  get sweepDone(): Promise<void> {
    return this.sweeping;
  }

  /**
   * Starts a round, superseding the previous one. Resolves once its changed channels are
   * caught up (those that failed go first in the sweep): `true`, or `false` when a newer
   * round or `stop()` took over meanwhile. The sweep goes on in the background.
   */
  async start(round: ResyncRound): Promise<boolean> {
    this.stopped = false;
    const id = ++this.round;
    this.wakeSleepers();
    this.pending = new Set([...round.changed, ...round.sweep]);
    const queue = [...round.changed];
    const retry: string[] = [];
    await this.pool(this.opts.priorityConcurrency, async () => {
      for (let ch = queue.shift(); ch !== undefined && this.current(id); ch = queue.shift()) {
        if (!this.pending.delete(ch)) {
          // A live event caught it up first (or is doing so now).
          await this.running.get(ch)?.catch(() => undefined);
          continue;
        }
        await this.exclusive(ch).catch((err: unknown) => {
          if (this.pending.has(ch)) retry.push(ch);
          if (err instanceof ResyncStopped) return;
          this.log.warn(
            { channel: ch, err: (err as Error).message },
            isRetryable(err)
              ? 'catching up a channel failed; trying again in the background'
              : 'cannot catch up a channel; skipping it until the next connection',
          );
        });
      }
    });
    if (!this.current(id)) return false;
    const sweep = [...retry, ...round.sweep];
    this.sweeping = sweep.length > 0 ? this.sweep(id, sweep) : Promise.resolve();
    return true;
  }

  /**
   * Before a live event in `channel` is handled: waits for its catch-up if one is running,
   * and runs it now if the round has not got to it yet. Throws when that catch-up fails.
   */
  async ensure(channel: string): Promise<void> {
    for (;;) {
      const running = this.running.get(channel);
      if (running) {
        await running.catch(() => undefined);
        continue;
      }
      if (this.pending.delete(channel)) await this.exclusive(channel);
      return;
    }
  }

  /** Ends the round: no new catch-ups; resolves when those running are over. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.round++;
    this.pending.clear();
    this.wakeSleepers();
    await Promise.all([...this.running.values()].map((p) => p.catch(() => undefined)));
    await this.sweeping;
  }

  private current(id: number): boolean {
    return id === this.round && !this.stopped;
  }

  /** One channel's catch-up, after any still running for it; failed retryable ones stay pending. */
  private exclusive(channel: string): Promise<void> {
    const previous = this.running.get(channel);
    const id = this.round;
    const task = (async () => {
      if (previous) await previous.catch(() => undefined);
      try {
        await this.resyncChannel(channel);
      } catch (err) {
        if (this.current(id) && isRetryable(err)) this.pending.add(channel);
        throw err;
      }
    })();
    this.running.set(channel, task);
    const forget = () => {
      if (this.running.get(channel) === task) this.running.delete(channel);
    };
    task.then(forget, forget);
    return task;
  }

  private async sweep(id: number, queue: string[]): Promise<void> {
    await this.sleep(this.opts.sweepDelayMs);
    if (!this.current(id)) return;
    const started = Date.now();
    const total = queue.length;
    this.log.info({ channels: total }, 'background resync of unchanged channels started');
    let failures = 0;
    let pauseUntil = 0;
    await this.pool(this.opts.sweepConcurrency, async () => {
      while (this.current(id)) {
        const wait = pauseUntil - Date.now();
        if (wait > 0) {
          await this.sleep(wait);
          continue;
        }
        const ch = queue.shift();
        if (ch === undefined) return;
        if (!this.pending.delete(ch)) continue; // a live event caught it up already
        try {
          await this.exclusive(ch);
          failures = 0;
          this.onSwept(ch);
        } catch (err) {
          if (!this.current(id) || err instanceof ResyncStopped) return;
          if (!isRetryable(err)) {
            this.log.warn(
              { channel: ch, err: (err as Error).message },
              'cannot catch up a channel; skipping it until the next connection',
            );
          } else {
            if (this.pending.has(ch)) queue.push(ch);
            failures++;
            const { retryDelayMs } = this.opts;
            const policy = {
              initialMs: retryDelayMs,
              maxMs: MAX_RETRY_DELAY_MS,
              minMs: retryDelayMs,
            };
            const retryAfter = err instanceof RemoteApiError ? err.retryAfterMs : undefined;
            pauseUntil = Date.now() + backoffDelay(policy, failures, retryAfter);
            this.log.warn(
              { channel: ch, err: (err as Error).message, retryInMs: pauseUntil - Date.now() },
              'background resync of a channel failed; pausing the sweep',
            );
          }
        }
        if (this.opts.sweepPauseMs > 0) await this.sleep(this.opts.sweepPauseMs);
      }
    });
    if (this.current(id)) {
      this.log.info(
        { channels: total, ms: Date.now() - started },
        'background resync of unchanged channels done',
      );
    }
  }

  private async pool(size: number, worker: () => Promise<void>): Promise<void> {
    await Promise.all(Array.from({ length: Math.max(1, size) }, () => worker()));
  }

  /** A pause that a new round or stop() cuts short. */
  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.sleepers.add(wake);
    });
  }

  private wakeSleepers(): void {
    for (const wake of [...this.sleepers]) wake();
  }
}
