import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client4 } from '@mattermost/client';
import { BridgeApp } from '../../src/app/bridge-app.js';
import type { BridgeConfig, PortalLinkConfig } from '../../src/config/index.js';
import { definition as rocketchat } from '../../connectors/rocketchat/index.js';
import { definition as mattermost } from '../../connectors/mattermost/index.js';
import {
  startRocketChatSimulator,
  type RocketChatSimulator,
  type SimRoom,
  type SimUser,
} from '../../simulators/rocketchat/index.js';
import {
  startMattermostSimulator,
  type MattermostSimulator,
} from '../../simulators/mattermost/index.js';
import { PATIENT_MATTERMOST } from '../simulators/mattermost/helpers.js';
import { GhostIdCodec } from '../../src/core/ids.js';
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

/** A 1×1 PNG. */
export const PIXEL = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5c3a1d30000000049454e44ae426082',
  'hex',
);

export type RcMessage = {
  _id: string;
  msg: string;
  u: { _id: string; username: string };
  alias?: string;
  avatar?: string;
  tmid?: string;
  file?: { name: string; size: number; type: string };
  reactions?: Record<string, { usernames: string[] }>;
  attachments?: Array<Record<string, unknown>>;
};

export interface MattermostSide {
  sim: MattermostSimulator;
  channelId: string;
  bot: { id: string; token: string };
  carol: { id: string; client: Client4 };
}

export interface RocketWorld {
  slot: AppserviceSlot;
  sim: RocketChatSimulator;
  room: SimRoom;
  bot: SimUser;
  alice: SimUser;
  matrix: TestMatrixClient;
  roomId: string;
  config: BridgeConfig;
  mattermost?: MattermostSide;
  ghostOf(rocketUserId: string): string;
  /** REST as Alice (X-User-Id + X-Auth-Token). */
  asAlice(path: string, body?: unknown): Promise<Record<string, unknown>>;
  /** Messages the bridge bot posted in the room. */
  waitForBotMessages(
    count: number,
    predicate?: (m: RcMessage) => boolean,
    timeoutMs?: number,
  ): Promise<RcMessage[]>;
  close(): Promise<void>;
}

/** A Rocket.Chat simulator (and optionally a Mattermost one) linked to one Matrix room. */
export async function createRocketWorld(
  opts: { withMattermost?: boolean } = {},
): Promise<RocketWorld> {
  const slot = await claimSlot();
  const h = harness();
  const sim = await startRocketChatSimulator();
  const bot = sim.createUser({ username: 'bridgebot', name: 'Bridge Bot', bot: true });
  const alice = sim.createUser({ username: 'alice', name: 'Alice Andersson', avatarPng: PIXEL });
  const room = sim.createRoom('town-square', { fname: 'Town Square' });
  for (const u of [bot, alice]) sim.addToRoom(room._id, u._id);

  const links: PortalLinkConfig[] = [
    { connector: 'rocketchat', workspace: 'main', channel: room._id },
  ];
  const connectors: Record<string, Record<string, unknown>> = {
    rocketchat: {
      workspaces: { main: { url: sim.url, user_id: bot._id, token: bot.token, identity: 'auto' } },
    },
  };
  let mm: MattermostSide | undefined;
  if (opts.withMattermost) {
    const msim = await startMattermostSimulator(PATIENT_MATTERMOST);
    const team = msim.createTeam('agency', 'Agency');
    const channel = msim.createChannel(team.id, 'town-square', { displayName: 'Town Square' });
    const mbot = msim.createUser({ username: 'bridgebot', isBot: true });
    const carol = msim.createUser({ username: 'carol', firstName: 'Carol', lastName: 'Carlsson' });
    for (const u of [mbot, carol]) {
      msim.addToTeam(team.id, u.id);
      msim.addToChannel(channel.id, u.id);
    }
    const client = new Client4();
    client.setUrl(msim.url);
    client.setToken(carol.token);
    mm = {
      sim: msim,
      channelId: channel.id,
      bot: { id: mbot.id, token: mbot.token },
      carol: { id: carol.id, client },
    };
    links.push({ connector: 'mattermost', workspace: 'main', channel: channel.id });
    connectors.mattermost = mattermostBlock(msim.url, mbot.token);
  }

  const matrix = await newUserClient('maria', { displayName: 'Maria Matrix' });
  await matrix.setAvatarUrl(
    await matrix.uploadMedia(new Uint8Array(PIXEL), 'image/png', 'maria.png'),
  );
  const botUserId = `@${slot.senderLocalpart}:${h.serverName}`;
  const roomId = await matrix.createRoom({
    name: 'Bridged',
    preset: 'private_chat',
    invite: [botUserId],
  });
  const workDir = mkdtempSync(join(tmpdir(), 'bridge-e2e-rc-'));
  const config = localBridgeConfig({
    slot,
    synapseUrl: h.synapseUrl,
    serverName: h.serverName,
    registrationPath: writeSlotRegistration(slot, h.serverName, workDir),
    dataDir: 'memory://',
    roomId,
    links,
    connectors,
  });

  const codec = new GhostIdCodec(slot.userPrefix, h.serverName);
  return {
    slot,
    sim,
    room,
    bot,
    alice,
    matrix,
    roomId,
    config,
    mattermost: mm,
    ghostOf: (id) => codec.encode({ connector: 'rocketchat', workspace: 'main', userId: id }),
    async asAlice(path, body) {
      const res = await fetch(`${sim.url}/api/v1/${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          'X-User-Id': alice._id,
          'X-Auth-Token': alice.token,
          'Content-Type': 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await res.json()) as Record<string, unknown>;
    },
    async waitForBotMessages(count, predicate = () => true, timeoutMs = E2E_WAIT_MS) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mine = (sim.messages(room._id) as unknown as RcMessage[]).filter(
          (m) => m.u._id === bot._id && predicate(m),
        );
        if (mine.length >= count) return mine;
        if (Date.now() > deadline) {
          throw new Error(
            `timed out waiting for ${count} bridged messages; have ${JSON.stringify(mine.map((m) => m.msg))}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await sim.close();
      await mm?.sim.close();
      releaseSlot(slot);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Starts the bridge in this process with the Rocket.Chat (and Mattermost) connectors. */
export async function startRocketBridge(world: RocketWorld): Promise<BridgeApp> {
  const app = new BridgeApp(world.config, [rocketchat, mattermost], silentLogger());
  await app.start();
  return app;
}
