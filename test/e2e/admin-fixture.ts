import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client4 } from '@mattermost/client';
import { BridgeApp } from '../../src/app/bridge-app.js';
import type { AdminConfig, BridgeConfig, PermissionsConfig } from '../../src/config/index.js';
import { definition as mattermost } from '../../connectors/mattermost/index.js';
import {
  startMattermostSimulator,
  type MattermostSimulator,
} from '../../simulators/mattermost/index.js';
import { PATIENT_MATTERMOST } from '../simulators/mattermost/helpers.js';
import { silentLogger } from '../../src/util/logger.js';
import {
  localBridgeConfig,
  mattermostBlock,
  writeSlotRegistration,
} from '../harness/local-bridge.js';
import {
  claimSlot,
  harness,
  newUserClient,
  releaseSlot,
  type AppserviceSlot,
  type TestMatrixClient,
} from '../harness/index.js';
import { E2E_WAIT_MS } from '../harness/wait.js';

/** Everything an administration test needs: a bridge with nothing linked yet, and people. */
export interface AdminWorld {
  slot: AppserviceSlot;
  sim: MattermostSimulator;
  /** Channels the bot is a member of, and one it is not in (private). */
  channels: { townSquare: string; random: string; hidden: string };
  alice: Client4;
  aliceId: string;
  botUserId: string;
  /** admin (level admin), linker (linker), plain (user, by its domain), outsider (none). */
  admin: TestMatrixClient;
  linker: TestMatrixClient;
  plain: TestMatrixClient;
  outsider: TestMatrixClient;
  secret: string;
  bridgeUrl: string;
  config: BridgeConfig;
  bridge: BridgeApp;
  /** Stops the bridge and starts it again with `patch` applied to its config. */
  restart(patch?: Partial<BridgeConfig>): Promise<void>;
  /** A room the linker created (power 100) with the bot invited. */
  newRoom(by?: TestMatrixClient, inviteBot?: boolean): Promise<string>;
  api(
    method: string,
    path: string,
    opts?: { token?: string | null; body?: unknown; rawBody?: string; userId?: string },
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }>;
  ghostOf(mattermostUserId: string): string;
  close(): Promise<void>;
}

export async function createAdminWorld(
  opts: {
    admin?: Partial<AdminConfig>;
    permissions?: PermissionsConfig;
    /** Keep the database in a folder (for restarts); default in memory. */
    persistent?: boolean;
  } = {},
): Promise<AdminWorld> {
  const slot = await claimSlot();
  const h = harness();
  const sim = await startMattermostSimulator(PATIENT_MATTERMOST);
  const team = sim.createTeam('agency', 'Agency');
  const townSquare = sim.createChannel(team.id, 'town-square', { displayName: 'Town Square' });
  const random = sim.createChannel(team.id, 'random', { displayName: 'Random' });
  const hidden = sim.createChannel(team.id, 'hidden', { displayName: 'Hidden', type: 'P' });
  const bot = sim.createUser({ username: 'bridgebot', isBot: true, firstName: 'Bridge' });
  const alice = sim.createUser({ username: 'alice', firstName: 'Alice' });
  for (const u of [bot, alice]) {
    sim.addToTeam(team.id, u.id);
    sim.addToChannel(townSquare.id, u.id);
    sim.addToChannel(random.id, u.id);
  }
  sim.addToChannel(hidden.id, alice.id);
  const aliceClient = new Client4();
  aliceClient.setUrl(sim.url);
  aliceClient.setToken(alice.token);

  const [admin, linker, plain, outsider] = await Promise.all([
    newUserClient('ops-admin'),
    newUserClient('linker'),
    newUserClient('plain'),
    newUserClient('outsider'),
  ]);
  const botUserId = `@${slot.senderLocalpart}:${h.serverName}`;
  const workDir = mkdtempSync(join(tmpdir(), 'bridge-admin-e2e-'));
  const registrationPath = writeSlotRegistration(slot, h.serverName, workDir);
  const secret = randomBytes(24).toString('hex');
  const base = localBridgeConfig({
    slot,
    synapseUrl: h.synapseUrl,
    serverName: h.serverName,
    registrationPath,
    dataDir: opts.persistent ? join(workDir, 'pglite') : 'memory://',
    roomId: '!unused:localhost',
    links: [],
    connectors: { mattermost: mattermostBlock(sim.url, bot.token) },
  });
  const config: BridgeConfig = {
    ...base,
    portals: [],
    permissions: opts.permissions ?? {
      [admin.userId]: 'admin',
      [linker.userId]: 'linker',
      [outsider.userId]: 'none',
      [h.serverName]: 'user',
    },
    admin: {
      provisioning: {
        enabled: true,
        secret,
        openid: true,
        rate_limit_per_minute: 600,
        session_minutes: 60,
      },
      console: { enabled: true },
      commands: { enabled: true },
      metrics: { enabled: true },
      audit_retention_days: 365,
      removed_config_links: 'unlink',
      ...opts.admin,
    },
  };
  const startBridge = async (c: BridgeConfig): Promise<BridgeApp> => {
    const app = new BridgeApp(c, [mattermost], silentLogger());
    await app.start();
    await eventually(
      async () =>
        app.states.all().some((s) => s.connector === 'mattermost' && s.status === 'connected') ||
        undefined,
      'the Mattermost connector to connect',
    );
    return app;
  };
  const bridge = await startBridge(config);
  const bridgeUrl = slot.url;

  const world: AdminWorld = {
    slot,
    sim,
    channels: { townSquare: townSquare.id, random: random.id, hidden: hidden.id },
    alice: aliceClient,
    aliceId: alice.id,
    botUserId,
    admin,
    linker,
    plain,
    outsider,
    secret,
    bridgeUrl,
    config,
    bridge,
    async restart(patch = {}) {
      await world.bridge.stop();
      world.config = { ...world.config, ...patch };
      world.bridge = await startBridge(world.config);
    },
    async newRoom(by = linker, inviteBot = true) {
      return by.createRoom({
        name: `admin-e2e-${randomBytes(3).toString('hex')}`,
        preset: 'private_chat',
        invite: inviteBot ? [botUserId] : [],
      });
    },
    async api(method, path, o = {}) {
      const url = new URL(`${bridgeUrl}/_bridge/admin/v1${path}`);
      if (o.userId) url.searchParams.set('user_id', o.userId);
      const headers: Record<string, string> = {};
      const token = o.token === undefined ? secret : o.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined = o.rawBody;
      if (o.body !== undefined) body = JSON.stringify(o.body);
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(url, { method, headers, body });
      const text = await res.text();
      return {
        status: res.status,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        headers: res.headers,
      };
    },
    ghostOf: (id) => `@${slot.userPrefix}mattermost_main_${id}:${h.serverName}`,
    async close() {
      await world.bridge.stop().catch(() => undefined);
      await sim.close();
      releaseSlot(slot);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
  return world;
}

/** Polls `check` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = E2E_WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
