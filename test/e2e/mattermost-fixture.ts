import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client4 } from '@mattermost/client';
import { BridgeApp } from '../../src/app/bridge-app.js';
import type { BridgeConfig } from '../../src/config/index.js';
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

export interface MattermostWorld {
  slot: AppserviceSlot;
  sim: MattermostSimulator;
  teamId: string;
  channelId: string;
  bot: { id: string; token: string };
  alice: { id: string; username: string; client: Client4 };
  matrix: TestMatrixClient;
  roomId: string;
  botUserId: string;
  workDir: string;
  registrationPath: string;
  config: BridgeConfig;
  ghostOf(mattermostUserId: string): string;
  waitForPosts(
    count: number,
    predicate?: (p: { message: string }) => boolean,
    timeoutMs?: number,
  ): Promise<Array<ReturnType<MattermostSimulator['posts']>[number]>>;
  close(): Promise<void>;
}

/** Everything an end-to-end test needs: a Mattermost simulator, a Synapse slot, a linked room. */
export async function createWorld(
  opts: { databaseUrl?: string; dataDir?: string } = {},
): Promise<MattermostWorld> {
  const slot = await claimSlot();
  const h = harness();
  const sim = await startMattermostSimulator(PATIENT_MATTERMOST);
  const team = sim.createTeam('agency', 'Agency');
  const channel = sim.createChannel(team.id, 'town-square', { displayName: 'Town Square' });
  const bot = sim.createUser({ username: 'bridgebot', isBot: true, firstName: 'Bridge' });
  const alice = sim.createUser({ username: 'alice', firstName: 'Alice', lastName: 'Andersson' });
  for (const u of [bot, alice]) {
    sim.addToTeam(team.id, u.id);
    sim.addToChannel(channel.id, u.id);
  }
  const aliceClient = new Client4();
  aliceClient.setUrl(sim.url);
  aliceClient.setToken(alice.token);

  const matrix = await newUserClient('maria', { displayName: 'Maria Matrix' });
  const botUserId = `@${slot.senderLocalpart}:${h.serverName}`;
  const roomId = await matrix.createRoom({
    name: 'Bridged',
    preset: 'private_chat',
    invite: [botUserId],
  });

  const workDir = mkdtempSync(join(tmpdir(), 'bridge-e2e-'));
  const registrationPath = writeSlotRegistration(slot, h.serverName, workDir);
  const config = localBridgeConfig({
    slot,
    synapseUrl: h.synapseUrl,
    serverName: h.serverName,
    registrationPath,
    dataDir: opts.dataDir ?? 'memory://',
    databaseUrl: opts.databaseUrl,
    roomId,
    links: [{ connector: 'mattermost', workspace: 'main', channel: channel.id }],
    connectors: { mattermost: mattermostBlock(sim.url, bot.token) },
  });

  const world: MattermostWorld = {
    slot,
    sim,
    teamId: team.id,
    channelId: channel.id,
    bot: { id: bot.id, token: bot.token },
    alice: { id: alice.id, username: 'alice', client: aliceClient },
    matrix,
    roomId,
    botUserId,
    workDir,
    registrationPath,
    config,
    ghostOf: (id) => `@${slot.userPrefix}mattermost_main_${id}:${h.serverName}`,
    async waitForPosts(count, predicate = () => true, timeoutMs = E2E_WAIT_MS) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const posts = sim.posts(channel.id).filter((p) => p.user_id === bot.id && predicate(p));
        if (posts.length >= count) return posts;
        if (Date.now() > deadline) {
          throw new Error(
            `timed out waiting for ${count} bridged posts; have ${posts.length}: ${JSON.stringify(posts.map((p) => p.message))}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await sim.close();
      releaseSlot(slot);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
  return world;
}

/** Starts the bridge in this process. */
export async function startBridge(world: MattermostWorld): Promise<BridgeApp> {
  const app = new BridgeApp(world.config, [mattermost], silentLogger());
  await app.start();
  return app;
}
