/**
 * Mattermost: a channel's catch-up (run by the core) whose read fails (503, 429) is retried with back-off until it
 * succeeds, and replays every post made while the bridge was away, in order and once, before
 * the channel's live posts: nothing is skipped.
 */
import mattermostClient from '@mattermost/client';
import type { Post } from '@mattermost/types/posts';
import { afterEach, describe, expect, it } from 'vitest';
import { MattermostConnector } from '../../../connectors/mattermost/connector.js';
import {
  startMattermostSimulator,
  type MattermostSimulator,
} from '../../../simulators/mattermost/index.js';
import { PATIENT_MATTERMOST } from '../../simulators/mattermost/helpers.js';
import { WebhookRouter } from '../../../src/app/webhooks.js';
import { silentLogger } from '../../../src/util/logger.js';
import { RecordingContext, waitFor } from '../../contract/fake-context.js';

const { Client4 } = mattermostClient;

let sim: MattermostSimulator | undefined;
const running: MattermostConnector[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) await c.stop();
  await sim?.close();
  sim = undefined;
});

describe('Mattermost catch-up', () => {
  it('retries a failing channel read until it works, skipping nothing', async () => {
    const s = await startMattermostSimulator(PATIENT_MATTERMOST);
    sim = s;
    const team = s.createTeam('alpha');
    const bot = s.createUser({ username: 'bridgebot', isBot: true });
    const user = s.createUser({ username: 'alice' });
    const channel = s.createChannel(team.id, 'general');
    s.addToChannel(channel.id, bot.id);
    s.addToChannel(channel.id, user.id);
    const alice = new Client4();
    alice.setUrl(s.url);
    alice.setToken(user.token);
    const post = async (message: string) =>
      (await alice.createPost({ channel_id: channel.id, message } as Post)).id;
    const links = [{ workspace: 'main', channel: channel.id, linkedAt: Date.now() - 1000 }];
    const config = { workspaces: { main: { url: s.url, token: bot.token, identity: 'auto' } } };
    const store = new Map<string, string>();
    const start = async () => {
      const router = new WebhookRouter('http://127.0.0.1:9', silentLogger());
      const ctx = new RecordingContext('mattermost', links, router, store);
      const connector = ctx.connect(new MattermostConnector(ctx, config as never));
      running.push(connector);
      await connector.start();
      return { ctx, connector };
    };
    const first = await start();
    const known = await post('known');
    await waitFor('the first post', () => first.ctx.events.some((e) => e.kind === 'message'));
    await first.connector.stop();
    running.splice(0);

    const missed = [await post('missed 1'), await post('missed 2'), await post('missed 3')];
    const posts = new RegExp(`/channels/${channel.id}/posts`);
    s.injectFailures({ status: 503, count: 4, pathPattern: posts });
    s.injectFailures({ status: 429, count: 1, retryAfterSec: 1, pathPattern: posts });
    const second = await start();
    const live = await post('live');
    const ids = () => second.ctx.events.filter((e) => e.kind === 'message').map((e) => e.messageId);
    await waitFor('every post', () => ids().includes(live), 30_000);
    expect(ids()).toEqual([...missed, live]);
    expect(ids()).not.toContain(known);
    const failed = s
      .requestLog()
      .filter((r) => r.path.endsWith('/posts') && r.status >= 400)
      .map((r) => r.status);
    expect(failed).toEqual([503, 503, 503, 503, 429]);
  }, 60_000);

  it('brings an edit made while away even when a crash left the stored cursor behind the post', async () => {
    const s = await startMattermostSimulator(PATIENT_MATTERMOST);
    sim = s;
    const team = s.createTeam('alpha');
    const bot = s.createUser({ username: 'bridgebot', isBot: true });
    const user = s.createUser({ username: 'alice' });
    const channel = s.createChannel(team.id, 'general');
    s.addToChannel(channel.id, bot.id);
    s.addToChannel(channel.id, user.id);
    const alice = new Client4();
    alice.setUrl(s.url);
    alice.setToken(user.token);
    const links = [{ workspace: 'main', channel: channel.id, linkedAt: Date.now() - 1000 }];
    const config = { workspaces: { main: { url: s.url, token: bot.token, identity: 'auto' } } };
    const store = new Map<string, string>();
    const start = async () => {
      const router = new WebhookRouter('http://127.0.0.1:9', silentLogger());
      const ctx = new RecordingContext('mattermost', links, router, store);
      const connector = ctx.connect(new MattermostConnector(ctx, config as never));
      running.push(connector);
      await connector.start();
      return { ctx, connector };
    };
    const first = await start();
    const id = (await alice.createPost({ channel_id: channel.id, message: 'first' } as Post)).id;
    await waitFor('the post', () => first.ctx.events.some((e) => e.kind === 'message'));
    await first.connector.stop();
    running.splice(0);
    // A SIGKILL before the write-behind flush: the stored cursor is from before the post
    // (RecordingContext keeps the core's cursor rows in `store` under a \u0000cursor: prefix).
    for (const key of [...store.keys()]) if (key.startsWith('\u0000cursor:')) store.delete(key);
    await alice.patchPost({ id, message: 'edited while away' });
    const second = await start();
    const edit = await waitFor('the edit', () =>
      second.ctx.events.find((e) => e.kind === 'edit' && e.messageId === id),
    );
    expect(edit.kind).toBe('edit');
  }, 60_000);
});
