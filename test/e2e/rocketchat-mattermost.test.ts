import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Post } from '@mattermost/types/posts';
import type { BridgeApp } from '../../src/app/bridge-app.js';
import {
  createRocketWorld,
  startRocketBridge,
  type MattermostSide,
  type RcMessage,
  type RocketWorld,
} from './rocketchat-fixture.js';
import { E2E_WAIT_MS } from '../harness/wait.js';

// One Matrix room linked to a Rocket.Chat channel and a Mattermost channel at once.
let world: RocketWorld;
let mm: MattermostSide;
let bridge: BridgeApp;

async function mmPosts(predicate: (p: Post) => boolean, timeoutMs = E2E_WAIT_MS): Promise<Post> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = mm.sim.posts(mm.channelId).find((p) => p.user_id === mm.bot.id && predicate(p));
    if (found) return found;
    if (Date.now() > deadline) throw new Error('timed out waiting for the Mattermost post');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  world = await createRocketWorld({ withMattermost: true });
  mm = world.mattermost!;
  bridge = await startRocketBridge(world);
});

afterAll(async () => {
  await bridge?.stop();
  await world?.close();
});

describe('a portal linking Rocket.Chat and Mattermost', () => {
  it('relays Rocket.Chat → Matrix and Mattermost, under the author’s name', async () => {
    const res = await world.asAlice('chat.sendMessage', {
      message: { rid: world.room._id, msg: 'from *rocket*' },
    });
    const rcId = (res.message as { _id: string })._id;
    const ghost = world.ghostOf(world.alice._id);
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.sender === ghost && e.content.body === 'from rocket',
    );
    const post = await mmPosts((p) => p.message.includes('rocket'));
    expect(post.message).toBe('from **rocket**');
    expect(post.props).toMatchObject({ override_username: 'Alice Andersson (Rocket.Chat)' });

    // A thread started on Rocket.Chat continues as a Mattermost thread.
    await world.asAlice('chat.sendMessage', {
      message: { rid: world.room._id, msg: 'rocket reply', tmid: rcId },
    });
    const reply = await mmPosts((p) => p.message === 'rocket reply');
    expect(reply.root_id).toBe(post.id);
  });

  it('relays Mattermost → Matrix and Rocket.Chat, with reactions back across', async () => {
    const created = await mm.carol.client.createPost({
      channel_id: mm.channelId,
      message: 'from _mattermost_',
    } as Post);
    const [rc] = await world.waitForBotMessages(1, (m: RcMessage) => m.msg.includes('mattermost'));
    expect(rc!.msg).toBe('from _mattermost_');
    expect(rc!.alias).toBe('Carol Carlsson (Mattermost)');

    await world.asAlice('chat.react', { messageId: rc!._id, emoji: ':tada:', shouldReact: true });
    const deadline = Date.now() + E2E_WAIT_MS;
    for (;;) {
      const reactions = await mm.carol.client.getReactionsForPost(created.id);
      if (reactions.some((r) => r.emoji_name === 'tada' && r.user_id === mm.bot.id)) break;
      if (Date.now() > deadline) throw new Error('the reaction did not reach Mattermost');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it('relays Matrix → both platforms', async () => {
    await world.matrix.sendMessage(world.roomId, 'hello both');
    const [rc] = await world.waitForBotMessages(1, (m) => m.msg === 'hello both');
    expect(rc!.alias).toBe('Maria Matrix (Matrix)');
    const post = await mmPosts((p) => p.message === 'hello both');
    expect(post.props).toMatchObject({ override_username: 'Maria Matrix (Matrix)' });
  });
});
