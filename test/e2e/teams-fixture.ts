import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client4 } from '@mattermost/client';
import type { Client } from '@microsoft/microsoft-graph-client';
import { BridgeApp } from '../../src/app/bridge-app.js';
import type { BridgeConfig, PortalLinkConfig } from '../../src/config/index.js';
import { GhostIdCodec } from '../../src/core/ids.js';
import { silentLogger } from '../../src/util/logger.js';
import { definition as teams } from '../../connectors/teams/index.js';
import type { TeamsConnector } from '../../connectors/teams/connector.js';
import { definition as mattermost } from '../../connectors/mattermost/index.js';
import { startTeamsSimulator, type TeamsSimulator } from '../../simulators/teams/index.js';
import {
  startMattermostSimulator,
  type MattermostSimulator,
} from '../../simulators/mattermost/index.js';
import { PATIENT_MATTERMOST } from '../simulators/mattermost/helpers.js';
import { graphClient } from '../simulators/teams/helpers.js';
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

/** A Teams message as Graph shows it (the fields the tests read). */
export interface TeamsMessage {
  id: string;
  replyToId: string | null;
  body: { content: string };
  from: { user: { id: string; displayName: string } | null; application: { id: string } | null };
  mentions: Array<{ id: number; mentioned: { user: { id: string } } }>;
  attachments: Array<{ contentType: string; name: string | null; content: string | null }>;
}

export interface MattermostSide {
  sim: MattermostSimulator;
  channelId: string;
  bot: { id: string };
  carol: { id: string; client: Client4 };
}

export interface TeamsWorld {
  slot: AppserviceSlot;
  sim: TeamsSimulator;
  tenant: string;
  app: { appId: string; password: string };
  alice: { id: string; displayName: string };
  bob: { id: string; displayName: string };
  /** Maria's own Microsoft account (she links it for puppeting). */
  mariaMs: { id: string; upn: string };
  teamId: string;
  channelId: string;
  matrix: TestMatrixClient;
  roomId: string;
  config: BridgeConfig;
  mattermost?: MattermostSide;
  ghostOf(teamsUserId: string): string;
  /** Graph as a Teams user (delegated token). */
  graphAs(userId: string): Client;
  messages(): TeamsMessage[];
  /** Waits for a message in the channel matching `pred`. */
  waitForTeams(pred: (m: TeamsMessage) => boolean, timeoutMs?: number): Promise<TeamsMessage>;
  close(): Promise<void>;
}

export async function createTeamsWorld(
  opts: { withMattermost?: boolean } = {},
): Promise<TeamsWorld> {
  const slot = await claimSlot();
  const h = harness();
  const sim = await startTeamsSimulator({ graphWrites: [{ limit: 20, windowMs: 1000 }] });
  const tenant = sim.createTenant();
  const webhookBase = `${slot.url}/_bridge/webhooks/teams`;
  const app = sim.control.createApp(tenant, {
    displayName: 'Matrix Bridge',
    password: 'e2e-app-secret',
    endpoint: `${webhookBase}/messages`,
  });
  sim.control.registerRedirectUri(app.appId, `${webhookBase}/oauth/callback`);
  const alice = sim.createUser(tenant, {
    displayName: 'Alice Andersson',
    photo: { data: PIXEL, mimetype: 'image/png' },
  });
  const bob = sim.createUser(tenant, { displayName: 'Bob Berg' });
  const mariaMs = sim.createUser(tenant, {
    displayName: 'Maria Matrix',
    upn: 'maria@contoso.example',
  });
  const { teamId } = sim.control.createTeam(tenant, 'Agency', [alice.id, bob.id, mariaMs.id]);
  const channelId = sim.control.createChannel(teamId, 'Projects');
  sim.control.installBot(app.appId, teamId);

  const links: PortalLinkConfig[] = [
    { connector: 'teams', workspace: 'contoso', channel: channelId },
  ];
  const connectors: Record<string, Record<string, unknown>> = {
    teams: {
      workspaces: {
        contoso: {
          tenant_id: tenant,
          app_id: app.appId,
          app_password: app.password,
          token_encryption_key: 'cd'.repeat(32),
        },
      },
      login_url: sim.url,
      openid_metadata_url: sim.openIdMetadataUrl,
      graph_url: sim.graphUrl,
      default_service_url: sim.serviceUrl,
      service_url_hosts: ['127.0.0.1'],
      catchup: { interval_seconds: 2, settle_seconds: 1 },
      extra_ca_certs: sim.caCert,
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
      bot: { id: mbot.id },
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
  const workDir = mkdtempSync(join(tmpdir(), 'bridge-e2e-teams-'));
  const config = localBridgeConfig({
    slot,
    synapseUrl: h.synapseUrl,
    serverName: h.serverName,
    registrationPath: writeSlotRegistration(slot, h.serverName, workDir),
    // On disk, so a restarted bridge keeps its portal links, cursors and message map.
    dataDir: join(workDir, 'pglite'),
    roomId,
    links,
    connectors,
  });
  const codec = new GhostIdCodec(slot.userPrefix, h.serverName);
  const messages = () => sim.control.messages(channelId) as unknown as TeamsMessage[];
  return {
    slot,
    sim,
    tenant,
    app,
    alice,
    bob,
    mariaMs: { id: mariaMs.id, upn: 'maria@contoso.example' },
    teamId,
    channelId,
    matrix,
    roomId,
    config,
    mattermost: mm,
    ghostOf: (id) => codec.encode({ connector: 'teams', workspace: 'contoso', userId: id }),
    graphAs: (userId) => graphClient(sim, sim.control.userToken(userId, app.appId)),
    messages,
    async waitForTeams(pred, timeoutMs = E2E_WAIT_MS) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages().find(pred);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting for a Teams message; have ${JSON.stringify(messages().map((m) => m.body.content))}`,
          );
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

export async function startTeamsBridge(world: TeamsWorld): Promise<BridgeApp> {
  const app = new BridgeApp(world.config, [teams, mattermost], silentLogger());
  await app.start();
  return app;
}

export const teamsConnectorOf = (app: BridgeApp) =>
  app.connectors.get('teams').connector as TeamsConnector;
