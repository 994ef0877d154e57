/**
 * The benchmark's environment: its own Synapse, a platform simulator (through the adapter),
 * a bridged world with N portals, the bridge as a separate process, a Matrix client's sync,
 * and a raw appservice sender for the homeserver baselines.
 */
import { randomBytes } from 'node:crypto';
import { GhostIdCodec } from '../src/core/ids.js';
import { freePort } from '../test/harness/ports.js';
import { startSynapse, type AppserviceSlot, type SynapseHandle } from '../test/harness/synapse.js';
import type { PlatformAdapter, RateLimit } from './adapters/index.js';
import { BridgeProcess } from './lib/bridge-process.js';
import { ensureRoot } from './lib/synapse-root.js';
import { SyncObserver } from './lib/sync-observer.js';
import { createBridgedWorld, DEFAULT_RETRY, type BridgedWorld } from './lib/world.js';

export interface Homeserver {
  synapse: SynapseHandle;
  slot: AppserviceSlot;
  stop(): Promise<void>;
}

export async function startHomeserver(): Promise<Homeserver> {
  const root = await ensureRoot();
  const slot: AppserviceSlot = {
    id: `bench-${randomBytes(4).toString('hex')}`,
    url: `http://127.0.0.1:${await freePort()}`,
    asToken: randomBytes(24).toString('hex'),
    hsToken: randomBytes(24).toString('hex'),
    senderLocalpart: 'benchbot',
    userPrefix: '_bench_',
    receiveEphemeral: false,
  };
  const synapse = await startSynapse({ appservices: [slot], root, logLevel: 'WARNING' });
  return { synapse, slot, stop: () => synapse.stop() };
}

export interface BenchWorld {
  /** Synapse's run folder (finds its process for CPU accounting). */
  synapseRunDir: string;
  world: BridgedWorld;
  bridge: BridgeProcess;
  sync: SyncObserver;
  raw: RawSender;
  close(): Promise<void>;
}

/** A bridged world with `rooms` portals and the bridge running as a process. */
export interface BenchWorldOptions {
  rateLimit?: RateLimit;
  nodeArgs?: string[];
  /** Extra platform channels, not linked by the config (P4 links them in the database). */
  platformChannels?: number;
  /** Runs on the world before the bridge's first start (e.g. seeding its database). */
  beforeStart?: (world: BridgedWorld) => Promise<void>;
  /** Start the bridge process (default true; P4 starts its own for each cold start). */
  startBridge?: boolean;
}

export async function startBenchWorld(
  hs: Homeserver,
  adapter: PlatformAdapter,
  rooms: number,
  opts: BenchWorldOptions = {},
): Promise<BenchWorld> {
  const world = await createBridgedWorld({
    homeserver: {
      url: hs.synapse.url,
      serverName: hs.synapse.serverName,
      registrationSharedSecret: hs.synapse.registrationSharedSecret,
    },
    slot: hs.slot,
    adapter,
    rooms,
    retry: DEFAULT_RETRY,
    platform: opts.rateLimit ? { rateLimit: opts.rateLimit } : {},
    platformChannels: opts.platformChannels,
  });
  world.config.logging.level = 'info';
  await opts.beforeStart?.(world);
  const bridge = new BridgeProcess({
    configPath: world.writeConfigFile(),
    nodeArgs: opts.nodeArgs,
  });
  if (opts.startBridge ?? true) {
    bridge.start();
    await bridge.waitForLog('bridge started', 600_000);
  }
  const sync = new SyncObserver(hs.synapse.url, world.matrix.accessToken);
  await sync.start();
  const raw = new RawSender(hs, adapter.id, world);
  return {
    synapseRunDir: hs.synapse.runDir.split('/').pop() as string,
    world,
    bridge,
    sync,
    raw,
    async close() {
      await sync.stop();
      await bridge.stop();
      await world.close();
    },
  };
}

/**
 * Sends exactly what the bridge sends for a platform message (an appservice PUT as a
 * ghost-shaped user), straight to the homeserver: the baseline the bridge is compared with.
 * The user is in the bridge's ghost namespace, so the running bridge ignores its events as
 * echoes, the same as its own.
 */
export class RawSender {
  readonly userId: string;
  private txn = 0;

  constructor(
    private readonly hs: Homeserver,
    connector: string,
    private readonly world: BridgedWorld,
  ) {
    this.userId = new GhostIdCodec(hs.slot.userPrefix, hs.synapse.serverName).encode({
      connector,
      workspace: world.platform.workspace,
      userId: 'bench-raw',
    });
  }

  private async as(method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
    const url = `${this.hs.synapse.url}${path}${path.includes('?') ? '&' : '?'}user_id=${encodeURIComponent(this.userId)}`;
    const res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${this.hs.slot.asToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok && json.errcode !== 'M_USER_IN_USE') {
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    }
    return json;
  }

  /** Registers the user and joins it to every portal room (invited by the room's creator). */
  async prepare(): Promise<void> {
    await this.as('POST', '/_matrix/client/v3/register', {
      type: 'm.login.application_service',
      username: this.userId.slice(1).split(':')[0],
      inhibit_login: true,
    });
    for (const p of this.world.portals) {
      await this.world.matrix.invite(p.roomId, this.userId).catch(() => undefined);
      await this.as('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(p.roomId)}/join`, {});
    }
  }

  async send(roomId: string, body: string): Promise<void> {
    const txn = `raw-${process.pid}-${++this.txn}`;
    await this.as(
      'PUT',
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${txn}`,
      { msgtype: 'm.text', body },
    );
  }
}
