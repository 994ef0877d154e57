/** A Teams simulator, the bridge's webhook listener and a started Teams connector, for connector tests. */
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Connector, OutboundMessage } from '../../../src/connector/contract.js';
import type { MessageEvent, RemoteEvent } from '../../../src/connector/events.js';
import { plainText, type FormattedText } from '../../../src/model/message.js';
import { definition } from '../../../connectors/teams/index.js';
import type { TeamsConnector } from '../../../connectors/teams/connector.js';
import {
  startTeamsSimulator,
  type TeamsSimulator,
  type TeamsSimulatorOptions,
} from '../../../simulators/teams/index.js';
import { RecordingContext, waitFor } from '../../contract/fake-context.js';
import { startWebhookServer, type WebhookServer } from '../../contract/webhook-server.js';
import { graphClient } from '../../simulators/teams/helpers.js';

export interface TeamsTestWorld {
  sim: TeamsSimulator;
  webhooks: WebhookServer;
  tenant: string;
  app: { appId: string; password: string };
  alice: { id: string; bfId: string; displayName: string; upn: string };
  bob: { id: string; bfId: string; displayName: string };
  teamId: string;
  channelId: string;
  chatId: string;
  /** The bot's personal chat with Alice (`a:…`). */
  personalId: string;
  config: Record<string, unknown>;
  ctx: RecordingContext;
  connector: TeamsConnector;
  graphAs(userId: string): Client;
  event<K extends RemoteEvent['kind']>(
    kind: K,
    pred?: (e: Extract<RemoteEvent, { kind: K }>) => boolean,
  ): Promise<Extract<RemoteEvent, { kind: K }>>;
  start(
    config?: Record<string, unknown>,
    store?: Map<string, string>,
  ): Promise<{ ctx: RecordingContext; connector: Connector }>;
  close(): Promise<void>;
}

let counter = 0;

export function outbound(
  text: FormattedText | string,
  extra: Partial<OutboundMessage> = {},
): OutboundMessage {
  return {
    sender: {
      userId: '@maria:example.org',
      displayName: 'Maria Matrix',
      avatarUrl: 'https://matrix.example.org/avatar/maria.png',
    },
    content: { text: typeof text === 'string' ? plainText(text) : text, attachments: [] },
    idempotencyKey: `teams-test-${++counter}`,
    ...extra,
  };
}

export async function teamsWorld(
  o: {
    sim?: TeamsSimulatorOptions;
    encryptionKey?: boolean;
    linkedAt?: number;
    catchup?: { interval_seconds: number; settle_seconds: number };
  } = {},
): Promise<TeamsTestWorld> {
  const webhooks = await startWebhookServer();
  const sim = await startTeamsSimulator({ graphWrites: [{ limit: 50, windowMs: 1000 }], ...o.sim });
  const tenant = sim.createTenant();
  const app = sim.control.createApp(tenant, {
    displayName: 'Bridge',
    password: 'app-secret',
    endpoint: `${webhooks.url}/_bridge/webhooks/teams/messages`,
  });
  sim.control.registerRedirectUri(
    app.appId,
    `${webhooks.url}/_bridge/webhooks/teams/oauth/callback`,
  );
  const alice = sim.createUser(tenant, {
    displayName: 'Alice Andersson',
    upn: 'alice@contoso.example',
    photo: { data: Buffer.from('alice-photo'), mimetype: 'image/jpeg' },
  });
  const bob = sim.createUser(tenant, { displayName: 'Bob Berg' });
  const { teamId } = sim.control.createTeam(tenant, 'Agency', [alice.id, bob.id]);
  const channelId = sim.control.createChannel(teamId, 'Projects', { description: 'Project talk' });
  const chatId = sim.control.createChat(tenant, [alice.id, bob.id], 'Planning');
  sim.control.installBot(app.appId, teamId);
  sim.control.installBot(app.appId, chatId);
  const personalId = sim.control.createPersonalChat(alice.id, app.appId);
  await sim.idle();
  const config: Record<string, unknown> = {
    workspaces: {
      contoso: {
        tenant_id: tenant,
        app_id: app.appId,
        app_password: app.password,
        ...(o.encryptionKey === false ? {} : { token_encryption_key: 'ab'.repeat(32) }),
      },
    },
    login_url: sim.url,
    openid_metadata_url: sim.openIdMetadataUrl,
    graph_url: sim.graphUrl,
    default_service_url: sim.serviceUrl,
    service_url_hosts: ['127.0.0.1'],
    catchup: o.catchup ?? { interval_seconds: 1, settle_seconds: 1 },
    extra_ca_certs: sim.caCert,
  };
  const started: Connector[] = [];
  const linkedAt = o.linkedAt ?? Date.now() - 1000;
  const start = async (cfg = config, store?: Map<string, string>) => {
    const links = [channelId, chatId, personalId].map((channel) => ({
      workspace: 'contoso',
      channel,
      linkedAt,
    }));
    const ctx = new RecordingContext('teams', links, webhooks.router, store);
    const connector = definition.create(ctx, cfg as never);
    ctx.connect(connector);
    started.push(connector);
    await connector.start();
    return { ctx, connector };
  };
  const main = await start();
  await waitFor('connected', () => main.ctx.lastState('contoso')?.status === 'connected', 30_000);
  return {
    sim,
    webhooks,
    tenant,
    app,
    alice: { ...alice, upn: 'alice@contoso.example' },
    bob,
    teamId,
    channelId,
    chatId,
    personalId,
    config,
    ctx: main.ctx,
    connector: main.connector as TeamsConnector,
    graphAs: (userId) => graphClient(sim, sim.control.userToken(userId, app.appId)),
    event: (kind, pred = () => true) =>
      waitFor(`a ${kind} event`, () =>
        main.ctx.events.find((e) => e.kind === kind && pred(e as never)),
      ) as never,
    start,
    async close() {
      for (const c of started) await c.stop();
      await sim.close();
      await webhooks.close();
    },
  };
}

export const messageEventFor = (ctx: RecordingContext, id: string) =>
  waitFor(`a message event for ${id}`, () =>
    ctx.events.find((e): e is MessageEvent => e.kind === 'message' && e.messageId === id),
  );

/**
 * Waits until the catch-up has stored a cursor at or past `t` for each of `channels`: a
 * whole pass over everything that changed there up to `t` is then done (the positive
 * marker for "the catch-up did not bring back X").
 */
export const caughtUpTo = (ctx: RecordingContext, channels: string[], t: number) =>
  waitFor(`a catch-up pass past ${new Date(t).toISOString()}`, async () => {
    const cursors = await Promise.all(
      channels.map((channel) => ctx.cursors.get({ workspace: 'contoso', channel })),
    );
    return cursors.every((c) => Number(c ?? 0) >= t);
  });
