import { randomBytes } from 'node:crypto';
import mattermostClient from '@mattermost/client';
import type { Post } from '@mattermost/types/posts';
import { definition } from '../../connectors/mattermost/index.js';
import { startMattermostSimulator } from '../../simulators/mattermost/index.js';
import { mattermostActivity } from './mattermost-activity.js';
import { retried } from './retry.js';
import type { MarkupRisks, PlatformAdapter, PlatformWorld } from './types.js';

// CommonJS package: plain Node ESM does not see Client4 as a named export.
const { Client4 } = mattermostClient;

const PAGE = 200;
/** Posts `userId` made in a channel, oldest first, through the API (all pages). */
async function postsBy(
  reader: InstanceType<typeof Client4>,
  channel: string,
  userId: string,
): Promise<Post[]> {
  const posts: Post[] = [];
  for (let page = 0; ; page++) {
    const list = await retried(() => reader.getPosts(channel, page, PAGE));
    posts.push(...list.order.map((id) => list.posts[id] as Post));
    if (list.order.length < PAGE) break;
  }
  return posts
    .filter((p) => p.channel_id === channel && p.user_id === userId)
    .sort((a, b) => a.create_at - b.create_at);
}

async function textsBy(
  reader: InstanceType<typeof Client4>,
  channel: string,
  userId: string,
): Promise<string[]> {
  return (await postsBy(reader, channel, userId)).map((p) => p.message);
}

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);

/**
 * Mattermost renders Markdown and shows raw HTML as text. What acts: unescaped links and
 * images (`[t](u)`, `![t](u)`, `<scheme:…>` autolinks) with an unsafe scheme, and
 * `@channel`, `@all`, `@here` mentions (which notify everyone in the channel).
 */
export function mattermostMarkupRisks(text: string): MarkupRisks {
  const live = (re: RegExp): RegExpExecArray[] =>
    [...text.matchAll(re)].filter((m) => text[(m.index ?? 0) - 1] !== '\\');
  const active: string[] = [];
  for (const m of live(/!?\[[^\]]*\]\(\s*<?([a-zA-Z][a-zA-Z0-9+.-]*):/g))
    if (!SAFE_SCHEMES.has((m[1] as string).toLowerCase())) active.push(m[0]);
  for (const m of live(/<([a-zA-Z][a-zA-Z0-9+.-]*):[^>\s]*>/g))
    if (!SAFE_SCHEMES.has((m[1] as string).toLowerCase())) active.push(m[0]);
  // Mattermost treats `@name` as a mention unless a word character or `\` is right before it.
  const roomPings = [...text.matchAll(/(^|[^\w\u200b\\])@(channel|all|here)\b/gi)].map((m) =>
    m[0].trim(),
  );
  return { active, roomPings };
}

/** The Mattermost simulator, driven with @mattermost/client as a Mattermost user would. */
export const mattermostAdapter: PlatformAdapter = {
  id: 'mattermost',
  definition: definition as PlatformAdapter['definition'],
  markupRisks: mattermostMarkupRisks,
  async start(opts): Promise<PlatformWorld> {
    // The e2e fault and bad-input tests run on this world too: the server's 5 s WebSocket
    // login deadline would let a stalled machine turn a prompt login into a reconnect.
    const sim = await startMattermostSimulator({
      wsAuthTimeoutMs: 30_000,
      ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}),
    });
    sim.setSettings({ enablePostUsernameOverride: true, enablePostIconOverride: true });
    const team = sim.createTeam('agency', 'Agency');
    const bot = sim.createUser({ username: 'bridgebot', isBot: true, firstName: 'Bridge' });
    const alice = sim.createUser({ username: 'alice', firstName: 'Alice', lastName: 'Andersson' });
    sim.addToTeam(team.id, bot.id);
    sim.addToTeam(team.id, alice.id);
    const channels: string[] = [];
    for (let i = 0; i < opts.channels; i++) {
      const ch = sim.createChannel(team.id, `bench-${i}`, { displayName: `Bench ${i}` });
      sim.addToChannel(ch.id, bot.id);
      sim.addToChannel(ch.id, alice.id);
      channels.push(ch.id);
    }
    let extraUsers = 0;
    const human = new Client4();
    human.setUrl(sim.url);
    human.setToken(alice.token);
    // A reader with its own token, so reading back is never rate limited with the bridge.
    const readerUser = sim.createUser({ username: 'auditor', firstName: 'Audit' });
    for (const ch of channels) sim.addToChannel(ch, readerUser.id);
    const reader = new Client4();
    reader.setUrl(sim.url);
    reader.setToken(readerUser.token);

    return {
      workspace: 'main',
      channels,
      user: { id: alice.id },
      connectorConfig: {
        workspaces: { main: { url: sim.url, token: bot.token, identity: 'auto' } },
      },
      async post(channel, text) {
        // pending_post_id makes a retried create return the first post instead of a second one.
        const pending = `${alice.id}:${randomBytes(8).toString('hex')}`;
        await retried(() =>
          human.createPost({
            channel_id: channel,
            message: text,
            pending_post_id: pending,
          } as Post),
        );
      },
      bridgedTexts: (channel) => textsBy(reader, channel, bot.id),
      userTexts: (channel) => textsBy(reader, channel, alice.id),
      async bridgedMessages(channel) {
        return (await postsBy(reader, channel, bot.id)).map((p) => {
          const props = (p.props ?? {}) as Record<string, unknown>;
          const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
          return {
            text: p.message,
            at: p.create_at,
            authorName: str(props.override_username) ?? 'bridgebot',
            avatarUrl: str(props.override_icon_url),
          };
        });
      },
      async addUser(displayName) {
        const user = sim.createUser({ username: `user${++extraUsers}`, firstName: displayName });
        for (const ch of channels) sim.addToChannel(ch, user.id);
        const client = new Client4();
        client.setUrl(sim.url);
        client.setToken(user.token);
        return {
          id: user.id,
          mention: `@${user.username}`,
          post: async (channel, text) =>
            void (await retried(() =>
              client.createPost({ channel_id: channel, message: text } as Post),
            )),
        };
      },
      activity: mattermostActivity({
        human,
        humanId: alice.id,
        botPosts: (channel) => postsBy(reader, channel, bot.id),
      }),
      faults: {
        setRateLimit: (limit) => sim.setRateLimit(limit),
        failRequests: (status, count, retryAfterSec) =>
          sim.injectFailures({ status, count, retryAfterSec }),
        dropConnection: () => sim.dropWebSockets(),
      },
      close: () => sim.close(),
    };
  },
};
