/**
 * Outbound ordering and pacing. Every write to one Teams conversation runs in one queue, in
 * the order the core asked for it, paced to stay inside Teams' sliding-window limits. A
 * 429/412/502/503/504 answer is waited out (Retry-After, else exponential back-off) and the
 * same request repeated in place, so nothing behind it overtakes it; only a wait too long
 * to hold the queue is handed back to the core as a retryable RemoteApiError.
 */
import type { Logger } from 'pino';
import { RemoteApiError } from '../../src/connector/index.js';

export interface Window {
  limit: number;
  windowMs: number;
}

/** A little under Teams' per-bot-per-conversation limits (7/1 s, 8/2 s, 60/30 s, 1800/h). */
export const BOT_WINDOWS: Window[] = [
  { limit: 6, windowMs: 1000 },
  { limit: 7, windowMs: 2000 },
  { limit: 55, windowMs: 30_000 },
  { limit: 1700, windowMs: 3_600_000 },
];

/** Graph: message POSTs per app per tenant (2 per second). */
export const GRAPH_POST_WINDOWS: Window[] = [{ limit: 2, windowMs: 1000 }];

export class RateWindows {
  private readonly slots = new Map<string, number[]>();

  constructor(private readonly windows: Window[]) {}

  /** Books the earliest slot for `key` that fits every window; returns how long to wait for it. */
  reserve(key: string, now = Date.now()): number {
    const longest = Math.max(...this.windows.map((w) => w.windowMs));
    const list = (this.slots.get(key) ?? []).filter((t) => t > now - longest);
    let at = now;
    for (let moved = true; moved;) {
      moved = false;
      for (const w of this.windows) {
        const inWindow = list.filter((t) => t > at - w.windowMs && t <= at);
        if (inWindow.length >= w.limit) {
          at = inWindow[inWindow.length - w.limit]! + w.windowMs + 1;
          moved = true;
        }
      }
    }
    list.push(at);
    list.sort((a, b) => a - b);
    this.slots.set(key, list);
    return at - now;
  }
}

const RETRY_STATUSES = new Set([412, 429, 502, 503, 504]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface QueueOptions {
  /** Longest single wait held inside the queue; longer ones go back to the core. */
  maxWaitMs?: number;
  maxAttempts?: number;
}

export class SendQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly maxWaitMs: number;
  private readonly maxAttempts: number;

  constructor(
    private readonly log: Logger,
    opts: QueueOptions = {},
  ) {
    this.maxWaitMs = opts.maxWaitMs ?? 30_000;
    this.maxAttempts = opts.maxAttempts ?? 5;
  }

  /** Runs `op` after everything queued before it for `conversation`, paced by `pace` (windows + key). */
  run<T>(
    conversation: string,
    pace: Array<[RateWindows, string]>,
    op: () => Promise<T>,
  ): Promise<T> {
    const prev = this.tails.get(conversation) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.attempt(conversation, pace, op));
    const tail = next.catch(() => undefined);
    this.tails.set(conversation, tail);
    void tail.then(() => {
      if (this.tails.get(conversation) === tail) this.tails.delete(conversation);
    });
    return next;
  }

  private async attempt<T>(
    conversation: string,
    pace: Array<[RateWindows, string]>,
    op: () => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const wait = Math.max(0, ...pace.map(([w, key]) => w.reserve(key)));
      if (wait > 0) await sleep(wait);
      try {
        return await op();
      } catch (err) {
        if (!(err instanceof RemoteApiError) || !err.retryable || attempt >= this.maxAttempts)
          throw err;
        // A network failure may have sent the request already: that one is the core's call.
        if (err.status === undefined || !RETRY_STATUSES.has(err.status)) throw err;
        const delay = err.retryAfterMs ?? Math.min(8000, 500 * 2 ** (attempt - 1));
        if (delay > this.maxWaitMs) throw err;
        this.log.info(
          { channel: conversation, status: err.status, delayMs: delay, attempt },
          'Teams asked to slow down; retrying in order',
        );
        await sleep(delay);
      }
    }
  }
}
