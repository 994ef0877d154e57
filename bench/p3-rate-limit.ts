/**
 * P3: Matrix -> platform throughput while the platform enforces a rate limit on the bridge's
 * token, as a ratio to that limit, and how many messages never arrived. Matrix sends go as
 * fast as the homeserver takes them (faster than the limit); the platform's own creation
 * timestamps time the deliveries.
 */
import type { RateLimit } from './adapters/index.js';
import type { BenchWorld } from './env.js';
import { now } from './lib/sync-observer.js';

export interface RateLimitRun {
  messages: number;
  limit: RateLimit;
  perSecond: number;
  ratio: number;
  lost: number;
  seconds: number;
}

export async function rateLimitRun(
  env: BenchWorld,
  run: number,
  count: number,
  limit: RateLimit,
): Promise<RateLimitRun> {
  const { world } = env;
  const rooms = world.portals.length;
  const prefix = `p3-${run}-`;
  const expectedSeconds = count / limit.perSecond;
  world.platform.faults.setRateLimit(limit);
  try {
    const t0 = now();
    await Promise.all(
      world.portals.map(async (p, r) => {
        for (let i = r; i < count; i += rooms)
          await world.matrix.sendMessage(p.roomId, `${prefix}${i}`);
      }),
    );
    // Wait for everything, or long enough that whatever is missing has been given up on.
    const deadline = Date.now() + expectedSeconds * 3000 + 60_000;
    let delivered: Array<{ text: string; at: number }> = [];
    for (;;) {
      delivered = (
        await Promise.all(world.portals.map((p) => world.platform.bridgedMessages(p.channel)))
      )
        .flat()
        .filter((m) => m.text.startsWith(prefix));
      if (new Set(delivered.map((m) => m.text)).size >= count || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    const distinct = new Set(delivered.map((m) => m.text)).size;
    const seconds = (Math.max(...delivered.map((m) => m.at)) - t0) / 1000;
    const perSecond = distinct / seconds;
    return {
      messages: count,
      limit,
      perSecond,
      ratio: perSecond / limit.perSecond,
      lost: count - distinct,
      seconds,
    };
  } finally {
    world.platform.faults.setRateLimit(false);
  }
}
