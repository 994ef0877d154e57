import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client4 } from '@mattermost/client';
import type { Post } from '@mattermost/types/posts';
import type { BridgeApp } from '../../src/app/bridge-app.js';
import type { ConnectorDefinition } from '../../src/connector/contract.js';
import { definition as mattermost } from '../../connectors/mattermost/index.js';
import {
  startMattermostSimulator,
  type MattermostSimulator,
} from '../../simulators/mattermost/index.js';
import { PATIENT_MATTERMOST } from '../simulators/mattermost/helpers.js';
import { definition as slack } from '../../connectors/slack/index.js';
import { mattermostBlock } from '../harness/local-bridge.js';
import { claimSlot, type MatrixEvent } from '../harness/index.js';
import {
  createBridgeWorld,
  createSlackSide,
  waitUntil,
  type BridgeWorld,
  type SlackSide,
} from './slack-fixture.js';

// One Matrix room linked to a Slack channel and a Mattermost channel: whatever happens on one
// side reaches the other two, each platform showing the author under their own name.
let world: BridgeWorld;
let slackSide: SlackSide;
let mm: {
  sim: MattermostSimulator;
  channelId: string;
  bot: { id: string };
  carl: { id: string; client: Client4 };
};
let bridge: BridgeApp;

const rel = (e: MatrixEvent): Record<string, unknown> =>
  (e.content['m.relates_to'] ?? {}) as Record<string, unknown>;

const mmPosts = (pred: (p: Post) => boolean) =>
  mm.sim.posts(mm.channelId).filter((p) => p.user_id === mm.bot.id && pred(p));

async function mmPost(pred: (p: Post) => boolean): Promise<Post> {
  let found: Post | undefined;
  await waitUntil(() => (found = mmPosts(pred)[0]) !== undefined);
  return found!;
}

const slackGhost = () => world.ghostOf('slack', slackSide.alice.id);
const mmGhost = () => world.ghostOf('mattermost', mm.carl.id);

beforeAll(async () => {
  const slot = await claimSlot();
  slackSide = await createSlackSide('socket', slot);
  const sim = await startMattermostSimulator(PATIENT_MATTERMOST);
  const team = sim.createTeam('agency', 'Agency');
  const channel = sim.createChannel(team.id, 'town-square', { displayName: 'Town Square' });
  const bot = sim.createUser({ username: 'bridgebot', isBot: true });
  const carl = sim.createUser({ username: 'carl', firstName: 'Carl', lastName: 'Carlsson' });
  for (const u of [bot, carl]) {
    sim.addToTeam(team.id, u.id);
    sim.addToChannel(channel.id, u.id);
  }
  const client = new Client4();
  client.setUrl(sim.url);
  client.setToken(carl.token);
  mm = { sim, channelId: channel.id, bot, carl: { id: carl.id, client } };
  world = await createBridgeWorld(
    slot,
    [slackSide.link, { connector: 'mattermost', workspace: 'main', channel: channel.id }],
    { slack: slackSide.block, mattermost: mattermostBlock(sim.url, bot.token) },
  );
  bridge = await world.start([slack, mattermost] as ConnectorDefinition<never>[]);
});

afterAll(async () => {
  await bridge?.stop();
  await slackSide?.sim.close();
  await mm?.sim.close();
  await world?.close();
});

describe('three-way portal', () => {
  it('shows a Slack message on Matrix as the ghost and on Mattermost under the Slack name and avatar', async () => {
    await slackSide.alice.client.chat.postMessage({
      channel: slackSide.channelId,
      text: 'hello *both*',
    });
    const ev = await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.sender === slackGhost() && e.content.body === 'hello both',
    );
    expect(String(ev.content.formatted_body)).toContain('<strong>both</strong>');
    const post = await mmPost((p) => p.message === 'hello **both**');
    expect(post.props).toMatchObject({
      override_username: 'Alice Andersson (Slack)',
      from_webhook: 'true',
    });
    expect(String(post.props.override_icon_url)).toMatch(/^http/);
    const icon = await fetch(String(post.props.override_icon_url));
    expect(icon.headers.get('content-type')).toBe('image/png');
  });

  it('shows a Mattermost message on Slack under the Mattermost name', async () => {
    await mm.carl.client.createPost({
      channel_id: mm.channelId,
      message: 'from _mattermost_',
    } as Post);
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.sender === mmGhost() && e.content.body === 'from mattermost',
    );
    const [m] = await slackSide.waitForBridged(1, (x) => x.text === 'from _mattermost_');
    expect(m!.username).toBe('Carl Carlsson (Mattermost)');
  });

  it('carries a Slack edit, reaction and delete to Matrix and Mattermost', async () => {
    const { ts } = await slackSide.alice.client.chat.postMessage({
      channel: slackSide.channelId,
      text: 'slack original',
    });
    const ev = await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.sender === slackGhost() && e.content.body === 'slack original',
    );
    const post = await mmPost((p) => p.message === 'slack original');

    await slackSide.alice.client.chat.update({
      channel: slackSide.channelId,
      ts: ts!,
      text: 'slack edited',
    });
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => rel(e).rel_type === 'm.replace' && rel(e).event_id === ev.event_id,
    );
    await mmPost((p) => p.id === post.id && p.message === 'slack edited');

    await slackSide.alice.client.reactions.add({
      channel: slackSide.channelId,
      timestamp: ts!,
      name: 'tada',
    });
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.type === 'm.reaction' && rel(e).event_id === ev.event_id && rel(e).key === '🎉',
    );
    await waitUntil(async () =>
      (await mm.carl.client.getReactionsForPost(post.id)).some((r) => r.emoji_name === 'tada'),
    );

    await slackSide.alice.client.chat.delete({ channel: slackSide.channelId, ts: ts! });
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.type === 'm.room.redaction' && e.redacts === ev.event_id,
    );
    await waitUntil(() => !mm.sim.posts(mm.channelId).some((p) => p.id === post.id));
  });

  it('carries a Mattermost reply, edit, reaction and delete to Matrix and Slack', async () => {
    const { ts: rootTs } = await slackSide.alice.client.chat.postMessage({
      channel: slackSide.channelId,
      text: 'thread root from slack',
    });
    const rootEv = await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.content.body === 'thread root from slack',
    );
    const rootPost = await mmPost((p) => p.message === 'thread root from slack');

    const reply = await mm.carl.client.createPost({
      channel_id: mm.channelId,
      message: 'mm reply',
      root_id: rootPost.id,
    } as Post);
    const replyEv = await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.sender === mmGhost() && e.content.body === 'mm reply',
    );
    expect(rel(replyEv)).toMatchObject({ rel_type: 'm.thread', event_id: rootEv.event_id });
    const [slackReply] = await slackSide.waitForBridged(1, (m) => m.text === 'mm reply');
    expect(slackReply!.thread_ts).toBe(rootTs);

    await mm.carl.client.patchPost({ id: reply.id, message: 'mm reply edited' });
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => rel(e).rel_type === 'm.replace' && rel(e).event_id === replyEv.event_id,
    );
    await slackSide.waitForBridged(
      1,
      (m) => m.ts === slackReply!.ts && m.text === 'mm reply edited',
    );

    await mm.carl.client.addReaction(mm.carl.id, rootPost.id, 'heart');
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.sender === mmGhost() && e.type === 'm.reaction' && rel(e).key === '❤️',
    );
    await waitUntil(() =>
      (slackSide.message(rootTs!)?.reactions ?? []).some(
        (r) => r.name === 'heart' && r.users.includes(slackSide.app.botUserId),
      ),
    );

    await mm.carl.client.deletePost(reply.id);
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.type === 'm.room.redaction' && e.redacts === replyEv.event_id,
    );
    await waitUntil(() => slackSide.message(slackReply!.ts) === undefined);
  });

  it('carries a Matrix reply, edit, reaction and redaction to Slack and Mattermost', async () => {
    const rootId = await world.matrix.sendMessage(world.roomId, 'matrix root');
    const [slackRoot] = await slackSide.waitForBridged(1, (m) => m.text === 'matrix root');
    const mmRoot = await mmPost((p) => p.message === 'matrix root');

    const replyId = await world.matrix.threadReply(world.roomId, rootId, 'matrix reply');
    const [slackReply] = await slackSide.waitForBridged(1, (m) => m.text === 'matrix reply');
    expect(slackReply!.thread_ts).toBe(slackRoot!.ts);
    const mmReply = await mmPost((p) => p.message === 'matrix reply');
    expect(mmReply.root_id).toBe(mmRoot.id);

    await world.matrix.edit(world.roomId, replyId, 'matrix reply edited');
    await slackSide.waitForBridged(
      1,
      (m) => m.ts === slackReply!.ts && m.text === 'matrix reply edited',
    );
    await mmPost((p) => p.id === mmReply.id && p.message === 'matrix reply edited');

    const reaction = await world.matrix.sendReaction(world.roomId, rootId, '👀');
    await waitUntil(() =>
      (slackSide.message(slackRoot!.ts)?.reactions ?? []).some((r) => r.name === 'eyes'),
    );
    await waitUntil(async () =>
      (await mm.carl.client.getReactionsForPost(mmRoot.id)).some((r) => r.emoji_name === 'eyes'),
    );
    await world.matrix.redact(world.roomId, reaction);
    await waitUntil(() => (slackSide.message(slackRoot!.ts)?.reactions ?? []).length === 0);
    await waitUntil(async () => (await mm.carl.client.getReactionsForPost(mmRoot.id)).length === 0);

    await world.matrix.redact(world.roomId, replyId);
    await waitUntil(() => slackSide.message(slackReply!.ts) === undefined);
    await waitUntil(() => !mm.sim.posts(mm.channelId).some((p) => p.id === mmReply.id));
  });

  it('does not bounce anything back to where it came from', async () => {
    await slackSide.alice.client.chat.postMessage({
      channel: slackSide.channelId,
      text: 'only once please',
    });
    await mmPost((p) => p.message === 'only once please');
    // Markers from each side after it, each seen on another side: every side's events are
    // handled in order, so a bounce of the message would have come before its side's marker.
    await mm.carl.client.createPost({ channel_id: mm.channelId, message: 'mm marker' } as Post);
    await waitUntil(() =>
      slackSide.sim.messages(slackSide.channelId).some((m) => m.text?.includes('mm marker')),
    );
    await slackSide.alice.client.chat.postMessage({
      channel: slackSide.channelId,
      text: 'slack marker',
    });
    await mmPost((p) => p.message.includes('slack marker'));
    await world.matrix.sendMessage(world.roomId, 'matrix marker');
    await mmPost((p) => p.message.includes('matrix marker'));
    await waitUntil(() =>
      slackSide.sim.messages(slackSide.channelId).some((m) => m.text?.includes('matrix marker')),
    );
    expect(
      slackSide.sim.messages(slackSide.channelId).filter((m) => m.text === 'only once please'),
    ).toHaveLength(1);
    expect(mmPosts((p) => p.message === 'only once please')).toHaveLength(1);
    const onMatrix = (await world.matrix.messages(world.roomId, { limit: 100 })).chunk.filter(
      (e) => e.content.body === 'only once please',
    );
    expect(onMatrix).toHaveLength(1);
  });
});
