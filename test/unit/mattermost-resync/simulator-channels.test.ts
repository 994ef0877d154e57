/**
 * The simulator endpoints the connector's start-up catch-up reads: the bot's teams and its
 * channels per team, with `last_post_at` / `last_root_post_at` as the server keeps them
 * (moved by every new post, root or reply; not by edits, deletions or reactions), in the
 * shapes of the published API description.
 */
import mattermostClient from '@mattermost/client';
import type { Post } from '@mattermost/types/posts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMattermostSimulator,
  type MattermostSimulator,
} from '../../../simulators/mattermost/index.js';
import { PATIENT_MATTERMOST } from '../../simulators/mattermost/helpers.js';
import { loadSpec } from '../../simulators/mattermost/spec.js';

const { Client4 } = mattermostClient;
type Client4 = InstanceType<typeof Client4>;

/**
 * The server sends its pointer fields (`scheme_id`, `policy_id`, `group_constrained`…) as
 * null when unset, which the reference does not mark nullable: leave those out when checking.
 */
const dropNulls = (list: object[]) =>
  list.map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)));

describe('simulator: channel lists with last post times', () => {
  let sim: MattermostSimulator;
  let bot: Client4;
  let alice: Client4;
  let aliceId: string;
  let teamId: string;
  let channelId: string;
  let otherId: string;
  const spec = loadSpec();

  const lastPosts = async (id: string) => {
    const list = await bot.getMyChannels(teamId, true);
    const ch = list.find((c) => c.id === id)!;
    return { last: ch.last_post_at, root: ch.last_root_post_at };
  };

  beforeAll(async () => {
    sim = await startMattermostSimulator(PATIENT_MATTERMOST);
    const team = sim.createTeam('agency');
    teamId = team.id;
    const other = sim.createTeam('elsewhere');
    const b = sim.createUser({ username: 'bridgebot', isBot: true });
    const a = sim.createUser({ username: 'alice' });
    aliceId = a.id;
    channelId = sim.createChannel(team.id, 'town-square').id;
    otherId = sim.createChannel(team.id, 'not-mine').id;
    const elsewhere = sim.createChannel(other.id, 'elsewhere');
    for (const u of [a, b]) sim.addToChannel(channelId, u.id);
    sim.addToChannel(otherId, a.id);
    sim.addToChannel(elsewhere.id, a.id);
    bot = new Client4();
    bot.setUrl(sim.url);
    bot.setToken(b.token);
    alice = new Client4();
    alice.setUrl(sim.url);
    alice.setToken(a.token);
  });

  afterAll(async () => {
    await sim?.close();
  });

  it('lists the bot’s teams and, per team, only the channels it is in, as the reference describes', async () => {
    const teams = await bot.getMyTeams();
    expect(teams.map((t) => t.id)).toEqual([teamId]);
    spec.check(
      spec.response('/api/v4/users/{user_id}/teams', 'get', '200'),
      dropNulls(teams),
      'teams',
    );
    const channels = await bot.getMyChannels(teamId, true);
    expect(channels.map((c) => c.id)).toEqual([channelId]);
    spec.check(
      spec.response('/api/v4/users/{user_id}/teams/{team_id}/channels', 'get', '200'),
      dropNulls(channels),
      'channels',
    );
    expect(channels[0]).toMatchObject({ last_post_at: 0, last_root_post_at: 0 });
    // Without include_deleted the answer is the same here (no channel is archived).
    expect((await bot.getMyChannels(teamId)).map((c) => c.id)).toEqual([channelId]);
  });

  it('moves last_post_at with every post and last_root_post_at with root posts only', async () => {
    const root = await alice.createPost({ channel_id: channelId, message: 'root' } as Post);
    expect(await lastPosts(channelId)).toEqual({ last: root.create_at, root: root.create_at });
    const reply = await alice.createPost({
      channel_id: channelId,
      message: 'reply',
      root_id: root.id,
    } as Post);
    expect(await lastPosts(channelId)).toEqual({ last: reply.create_at, root: root.create_at });
  });

  it('keeps them when posts are edited, reacted to or deleted (those move the post’s update_at)', async () => {
    const post = await alice.createPost({ channel_id: channelId, message: 'quiet' } as Post);
    const before = await lastPosts(channelId);
    await alice.patchPost({ id: post.id, message: 'edited' });
    await alice.addReaction(aliceId, post.id, 'tada');
    await alice.deletePost(post.id);
    expect(await lastPosts(channelId)).toEqual(before);
    const since = await bot.getPostsSince(channelId, post.create_at, false);
    expect(since.posts[post.id]?.delete_at).toBeGreaterThan(0);
  });
});
