/**
 * The Mattermost connector's start-up catch-up (run by the core through fetchMessagesSince)
 * against the simulator: a restart with 1,000 linked channels of which 3 changed asks for
 * the channel list per team, and start() waits for those 3 only; edits, deletions and
 * reactions made while it was stopped in unchanged channels still arrive, from the
 * background round, each channel read once; a quiet channel whose read keeps failing does
 * not hold up the start; a live event waits for its channel's catch-up; cursors are written
 * at most about once per second.
 */
import mattermostClient from '@mattermost/client';
import type { Post } from '@mattermost/types/posts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedCursor } from './memory-cursors.js';
import { MattermostConnector } from '../../../connectors/mattermost/connector.js';
import {
  startMattermostSimulator,
  type MattermostSimulator,
} from '../../../simulators/mattermost/index.js';
import { PATIENT_MATTERMOST } from '../../simulators/mattermost/helpers.js';
import type { LinkedChannel } from '../../../src/connector/contract.js';
import { waitFor } from '../../contract/fake-context.js';
import { KitContext as Context } from './kit-context.js';

const { Client4 } = mattermostClient;
type Client4 = InstanceType<typeof Client4>;

const CHANNELS = 1000;
const POSTS = '/api/v4/channels/{channel_id}/posts';
const TEAMS = '/api/v4/users/{user_id}/teams';
const TEAM_CHANNELS = '/api/v4/users/{user_id}/teams/{team_id}/channels';

async function inPool<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: size }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}

describe('Mattermost start-up catch-up with 1,000 linked channels', () => {
  let sim: MattermostSimulator;
  let alice: Client4;
  let aliceId: string;
  let config: unknown;
  let links: LinkedChannel[];
  let channels: string[];
  let unlisted: string[];
  /** The first post of each channel, made before the first start. */
  const firstPost = new Map<string, string>();
  const store = new Map<string, string>();
  const running: MattermostConnector[] = [];

  const start = async () => {
    const ctx = new Context(links, store);
    const connector = ctx.connect(new MattermostConnector(ctx, config as never));
    running.push(connector);
    const before = sim.requestLog().length;
    await connector.start();
    // What was asked before start() resolved (the background round may have begun).
    const requests = sim.requestLog().slice(before);
    const atStart = [...ctx.events];
    return { ctx, connector, requests, atStart };
  };
  /** Stops as the bridge does: catch-up ended, connector stopped, cursors saved. */
  const stop = async (connector: MattermostConnector) => {
    await connector.stop();
    running.splice(running.indexOf(connector), 1);
  };
  const count = (log: Array<{ path: string }>, path: string) =>
    log.filter((e) => e.path === path).length;

  beforeAll(async () => {
    sim = await startMattermostSimulator(PATIENT_MATTERMOST);
    const teams = [sim.createTeam('alpha'), sim.createTeam('beta')];
    const bot = sim.createUser({ username: 'bridgebot', isBot: true });
    const user = sim.createUser({ username: 'alice' });
    aliceId = user.id;
    channels = [];
    for (let i = 0; i < CHANNELS; i++) {
      const team = teams[i % 2]!;
      const ch = sim.createChannel(team.id, `room-${i}`);
      sim.addToChannel(ch.id, bot.id);
      sim.addToChannel(ch.id, user.id);
      channels.push(ch.id);
    }
    // Two linked channels the bot is not in, so not in its lists: caught up at every start to
    // be safe. It can read the public one; the private one answers 403 and is skipped.
    const outside = sim.createChannel(teams[0]!.id, 'outside');
    const secret = sim.createChannel(teams[0]!.id, 'secret', { type: 'P' });
    sim.addToChannel(outside.id, user.id);
    sim.addToChannel(secret.id, user.id);
    unlisted = [outside.id, secret.id];
    alice = new Client4();
    alice.setUrl(sim.url);
    alice.setToken(user.token);
    const linkedAt = Date.now() - 1000;
    links = [...channels, ...unlisted].map((channel) => ({ workspace: 'main', channel, linkedAt }));
    config = { workspaces: { main: { url: sim.url, token: bot.token, identity: 'auto' } } };
    await inPool([...channels, ...unlisted], 8, async (channel) => {
      const p = await alice.createPost({ channel_id: channel, message: 'hello' } as Post);
      firstPost.set(channel, p.id);
    });
  }, 60_000);

  afterAll(async () => {
    for (const c of running) await c.stop();
    await sim?.close();
  });

  it('first start: every channel with posts since its link is caught up before start() resolves', async () => {
    const first = await start();
    expect(count(first.requests, POSTS)).toBe(CHANNELS + 2);
    expect(first.atStart.filter((e) => e.kind === 'message')).toHaveLength(CHANNELS + 1);
    expect(first.ctx.states.at(-1)?.status).toBe('connected');
    await stop(first.connector);
    expect(first.ctx.states.at(-1)?.status).toBe('stopped');
    // Every channel with a post has its cursor in the table once stopped.
    for (const channel of channels) expect(storedCursor(store, channel)).toBeGreaterThan(0);
  }, 60_000);

  it('restart: O(teams) list requests, the 3 changed (+ the 2 unlisted) caught up when start() resolves; the rest later, once each', async () => {
    const changed = [channels[10]!, channels[21]!, channels[32]!];
    const fresh: string[] = [];
    for (const ch of changed) {
      fresh.push((await alice.createPost({ channel_id: ch, message: 'while away' } as Post)).id);
    }
    // Unchanged channels (no new post, so last_post_at stays): a reaction, an edit, a delete.
    const reacted = firstPost.get(channels[500]!)!;
    const edited = firstPost.get(channels[601]!)!;
    const deleted = firstPost.get(channels[702]!)!;
    await alice.addReaction(aliceId, reacted, 'tada');
    await alice.patchPost({ id: edited, message: 'edited while away' });
    await alice.deletePost(deleted);

    const readsBefore = count(sim.requestLog(), POSTS);
    const second = await start();
    expect(count(second.requests, TEAMS)).toBe(1);
    expect(count(second.requests, TEAM_CHANNELS)).toBe(2); // one per team
    const newMessages = second.atStart.filter((e) => e.kind === 'message');
    expect(newMessages.map((e) => ('messageId' in e ? e.messageId : '')).sort()).toEqual(
      [...fresh].sort(),
    );
    expect(second.ctx.states.at(-1)?.status).toBe('connected');

    // The background round brings what does not move last_post_at, with the usual keys.
    const reaction = await waitFor(
      'the reaction made while stopped',
      () => second.ctx.find('reaction', reacted),
      30_000,
    );
    expect(reaction.eventKey).toMatch(new RegExp(`^react:${reacted}:${aliceId}:tada:`));
    await waitFor('the edit', () => second.ctx.find('edit', edited), 30_000);
    await waitFor('the delete', () => second.ctx.find('delete', deleted), 30_000);
    // Each channel looked at once, and nothing replayed as new.
    const reads = () => count(sim.requestLog(), POSTS) - readsBefore;
    await waitFor('the whole round', () => reads() >= CHANNELS + unlisted.length, 30_000);
    expect(reads()).toBe(CHANNELS + unlisted.length);
    expect(second.ctx.events.filter((e) => e.kind === 'message')).toHaveLength(3);
    await stop(second.connector);
  }, 60_000);

  it('a live event waits for its channel’s catch-up', async () => {
    const channel = channels[803]!;
    const old = firstPost.get(channel)!;
    await alice.addReaction(aliceId, old, 'smile');
    const third = await start();
    const live = await alice.createPost({ channel_id: channel, message: 'live' } as Post);
    await waitFor('the live post', () => third.ctx.find('message', live.id));
    const reactionAt = third.ctx.events.findIndex(
      (e) => e.kind === 'reaction' && e.messageId === old,
    );
    const liveAt = third.ctx.events.findIndex(
      (e) => e.kind === 'message' && e.messageId === live.id,
    );
    expect(reactionAt).toBeGreaterThanOrEqual(0);
    expect(reactionAt).toBeLessThan(liveAt);

    // Live traffic: the cursor is written behind, about once a second, and flushed on stop.
    const savesBefore = third.ctx.cursorSaves.saves;
    const burstStart = Date.now();
    let last: Post | undefined;
    for (let i = 0; i < 20; i++) {
      last = await alice.createPost({ channel_id: channel, message: `burst ${i}` } as Post);
    }
    await waitFor('the burst', () => third.ctx.find('message', last!.id));
    const cursorWrites = () => third.ctx.cursorSaves.saves - savesBefore;
    // 20 posts would be 20 writes; written behind, one per second at most,
    // counted against the burst's real duration, which a loaded machine stretches.
    expect(cursorWrites()).toBeLessThanOrEqual(Math.ceil((Date.now() - burstStart) / 1000) + 1);
    expect(cursorWrites()).toBeLessThan(20);
    await stop(third.connector);
    expect(storedCursor(store, channel)).toBe(last!.update_at);
  }, 60_000);

  // Last: the failures injected here outlast it.
  it('a quiet channel whose read keeps failing does not hold up start()', async () => {
    const stuck = channels[950]!;
    sim.injectFailures({
      status: 503,
      count: 100_000,
      pathPattern: new RegExp(`/channels/${stuck}/posts`),
    });
    const fourth = await start();
    expect(fourth.ctx.states.at(-1)?.status).toBe('connected');
    const failed = () =>
      sim.requestLog().filter((r) => r.path === POSTS && r.status === 503).length;
    await waitFor('the stuck channel to be retried', () => failed() >= 2, 30_000);
    await stop(fourth.connector);
  }, 60_000);
});
