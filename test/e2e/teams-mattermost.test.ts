import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Post } from '@mattermost/types/posts';
import type { BridgeApp } from '../../src/app/bridge-app.js';
import {
  createTeamsWorld,
  startTeamsBridge,
  type MattermostSide,
  type TeamsWorld,
} from './teams-fixture.js';
import { E2E_WAIT_MS } from '../harness/wait.js';

// One Matrix room linked to a Teams channel and a Mattermost channel at once.
let world: TeamsWorld;
let mm: MattermostSide;
let bridge: BridgeApp;

async function mmPost(predicate: (p: Post) => boolean, timeoutMs = E2E_WAIT_MS): Promise<Post> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = mm.sim.posts(mm.channelId).find((p) => p.user_id === mm.bot.id && predicate(p));
    if (found) return found;
    if (Date.now() > deadline) throw new Error('timed out waiting for the Mattermost post');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  world = await createTeamsWorld({ withMattermost: true });
  mm = world.mattermost!;
  bridge = await startTeamsBridge(world);
});

afterAll(async () => {
  await bridge?.stop();
  await world?.close();
});

describe('a portal linking Teams and Mattermost', () => {
  it('relays Teams → Matrix and Mattermost under the author’s name, threads included', async () => {
    const alice = world.graphAs(world.alice.id);
    const base = `/teams/${world.teamId}/channels/${world.channelId}/messages`;
    const root = (await alice
      .api(base)
      .post({ body: { contentType: 'html', content: '<p>from <strong>teams</strong></p>' } })) as {
      id: string;
    };
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.sender === world.ghostOf(world.alice.id) && e.content.body === 'from teams',
    );
    const post = await mmPost((p) => p.message.includes('teams'));
    expect(post.message).toBe('from **teams**');
    expect(post.props).toMatchObject({ override_username: 'Alice Andersson (Microsoft Teams)' });

    await alice
      .api(`${base}/${root.id}/replies`)
      .post({ body: { contentType: 'html', content: '<p>teams reply</p>' } });
    const reply = await mmPost((p) => p.message === 'teams reply');
    expect(reply.root_id).toBe(post.id);
  });

  it('relays Mattermost → Matrix and Teams, attributed to the Mattermost author, threads and edits included', async () => {
    const created = await mm.carol.client.createPost({
      channel_id: mm.channelId,
      message: 'from _mattermost_',
    } as Post);
    const inTeams = await world.waitForTeams((m) => m.body.content.includes('mattermost'));
    expect(inTeams.from.application?.id).toBe(world.app.appId);
    expect(inTeams.body.content).toContain('<strong>Carol Carlsson (Mattermost)</strong>');
    expect(inTeams.body.content).toContain('from <em>mattermost</em>');

    await mm.carol.client.createPost({
      channel_id: mm.channelId,
      message: 'mattermost reply',
      root_id: created.id,
    } as Post);
    const reply = await world.waitForTeams((m) => m.body.content.includes('mattermost reply'));
    expect(reply.replyToId).toBe(inTeams.id);

    await mm.carol.client.patchPost({ id: created.id, message: 'from _mattermost_, edited' });
    await world.waitForTeams((m) => m.id === inTeams.id && m.body.content.includes('edited'));
  });

  it('relays Matrix → both platforms, and a Teams reaction to Mattermost', async () => {
    await world.matrix.sendMessage(world.roomId, 'to everyone');
    const teams = await world.waitForTeams((m) => m.body.content.includes('to everyone'));
    const post = await mmPost((p) => p.message.includes('to everyone'));
    expect(teams.body.content).toContain('<strong>Maria Matrix (Matrix)</strong>');

    const alice = world.graphAs(world.alice.id);
    await alice
      .api(`/teams/${world.teamId}/channels/${world.channelId}/messages/${teams.id}/setReaction`)
      .post({ reactionType: 'like' });
    const deadline = Date.now() + E2E_WAIT_MS;
    for (;;) {
      const reactions = await mm.carol.client.getReactionsForPost(post.id);
      if (
        reactions.some(
          (r) => r.user_id === mm.bot.id && (r.emoji_name === '+1' || r.emoji_name === 'thumbsup'),
        )
      )
        break;
      if (Date.now() > deadline) throw new Error('the Teams reaction did not reach Mattermost');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});
