/**
 * A bridged world on any homeserver: a Matrix user with `rooms` rooms, a platform (through its
 * adapter) with one channel per room, and the bridge config linking each pair. Used by the
 * benchmark (own Synapse) and the fault suite (the shared test Synapse or its own).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BridgeApp } from '../../src/app/bridge-app.js';
import { bridgeConfigSchema, type BridgeConfig, type RetryConfig } from '../../src/config/index.js';
import type { ConnectorDefinition } from '../../src/connector/contract.js';
import { GhostIdCodec } from '../../src/core/ids.js';
import { createLogger, silentLogger } from '../../src/util/logger.js';
import {
  localBridgeConfig,
  writeBridgeConfigFile,
  writeSlotRegistration,
} from '../../test/harness/local-bridge.js';
import { TestMatrixClient } from '../../test/harness/matrix-client.js';
import { registerWithSharedSecret, uniqueLocalpart } from '../../test/harness/register.js';
import type { AppserviceSlot } from '../../test/harness/synapse.js';
import type { PlatformAdapter, PlatformOptions, PlatformWorld } from '../adapters/index.js';

/** The retry policy an operator gets when the config says nothing (the schema defaults). */
const retryDefaults = bridgeConfigSchema.properties.bridge.properties.retry.properties;
export const DEFAULT_RETRY: RetryConfig = {
  max_attempts: retryDefaults.max_attempts.default,
  initial_delay_ms: retryDefaults.initial_delay_ms.default,
  max_delay_ms: retryDefaults.max_delay_ms.default,
};

export interface Homeserver {
  url: string;
  serverName: string;
  registrationSharedSecret: string;
}

export interface WorldOptions {
  homeserver: Homeserver;
  slot: AppserviceSlot;
  adapter: PlatformAdapter;
  /** Portals (Matrix room + platform channel pairs). */
  rooms: number;
  /** Channels to create on the platform (at least `rooms`); the rest are not linked. */
  platformChannels?: number;
  platform?: Omit<PlatformOptions, 'channels'>;
  /** Where the bridge listens, when not on the slot's own port (e.g. behind a proxy). */
  bridgePort?: number;
  /** PGlite folder (default: one in the world's temp folder) or `memory://`. */
  dataDir?: string;
  databaseUrl?: string;
  retry?: RetryConfig;
}

export interface Portal {
  roomId: string;
  channel: string;
}

export interface BridgedWorld {
  adapter: PlatformAdapter;
  platform: PlatformWorld;
  matrix: TestMatrixClient;
  portals: Portal[];
  /** The Matrix user id of the platform user's ghost. */
  ghost: string;
  botUserId: string;
  config: BridgeConfig;
  workDir: string;
  /** Writes the config as YAML (for running the bridge as a process); returns its path. */
  writeConfigFile(): string;
  /** Starts the bridge in this process (with extra connectors, e.g. a test probe). */
  startBridge(logLevel?: string, extra?: ConnectorDefinition<never>[]): Promise<BridgeApp>;
  close(): Promise<void>;
}

export async function createBridgedWorld(o: WorldOptions): Promise<BridgedWorld> {
  const hs = o.homeserver;
  const platform = await o.adapter.start({
    channels: Math.max(o.rooms, o.platformChannels ?? 0),
    ...(o.platform ?? {}),
  });
  const workDir = mkdtempSync(join(tmpdir(), 'bridge-world-'));
  try {
    const user = await registerWithSharedSecret(
      hs.url,
      hs.registrationSharedSecret,
      uniqueLocalpart('maria'),
      { displayName: 'Maria Matrix' },
    );
    const matrix = new TestMatrixClient(hs.url, user.userId, user.accessToken);
    const botUserId = `@${o.slot.senderLocalpart}:${hs.serverName}`;
    const portals: Portal[] = [];
    for (const channel of platform.channels.slice(0, o.rooms)) {
      const roomId = await matrix.createRoom({
        name: `Bridged ${portals.length}`,
        preset: 'private_chat',
        invite: [botUserId],
      });
      portals.push({ roomId, channel });
    }
    const registrationPath = writeSlotRegistration(o.slot, hs.serverName, workDir);
    const config = localBridgeConfig({
      slot: o.slot,
      synapseUrl: hs.url,
      serverName: hs.serverName,
      registrationPath,
      dataDir: o.dataDir ?? join(workDir, 'pglite'),
      databaseUrl: o.databaseUrl,
      roomId: portals[0]?.roomId ?? '',
      links: [],
      connectors: { [o.adapter.id]: platform.connectorConfig },
    });
    config.portals = portals.map((p) => ({
      room: p.roomId,
      links: [{ connector: o.adapter.id, workspace: platform.workspace, channel: p.channel }],
    }));
    if (o.bridgePort) config.appservice.port = o.bridgePort;
    platform.useBridgeWebhooks?.(
      `${config.appservice.public_url.replace(/\/$/, '')}/_bridge/webhooks/${o.adapter.id}`,
    );
    if (o.retry) config.bridge.retry = { ...o.retry };
    const codec = new GhostIdCodec(o.slot.userPrefix, hs.serverName);
    const ghost = codec.encode({
      connector: o.adapter.id,
      workspace: platform.workspace,
      userId: platform.user.id,
    });

    return {
      adapter: o.adapter,
      platform,
      matrix,
      portals,
      ghost,
      botUserId,
      config,
      workDir,
      writeConfigFile: () => writeBridgeConfigFile(config, workDir),
      async startBridge(logLevel, extra = []) {
        const log = logLevel ? createLogger(logLevel) : silentLogger();
        const app = new BridgeApp(config, [o.adapter.definition, ...extra], log);
        await app.start();
        return app;
      },
      async close() {
        await platform.close();
        rmSync(workDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await platform.close();
    rmSync(workDir, { recursive: true, force: true });
    throw err;
  }
}
