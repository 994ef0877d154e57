/**
 * P2: latency the bridge adds between a platform message and the moment a Matrix client
 * sees it, against the homeserver's own round trip for the same appservice send (send ->
 * visible in /sync). One message at a time, so queues play no part.
 */
import type { BenchWorld } from './env.js';
import { percentile } from './lib/stats.js';
import { now } from './lib/sync-observer.js';

export interface LatencyRun {
  samples: number;
  raw: { p50: number; p99: number };
  bridged: { p50: number; p99: number };
  added: { p50: number; p99: number };
  /** The platform API call that posts (part of every bridged sample, not the bridge's). */
  post: { p50: number };
}

export async function latencyRun(
  env: BenchWorld,
  run: number,
  samples: number,
  gapMs = 40,
): Promise<LatencyRun> {
  const { world, raw, sync } = env;
  const portal = world.portals[0]!;
  const rawMs: number[] = [];
  const bridgedMs: number[] = [];
  const postMs: number[] = [];
  for (let i = 0; i < samples; i++) {
    // Interleaved, so both see the same machine at the same moment.
    const rb = `p2raw-${run}-${i}`;
    let t0 = now();
    await raw.send(portal.roomId, rb);
    rawMs.push((await sync.waitForBody(rb)).at - t0);
    await new Promise((r) => setTimeout(r, gapMs));
    const bb = `p2br-${run}-${i}`;
    t0 = now();
    await world.platform.post(portal.channel, bb);
    postMs.push(now() - t0);
    bridgedMs.push((await sync.waitForBody(bb)).at - t0);
    await new Promise((r) => setTimeout(r, gapMs));
  }
  const pct = (v: number[]): { p50: number; p99: number } => ({
    p50: percentile(v, 50),
    p99: percentile(v, 99),
  });
  const r = pct(rawMs);
  const b = pct(bridgedMs);
  return {
    samples,
    raw: r,
    bridged: b,
    added: { p50: b.p50 - r.p50, p99: b.p99 - r.p99 },
    post: { p50: percentile(postMs, 50) },
  };
}
