/**
 * A bridged world on the homeserver stub (P0): the bridge as a process between the stub and a
 * platform simulator, `rooms` portals, and the homeserver's side of the appservice API
 * (transactions pushed to the bridge) in the benchmark's hands.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  localBridgeConfig,
  writeBridgeConfigFile,
  writeSlotRegistration,
} from '../../test/harness/local-bridge.js';
import type { AppserviceSlot } from '../../test/harness/synapse.js';
import type { PlatformAdapter, PlatformWorld } from '../adapters/index.js';
import { BridgeProcess } from './bridge-process.js';
import { StubHomeserver } from './stub-homeserver.js';

const SERVER_NAME = 'stub.bench';

export interface StubWorldOptions {
  /** PostgreSQL database for the bridge; PGlite in the world's folder when absent. */
  databaseUrl?: string;
  nodeArgs?: string[];
  /** How long the bridge may take to start (default 10 min: a cold PGlite on a busy machine). */
  startTimeoutMs?: number;
}

export interface MatrixEvent {
  roomId: string;
  body: string;
}

export interface StubWorld {
  stub: StubHomeserver;
  platform: PlatformWorld;
  /** Matrix room id per portal, with its platform channel. */
  portals: { roomId: string; channel: string }[];
  bridge: BridgeProcess;
  /** The Matrix user whose messages the transactions carry. */
  matrixUser: string;
  /** Pushes one appservice transaction; resolves with the ms until the bridge answered 200. */
  pushTransaction(events: MatrixEvent[]): Promise<number>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function stubSlot(port: number): AppserviceSlot {
  return {
    id: 'bench-stub',
    url: `http://127.0.0.1:${port}`,
    asToken: randomBytes(16).toString('hex'),
    hsToken: randomBytes(16).toString('hex'),
    senderLocalpart: 'p0bot',
    userPrefix: 'p0ghost',
  };
}

export async function startStubWorld(
  adapter: PlatformAdapter,
  rooms: number,
  o: StubWorldOptions = {},
): Promise<StubWorld> {
  const slot = stubSlot(await freePort());
  const matrixUser = `@maria:${SERVER_NAME}`;
  const botUserId = `@${slot.senderLocalpart}:${SERVER_NAME}`;
  const stub = new StubHomeserver({
    serverName: SERVER_NAME,
    asToken: slot.asToken,
    botUserId,
    members: [matrixUser, botUserId],
  });
  await stub.start();
  const platform = await adapter.start({ channels: rooms });
  const workDir = mkdtempSync(join(tmpdir(), 'bench-stub-'));
  const portals = platform.channels
    .slice(0, rooms)
    .map((channel, i) => ({ roomId: `!p0room${i}:${SERVER_NAME}`, channel }));
  const config = localBridgeConfig({
    slot,
    synapseUrl: stub.url,
    serverName: SERVER_NAME,
    registrationPath: writeSlotRegistration(slot, SERVER_NAME, workDir),
    dataDir: join(workDir, 'pglite'),
    databaseUrl: o.databaseUrl,
    roomId: portals[0]!.roomId,
    links: [],
    connectors: { [adapter.id]: platform.connectorConfig },
  });
  config.portals = portals.map((p) => ({
    room: p.roomId,
    links: [{ connector: adapter.id, workspace: platform.workspace, channel: p.channel }],
  }));
  // The start-up and connection lines the benchmark waits for are at info.
  config.logging.level = 'info';
  platform.useBridgeWebhooks?.(`${slot.url}/_bridge/webhooks/${adapter.id}`);
  const bridge = new BridgeProcess({
    configPath: writeBridgeConfigFile(config, workDir),
    nodeArgs: o.nodeArgs,
  });
  bridge.start();
  let txn = 0;
  let eventNo = 0;
  const close = async (): Promise<void> => {
    await bridge.stop();
    await platform.close();
    await stub.stop();
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    await bridge.waitForLog('bridge started', o.startTimeoutMs ?? 600_000);
  } catch (err) {
    const tail = bridge.log().slice(-4000);
    await close();
    throw new Error(
      `${String(err)}\nbridge log tail:\n${tail}\nunknown stub routes: ${[...stub.unknownRoutes].join(', ')}`,
    );
  }
  return {
    stub,
    platform,
    portals,
    bridge,
    matrixUser,
    async pushTransaction(events) {
      const body = {
        events: events.map((e) => ({
          type: 'm.room.message',
          room_id: e.roomId,
          sender: matrixUser,
          event_id: `$p0ev${process.pid}-${++eventNo}`,
          origin_server_ts: Date.now(),
          content: { msgtype: 'm.text', body: e.body },
        })),
      };
      const started = performance.now();
      const res = await fetch(`${slot.url}/_matrix/app/v1/transactions/p0-${++txn}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${slot.hsToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`transaction ${txn}: the bridge answered ${res.status}`);
      return performance.now() - started;
    },
    close,
  };
}
