import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { BridgeApp } from '../../src/app/bridge-app.js';
import type { BridgeConfig, PortalLinkConfig } from '../../src/config/index.js';
import type { ConnectorDefinition } from '../../src/connector/contract.js';
import { definition as slack } from '../../connectors/slack/index.js';
import {
  startSlackSimulator,
  type AppCredentials,
  type SimMessage,
  type SlackSimulator,
} from '../../simulators/slack/index.js';
import { silentLogger } from '../../src/util/logger.js';
import { localBridgeConfig, writeSlotRegistration } from '../harness/local-bridge.js';
import {
  claimSlot,
  harness,
  newUserClient,
  releaseSlot,
  type AppserviceSlot,
  type TestMatrixClient,
} from '../harness/index.js';
import { E2E_WAIT_MS } from '../harness/wait.js';

export type SlackMode = 'socket' | 'events';

export interface SlackSide {
  sim: SlackSimulator;
  teamId: string;
  channelId: string;
  app: AppCredentials;
  alice: { id: string; token: string; client: WebClient };
  bob: { id: string; token: string; client: WebClient };
  /** The connector block for `connectors.slack`. */
  block: Record<string, unknown>;
  link: PortalLinkConfig;
  /** Bridged messages (posted by the bridge bot) matching `predicate`, waiting for `count`. */
  waitForBridged(
    count: number,
    predicate?: (m: SimMessage) => boolean,
    timeoutMs?: number,
  ): Promise<SimMessage[]>;
  message(ts: string): SimMessage | undefined;
}

const SLOW_MACHINE_ANSWER_MS = 20_000;

/** A simulated Slack workspace with Alice and Bob in #general, and the bridge app installed. */
export async function createSlackSide(mode: SlackMode, slot: AppserviceSlot): Promise<SlackSide> {
  // Slack gives an answer or an ack 3 s before it retries; the unit tests cover that. Here a
  // loaded machine must not turn a slow answer into retries these tests do not expect.
  const sim = await startSlackSimulator({
    socketMode: { ackTimeoutMs: SLOW_MACHINE_ANSWER_MS },
    httpEvents: { timeoutMs: SLOW_MACHINE_ANSWER_MS },
  });
  const team = sim.createWorkspace({ name: 'Agency' });
  const app = sim.createApp(team.id, { name: 'Matrix Bridge', botName: 'bridge' });
  const mkUser = (name: string, realName: string) => {
    const u = sim.createUser(team.id, { name, realName });
    return { ...u, client: new WebClient(u.token, { slackApiUrl: sim.apiUrl }) };
  };
  const alice = mkUser('alice', 'Alice Andersson');
  const bob = mkUser('bob', 'Bob Berg');
  const channel = sim.createChannel(team.id, 'general', {
    members: [alice.id, bob.id, app.botUserId],
  });
  const requestUrl = `${slot.url}/_bridge/webhooks/slack/events/main`;
  sim.setEventDelivery(
    app.appId,
    mode === 'socket' ? { mode: 'socket' } : { mode: 'http', requestUrl },
  );
  const block = {
    workspaces: {
      main: {
        bot_token: app.botToken,
        mode,
        api_url: sim.apiUrl,
        ...(mode === 'socket'
          ? { app_token: app.appToken }
          : { signing_secret: app.signingSecret }),
      },
    },
  };
  const bridged = (m: SimMessage) => m.bot_id === app.botId;
  return {
    sim,
    teamId: team.id,
    channelId: channel.id,
    app,
    alice,
    bob,
    block,
    link: { connector: 'slack', workspace: 'main', channel: channel.id },
    async waitForBridged(count, predicate = () => true, timeoutMs = E2E_WAIT_MS) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = sim.messages(channel.id).filter((m) => bridged(m) && predicate(m));
        if (found.length >= count) return found;
        if (Date.now() > deadline) {
          throw new Error(
            `timed out waiting for ${count} bridged Slack messages; have ${JSON.stringify(found.map((m) => m.text))}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    message: (ts) => sim.messages(channel.id).find((m) => m.ts === ts),
  };
}

export interface BridgeWorld {
  slot: AppserviceSlot;
  matrix: TestMatrixClient;
  roomId: string;
  config: BridgeConfig;
  ghostOf(connector: string, userId: string): string;
  start(definitions: ConnectorDefinition<never>[]): Promise<BridgeApp>;
  close(): Promise<void>;
}

/** A Synapse slot, Maria on Matrix, and a room linked to the given channels. */
export async function createBridgeWorld(
  slot: AppserviceSlot,
  links: PortalLinkConfig[],
  connectors: Record<string, Record<string, unknown>>,
  opts: { persistent?: boolean } = {},
): Promise<BridgeWorld> {
  const h = harness();
  const matrix = await newUserClient('maria', { displayName: 'Maria Matrix' });
  const botUserId = `@${slot.senderLocalpart}:${h.serverName}`;
  const roomId = await matrix.createRoom({
    name: 'Bridged',
    preset: 'private_chat',
    invite: [botUserId],
  });
  const workDir = mkdtempSync(join(tmpdir(), 'bridge-slack-e2e-'));
  const config = localBridgeConfig({
    slot,
    synapseUrl: h.synapseUrl,
    serverName: h.serverName,
    registrationPath: writeSlotRegistration(slot, h.serverName, workDir),
    // A PGlite folder when the test restarts the bridge and needs what it stored.
    dataDir: opts.persistent ? join(workDir, 'db') : 'memory://',
    roomId,
    links,
    connectors,
  });
  return {
    slot,
    matrix,
    roomId,
    config,
    ghostOf: (connector, userId) =>
      `@${slot.userPrefix}${connector}_main_${userId.toLowerCase()}:${h.serverName}`,
    async start(definitions) {
      const app = new BridgeApp(config, definitions, silentLogger());
      await app.start();
      return app;
    },
    async close() {
      releaseSlot(slot);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Everything for a Slack-only portal. */
export async function createSlackWorld(mode: SlackMode, opts: { persistent?: boolean } = {}) {
  const slot = await claimSlot();
  const side = await createSlackSide(mode, slot);
  const world = await createBridgeWorld(slot, [side.link], { slack: side.block }, opts);
  return {
    ...world,
    slack: side,
    startBridge: () => world.start([slack as ConnectorDefinition<never>]),
    async close() {
      await side.sim.close();
      await world.close();
    },
  };
}

export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs = E2E_WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
