/**
 * P4: resident memory and cold-start time of the bridge process with 10,000 portals and
 * 100,000 ghosts in its database. The rows are written straight into the stores before the
 * first start (the rooms are not real Matrix rooms: creating 10,000 rooms in Synapse would
 * take the better part of an hour); their channels exist on the platform, so the connector's
 * start-up work over linked channels is real. One real portal checks the bridge still works.
 */
import { readFileSync } from 'node:fs';
import { GhostIdCodec } from '../src/core/ids.js';
import { openDatabase } from '../src/store/database.js';
import type { BenchWorld } from './env.js';
import type { BridgedWorld } from './lib/world.js';
import { BridgeProcess } from './lib/bridge-process.js';
import { now } from './lib/sync-observer.js';

export interface ScaleRun {
  portals: number;
  ghosts: number;
  /** The bridge's database: the embedded PGlite (default) or PostgreSQL. */
  backend: 'pglite' | 'postgres';
  /** Spawn to the log line "appservice listening" (database open and migrated). */
  listeningMs: number;
  /** Spawn to the connector reporting "connected" (its resync of linked channels done). */
  connectedMs: number;
  /** Spawn to "bridge started" (portals applied, connectors started, rooms joined). */
  coldStartMs: number;
  /** Resident memory when started, and 5 s later. */
  rssAtStartMb: number;
  rssSettledMb: number;
  /** Peak resident memory of the process (VmHWM). */
  peakRssMb: number;
  /** A platform message posted right after start, until a Matrix client sees it. */
  firstMessageMs: number;
}

/** Writes `portals` portals (linked to the platform's spare channels) and `ghosts` ghosts. */
export async function seedStores(
  world: BridgedWorld,
  portals: number,
  ghosts: number,
): Promise<void> {
  const spare = world.platform.channels.slice(world.portals.length);
  if (spare.length < portals)
    throw new Error(`need ${portals} spare channels, have ${spare.length}`);
  const db = await openDatabase({
    url: world.config.database.url,
    dataDir: world.config.database.data_dir,
  });
  try {
    const t = Date.now();
    const serverName = world.config.homeserver.domain;
    const portalRows = Array.from({ length: portals }, (_, i) => ({
      room_id: `!seeded${String(i).padStart(6, '0')}:${serverName}`,
      name: `Seeded ${i}`,
      created_at: t,
    }));
    await db.batchInsert('portals', portalRows, 1000);
    const ids = new Map<string, number>(
      (await db('portals').select('id', 'room_id')).map((r: { id: unknown; room_id: string }) => [
        r.room_id,
        Number(r.id),
      ]),
    );
    const links = portalRows.map((p, i) => ({
      portal_id: ids.get(p.room_id),
      connector: world.adapter.id,
      workspace: world.platform.workspace,
      channel: spare[i] as string,
      source: 'api',
      created_by: null,
      created_at: t,
    }));
    await db.batchInsert('portal_links', links, 1000);
    const codec = new GhostIdCodec(world.config.appservice.ghost_prefix, serverName);
    const ghostRows = Array.from({ length: ghosts }, (_, i) => {
      const remote = `seededuser${i}`;
      return {
        user_id: codec.encode({
          connector: world.adapter.id,
          workspace: world.platform.workspace,
          userId: remote,
        }),
        connector: world.adapter.id,
        workspace: world.platform.workspace,
        remote_user_id: remote,
        display_name: `Seeded User ${i}`,
        avatar_id: null,
        avatar_mxc: null,
        profile_synced_at: t,
      };
    });
    await db.batchInsert('ghosts', ghostRows, 2000);
    // Sanity: the seeded links are what the bridge will load.
    const counted = (await db('portal_links').count({ n: '*' })) as Array<{ n: unknown }>;
    const n = Number(counted[0]?.n ?? 0);
    if (n < portals) throw new Error(`seeding wrote ${n} links`);
  } finally {
    await db.destroy();
  }
}

function vmKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
}

/** One cold start of the bridge process on the seeded database. */
export async function coldStartRun(
  env: BenchWorld,
  run: number,
  configPath: string,
  nodeArgs: string[] = [],
): Promise<ScaleRun & { log: string }> {
  const proc = new BridgeProcess({ configPath, nodeArgs });
  proc.start();
  try {
    const coldStartMs = await proc.waitForLog('bridge started', 600_000);
    const listeningMs = await proc.waitForLog('appservice listening', 1000);
    const connectedMs = proc.logTime('connection state|connected') ?? Number.NaN;
    const pid = proc.pid as number;
    const rssAtStartMb = vmKb(pid, 'VmRSS') / 1024;
    const body = `p4-first-${run}`;
    const t0 = now();
    await env.world.platform.post(env.world.portals[0]!.channel, body);
    const firstMessageMs = (await env.sync.waitForBody(body, 120_000)).at - t0;
    await new Promise((r) => setTimeout(r, 5000));
    return {
      portals: 0,
      ghosts: 0,
      backend: env.world.config.database.url ? 'postgres' : 'pglite',
      listeningMs,
      connectedMs,
      coldStartMs,
      rssAtStartMb,
      rssSettledMb: vmKb(pid, 'VmRSS') / 1024,
      peakRssMb: vmKb(pid, 'VmHWM') / 1024,
      firstMessageMs,
      log: proc.log(),
    };
  } finally {
    await proc.stop();
  }
}
