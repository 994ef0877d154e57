/**
 * The order of a Mattermost catch-up (issue 12): posts created while the bridge was away come
 * out in creation order even when some were edited or reacted to after newer ones (those
 * changes move `update_at`, the order the server lists them in); each edit or reaction comes
 * after its post; a failure part-way loses nothing (the cursor moves only once a whole answer
 * is recorded); a live post made during the catch-up comes after everything it replays.
 */
import mattermostClient from '@mattermost/client';
import type { Post } from '@mattermost/types/posts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorContext, LinkedChannel } from '../../../src/connector/contract.js';
import type { RemoteEvent } from '../../../src/connector/events.js';
import { memoryCursors } from './memory-cursors.js';
import { silentLogger } from '../../../src/util/logger.js';
import { MattermostConnector } from '../../../connectors/mattermost/connector.js';
import {
  startMattermostSimulator,
  type MattermostSimulator,
} from '../../../simulators/mattermost/index.js';
import { memoryReactions, waitFor } from '../../contract/fake-context.js';

const { Client4 } = mattermostClient;
type Client4 = InstanceType<typeof Client4>;

/** Records events once per key, as the core's inbox does; can fail or hold one event. */
class Context implements ConnectorContext {
  readonly connectorId = 'mattermost';
  readonly logger = silentLogger();
  readonly events: RemoteEvent[] = [];
  readonly storage;
  readonly reactions;
  /** The next event this matches is refused once (the inbox could not store it). */
  failOnce: ((e: RemoteEvent) => boolean) | undefined;
  /** The next event this matches waits until `release()`. */
  holdOnce: ((e: RemoteEvent) => boolean) | undefined;
  held = false;
  private releaseHeld: () => void = () => undefined;

  readonly cursors;

  constructor(private readonly links: LinkedChannel[]) {
    const store = new Map<string, string>();
    this.reactions = memoryReactions(store);
    this.storage = {
      get: async (key: string) => store.get(key),
      set: async (key: string, value: string) => void store.set(key, value),
      delete: async (key: string) => void store.delete(key),
    };
    this.cursors = memoryCursors(store).book;
  }

  /** Mattermost runs its own catch-up (it does not offer fetchMessagesSince). */
  async catchUp(): Promise<void> {}

  async emit(event: RemoteEvent): Promise<void> {
    if (this.failOnce?.(event)) {
      this.failOnce = undefined;
      throw new Error('the inbox could not store the event');
    }
    if (this.holdOnce?.(event)) {
      this.holdOnce = undefined;
      this.held = true;
      await new Promise<void>((resolve) => (this.releaseHeld = resolve));
    }
    if (this.events.some((e) => e.eventKey === event.eventKey)) return;
    this.events.push(event);
  }

  release(): void {
    this.releaseHeld();
  }

  reportState(): void {}

  async linkedChannels(): Promise<LinkedChannel[]> {
    return this.links;
  }

  registerWebhook(): string {
    throw new Error('not used by Mattermost');
  }

  /** Where the first event of `kind` about `messageId` is (-1 if none). */
  indexOf(kind: RemoteEvent['kind'], messageId: string): number {
    return this.events.findIndex(
      (e) => e.kind === kind && 'messageId' in e && e.messageId === messageId,
    );
  }

  messageOrder(): string[] {
    return this.events.flatMap((e) => (e.kind === 'message' ? [e.messageId] : []));
  }
}

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
    sim = await startMattermostSimulator();
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
    const connector = new MattermostConnector(ctx, config as never, {
      sweepDelayMs: 0,
      sweepPauseMs: 0,
      retryDelayMs: 50,
    });
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
    // A is recorded, then B is refused: the next try must still bring B and C, although A
    // was changed after both.
    ctx.failOnce = (e) => e.kind === 'message' && e.messageId === b;
    await startConnector(ctx);
    await waitFor('C, after the retry', () => ctx.indexOf('message', c) >= 0);
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
