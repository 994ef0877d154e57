/**
 * Each connector says who can read a channel (public, private, direct) in getChatInfo and in
 * its channel listing, from what its platform's simulator answers; the administration's
 * private-channel rule (test/unit/admin/private-channels.test.ts) depends on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelVisibility, Connector } from '../../../src/connector/contract.js';
import { definition as mattermost } from '../../../connectors/mattermost/index.js';
import { startMattermostSimulator } from '../../../simulators/mattermost/index.js';
import { PATIENT_MATTERMOST } from '../../simulators/mattermost/helpers.js';
import { definition as rocketchat } from '../../../connectors/rocketchat/index.js';
import { startRocketChatSimulator } from '../../../simulators/rocketchat/index.js';
import { definition as slack } from '../../../connectors/slack/index.js';
import { startSlackSimulator } from '../../../simulators/slack/index.js';
import { RecordingContext, waitFor } from '../../contract/fake-context.js';
import { startWebhookServer, type WebhookServer } from '../../contract/webhook-server.js';

interface World {
  connector: Connector;
  /** Channel id → what the connector must call it. */
  expected: Record<string, ChannelVisibility>;
  /** Listed by listChannels (the connector has no listing when undefined). */
  listed?: string[];
  close(): Promise<void>;
}

let webhooks: WebhookServer;
beforeAll(async () => {
  webhooks = await startWebhookServer();
});
afterAll(() => webhooks?.close());

async function started(
  def: { id: string; create(ctx: RecordingContext, config: never): Connector },
  config: unknown,
): Promise<Connector> {
  const ctx = new RecordingContext(def.id, [], webhooks.router);
  const connector = def.create(ctx, config as never);
  ctx.connect(connector);
  await connector.start();
  await waitFor('connected', () => ctx.lastState('main')?.status === 'connected', 30_000);
  return connector;
}

async function mattermostWorld(): Promise<World> {
  const sim = await startMattermostSimulator(PATIENT_MATTERMOST);
  const team = sim.createTeam('agency');
  const bot = sim.createUser({ username: 'bridgebot', isBot: true });
  const alice = sim.createUser({ username: 'alice' });
  const carol = sim.createUser({ username: 'carol' });
  const open = sim.createChannel(team.id, 'open');
  const closed = sim.createChannel(team.id, 'closed', { type: 'P' });
  for (const u of [bot, alice, carol]) sim.addToTeam(team.id, u.id);
  for (const c of [open, closed]) sim.addToChannel(c.id, bot.id);
  const dm = sim.createDirectChannel([bot.id, alice.id]);
  const group = sim.createDirectChannel([bot.id, alice.id, carol.id]);
  const connector = await started(mattermost, {
    workspaces: { main: { url: sim.url, token: bot.token, identity: 'auto' } },
  });
  return {
    connector,
    expected: {
      [open.id]: 'public',
      [closed.id]: 'private',
      [dm.id]: 'direct',
      [group.id]: 'direct',
    },
    listed: [open.id, closed.id, dm.id, group.id],
    close: async () => {
      await connector.stop();
      await sim.close();
    },
  };
}

async function slackWorld(): Promise<World> {
  const sim = await startSlackSimulator();
  const team = sim.createWorkspace({ name: 'Agency' });
  const app = sim.createApp(team.id, { name: 'Matrix Bridge', botName: 'bridge' });
  const alice = sim.createUser(team.id, { name: 'alice' });
  const carol = sim.createUser(team.id, { name: 'carol' });
  const members = [alice.id, app.botUserId];
  const open = sim.createChannel(team.id, 'open', { members });
  const closed = sim.createChannel(team.id, 'closed', { private: true, members });
  const im = sim.createChannel(team.id, 'im-alice', { direct: 'im', members });
  const mpim = sim.createChannel(team.id, 'mpim-alice-carol', {
    direct: 'mpim',
    members: [...members, carol.id],
  });
  sim.setEventDelivery(app.appId, { mode: 'socket' });
  const connector = await started(slack, {
    workspaces: {
      main: {
        bot_token: app.botToken,
        mode: 'socket',
        api_url: sim.apiUrl,
        app_token: app.appToken,
      },
    },
  });
  return {
    connector,
    expected: {
      [open.id]: 'public',
      [closed.id]: 'private',
      [im.id]: 'direct',
      [mpim.id]: 'direct',
    },
    close: async () => {
      await connector.stop();
      await sim.close();
    },
  };
}

async function rocketchatWorld(): Promise<World> {
  const sim = await startRocketChatSimulator();
  const bot = sim.createUser({ username: 'bridgebot', name: 'Bridge Bot', bot: true });
  const alice = sim.createUser({ username: 'alice' });
  const open = sim.createRoom('open');
  const closed = sim.createRoom('closed', { type: 'p' });
  const dm = sim.createRoom('dm-alice', { type: 'd' });
  for (const r of [open, closed, dm]) sim.addToRoom(r._id, bot._id);
  sim.addToRoom(dm._id, alice._id);
  const connector = await started(rocketchat, {
    workspaces: { main: { url: sim.url, user_id: bot._id, token: bot.token, identity: 'auto' } },
  });
  return {
    connector,
    expected: { [open._id]: 'public', [closed._id]: 'private', [dm._id]: 'direct' },
    listed: [open._id, closed._id, dm._id],
    close: async () => {
      await connector.stop();
      await sim.close();
    },
  };
}

describe.each([
  ['Mattermost', mattermostWorld],
  ['Slack', slackWorld],
  ['Rocket.Chat', rocketchatWorld],
])('%s', (_, setup) => {
  let w: World;
  beforeAll(async () => {
    w = await setup();
  }, 60_000);
  afterAll(() => w?.close());

  it('says in getChatInfo whether each channel is public, private or direct', async () => {
    for (const [channel, visibility] of Object.entries(w.expected)) {
      const info = await w.connector.getChatInfo({ workspace: 'main', channel });
      expect(info.visibility, channel).toBe(visibility);
    }
  });

  it('lists private and direct channels marked as such', async () => {
    if (!w.listed) {
      expect(w.connector.listChannels).toBeUndefined();
      return;
    }
    const listed = await w.connector.listChannels!('main');
    expect(listed.map((c) => c.channel).sort()).toEqual([...w.listed].sort());
    for (const c of listed) expect(c.visibility, c.name).toBe(w.expected[c.channel]);
  });

  it('has no linked accounts, so it cannot vouch for anyone’s membership', () => {
    expect(w.connector.isChannelMember).toBeUndefined();
  });
});
