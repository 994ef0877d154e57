/**
 * The order of a Mattermost catch-up (issue 12): posts created while the bridge was away come
 * out in creation order even when some were edited or reacted to after newer ones (those
 * changes move `update_at`, the order the server lists them in); each edit or reaction comes
 * after its post; a failure part-way loses nothing (the cursor moves only once a whole answer
 * is recorded, so the next connection replays it); a live post made during the catch-up comes after everything it replays.
 */
import mattermostClient from '@mattermost/client';
import type { Post } from '@mattermost/types/posts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MattermostConnector } from '../../../connectors/mattermost/connector.js';
import {
  startMattermostSimulator,
  type MattermostSimulator,
} from '../../../simulators/mattermost/index.js';
import { PATIENT_MATTERMOST } from '../../simulators/mattermost/helpers.js';
import { waitFor } from '../../contract/fake-context.js';
import { KitContext as Context } from './kit-context.js';

const { Client4 } = mattermostClient;
type Client4 = InstanceType<typeof Client4>;

describe('Mattermost catch-up order', () => {
  let sim: MattermostSimulator;
  let alice: Client4;
  let aliceId: string;
  let botToken: string;
  let teamId: string;
  let botId: string;
  let channelCount = 0;
  const running: MattermostConnector[] = [];

  beforeAll(async () => {
    sim = await startMattermostSimulator(PATIENT_MATTERMOST);
    teamId = sim.createTeam('alpha').id;
    const bot = sim.createUser({ username: 'bridgebot', isBot: true });
    const user = sim.createUser({ username: 'alice' });
    botToken = bot.token;
    botId = bot.id;
    aliceId = user.id;
    alice = new Client4();
    alice.setUrl(sim.url);
    alice.setToken(user.token);
  }, 60_000);

  afterEach(async () => {
    for (const c of running.splice(0)) await c.stop();
  });

  afterAll(async () => {
    await sim?.close();
  });

  /** A fresh linked channel, linked before anything is posted in it. */
  const freshChannel = (): { channel: string; ctx: Context } => {
    const ch = sim.createChannel(teamId, `room-${channelCount++}`);
    sim.addToChannel(ch.id, botId);
    sim.addToChannel(ch.id, aliceId);
    const linkedAt = Date.now() - 1000;
    return { channel: ch.id, ctx: new Context([{ workspace: 'main', channel: ch.id, linkedAt }]) };
  };

  /** A, B, C posted while the bridge is away; then A edited and B reacted to, after C. */
  const postWhileAway = async (channel: string) => {
    const posts: Post[] = [];
    for (const message of ['A', 'B', 'C']) {
      posts.push(await alice.createPost({ channel_id: channel, message } as Post));
    }
    const [a, b] = posts as [Post, Post, Post];
    await alice.patchPost({ id: a.id, message: 'A edited' });
    await alice.addReaction(aliceId, b.id, 'tada');
    return posts.map((p) => p.id);
  };

  const startConnector = (ctx: Context) => {
    const config = { workspaces: { main: { url: sim.url, token: botToken, identity: 'auto' } } };
    const connector = ctx.connect(new MattermostConnector(ctx, config as never));
    running.push(connector);
    return connector.start();
  };

  it('replays posts in creation order, each edit and reaction after its post', async () => {
    const { channel, ctx } = freshChannel();
    const [a, b, c] = (await postWhileAway(channel)) as [string, string, string];
    await startConnector(ctx);
    await waitFor('the reaction', () => ctx.indexOf('reaction', b) >= 0);
    await waitFor('the edit', () => ctx.indexOf('edit', a) >= 0);
    expect(ctx.messageOrder()).toEqual([a, b, c]);
    expect(ctx.indexOf('edit', a)).toBeGreaterThan(ctx.indexOf('message', a));
    expect(ctx.indexOf('reaction', b)).toBeGreaterThan(ctx.indexOf('message', b));
  }, 60_000);

  it('a failure part-way through loses nothing: the cursor has not moved past unrecorded posts', async () => {
    const { channel, ctx } = freshChannel();
    const [a, b, c] = (await postWhileAway(channel)) as [string, string, string];
    // A is recorded, then B is refused: the catch-up stops there, and the next connection's
    // must still bring B and C, although A was changed after both.
    ctx.failOnce = (e) => e.kind === 'message' && e.messageId === b;
    await startConnector(ctx);
    expect(ctx.failOnce).toBeUndefined();
    expect(ctx.indexOf('message', c)).toBe(-1);
    sim.dropWebSockets();
    await waitFor('C, after the reconnection', () => ctx.indexOf('message', c) >= 0, 30_000);
    await waitFor('the edit', () => ctx.indexOf('edit', a) >= 0);
    expect(ctx.failOnce).toBeUndefined();
    expect(ctx.messageOrder()).toEqual([a, b, c]);
  }, 60_000);

  it('a live post made during the catch-up comes after every replayed post', async () => {
    const { channel, ctx } = freshChannel();
    const [a, b, c] = (await postWhileAway(channel)) as [string, string, string];
    // The catch-up has read the channel and is recording A when D is posted.
    ctx.holdOnce = (e) => e.kind === 'message' && e.messageId === a;
    const started = startConnector(ctx);
    await waitFor('the catch-up to record A', () => ctx.held);
    const d = (await alice.createPost({ channel_id: channel, message: 'D' } as Post)).id;
    ctx.release();
    await started;
    await waitFor('the live post', () => ctx.indexOf('message', d) >= 0);
    expect(ctx.messageOrder()).toEqual([a, b, c, d]);
  }, 60_000);
});
