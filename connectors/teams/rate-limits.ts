/**
 * Teams' published send limits as the toolkit's token buckets. A bucket of burst `b` and rate
 * `r` lets at most ⌊b + r·W⌋ requests into any window of `W` seconds, so the buckets below keep
 * every window Teams counts (checked by a test against the windows themselves).
 */
import type { BucketLimit } from '../../src/connector/index.js';

export interface Window {
  limit: number;
  windowMs: number;
}

/** Bot Connector, per bot per conversation: 7/1 s, 8/2 s, 60/30 s, 1800/h. */
export const BOT_WINDOWS: Window[] = [
  { limit: 7, windowMs: 1000 },
  { limit: 8, windowMs: 2000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1800, windowMs: 3_600_000 },
];

/** 4 + 1.8·W keeps the short windows (5, 7, 58); 50 + W·1700/h keeps the hour (1750). */
export const BOT_LIMITS: BucketLimit[] = [
  { burst: 4, perSecond: 1.8 },
  { burst: 50, perSecond: 1700 / 3600 },
];

/**
 * Graph reads per app per tenant (or per linked user): Graph documents 5 per second for
 * channel messages, the strictest read it counts; 5 + 5·W stays within twice that in any
 * second and at the rate over longer windows, and a 429 pauses the key anyway.
 */
export const GRAPH_READ_LIMITS: BucketLimit[] = [{ burst: 5, perSecond: 5 }];

/** Graph: message POSTs per app per tenant, 2 per second. */
export const GRAPH_POST_WINDOWS: Window[] = [{ limit: 2, windowMs: 1000 }];

/** 1 + 1.9·1 s: two in any second, at close to the full rate. */
export const GRAPH_POST_LIMITS: BucketLimit[] = [{ burst: 1, perSecond: 1.9 }];
