/**
 * P1: platform -> Matrix throughput of the bridge, as a ratio to the rate at which the same
 * Synapse accepts the same appservice sends driven directly, with the same rooms and the
 * same concurrency (one send in flight per room, as the bridge's per-portal workers do).
 * Both are timed from the first send to the moment a Matrix client's /sync shows the last.
 */
import type { BenchWorld } from './env.js';
import { cpuMs, findPid } from './lib/cpu.js';
import { now } from './lib/sync-observer.js';

export interface ThroughputRun {
  messages: number;
  rawPerSecond: number;
  bridgedPerSecond: number;
  ratio: number;
  /** Messages that never showed up in Matrix (should be 0). */
  missing: number;
  /** CPU milliseconds per message: Synapse in each run, the bridge in the bridged run. */
  cpuMsPerMessage: {
    synapseRaw: number;
    synapseBridged: number;
    bridge: number;
    bridgeIdle: number;
  };
}

/** `count` messages, spread round-robin over the rooms, one sequential sender per room. */
async function perRoom(
  rooms: number,
  count: number,
  send: (room: number, i: number) => Promise<void>,
): Promise<void> {
  await Promise.all(
    Array.from({ length: rooms }, async (_, r) => {
      for (let i = r; i < count; i += rooms) await send(r, i);
    }),
  );
}

interface Timed {
  perSecond: number;
  missing: number;
  synapseCpuMs: number;
  bridgeCpuMs: number;
}

async function timed(
  env: BenchWorld,
  prefix: string,
  count: number,
  sender: string,
  run: () => Promise<void>,
  timeoutMs: number,
): Promise<Timed> {
  const match = (s: { body: string; sender: string }): boolean =>
    s.sender === sender && s.body.startsWith(prefix);
  const synapsePid = findPid(env.synapseRunDir) ?? -1;
  const bridgePid = env.bridge.pid ?? -1;
  const cpu0 = [cpuMs(synapsePid), cpuMs(bridgePid)] as const;
  const t0 = now();
  await run();
  const seen = await env.sync
    .waitFor(match, count, timeoutMs)
    .catch(() => env.sync.seen.filter(match));
  const cpu1 = [cpuMs(synapsePid), cpuMs(bridgePid)] as const;
  const distinct = new Set(seen.map((s) => s.body));
  const last = Math.max(...seen.map((s) => s.at));
  return {
    perSecond: distinct.size / ((last - t0) / 1000),
    missing: count - distinct.size,
    synapseCpuMs: cpu1[0] - cpu0[0],
    bridgeCpuMs: cpu1[1] - cpu0[1],
  };
}

export async function throughputRun(
  env: BenchWorld,
  run: number,
  count: number,
): Promise<ThroughputRun> {
  const { world, raw } = env;
  const rooms = world.portals.length;
  const timeoutMs = 30_000 + count * 200;
  const measureRaw = (): Promise<Timed> =>
    timed(
      env,
      `p1raw-${run}-`,
      count,
      raw.userId,
      () =>
        perRoom(rooms, count, (r, i) => raw.send(world.portals[r]!.roomId, `p1raw-${run}-${i}`)),
      timeoutMs,
    );
  const measureBridged = (): Promise<Timed> =>
    timed(
      env,
      `p1br-${run}-`,
      count,
      world.ghost,
      () =>
        perRoom(rooms, count, (r, i) =>
          world.platform.post(world.portals[r]!.channel, `p1br-${run}-${i}`),
        ),
      timeoutMs,
    );
  // Alternate which goes first, so a drift in the machine's load does not favour one side.
  const [rawResult, bridged] =
    run % 2 === 0
      ? [await measureRaw(), await measureBridged()]
      : await (async () => {
          const b = await measureBridged();
          return [await measureRaw(), b] as const;
        })();
  return {
    messages: count,
    rawPerSecond: rawResult.perSecond,
    bridgedPerSecond: bridged.perSecond,
    ratio: bridged.perSecond / rawResult.perSecond,
    missing: bridged.missing + rawResult.missing,
    cpuMsPerMessage: {
      synapseRaw: rawResult.synapseCpuMs / count,
      synapseBridged: bridged.synapseCpuMs / count,
      bridge: bridged.bridgeCpuMs / count,
      // The bridge also sees the raw run's events (as echoes it ignores).
      bridgeIdle: rawResult.bridgeCpuMs / count,
    },
  };
}

/** One message per room each way, so ghosts are registered and joined before timing. */
export async function warmPortals(env: BenchWorld): Promise<void> {
  const { world, raw } = env;
  await raw.prepare();
  await Promise.all(
    world.portals.map(async (p, r) => {
      await world.platform.post(p.channel, `warm-${r}`);
      await raw.send(p.roomId, `warmraw-${r}`);
    }),
  );
  await env.sync.waitFor((s) => s.body.startsWith('warm-'), world.portals.length, 120_000);
  await env.sync.waitFor((s) => s.body.startsWith('warmraw-'), world.portals.length, 120_000);
}
