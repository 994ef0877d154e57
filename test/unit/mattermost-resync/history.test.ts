/**
 * `postsSince`, the Mattermost read of the core's catch-up: one `posts?since=` answer (listed
 * by last change) as events at the times things happened, in the order the core records them
 * (`+id` message, `~id` edit, `-id` deletion, `r:id` / `u:id` reaction added / removed), and
 * the cursor after it.
 */
import type { Post } from '@mattermost/types/posts';
import type { Reaction } from '@mattermost/types/reactions';
import { describe, expect, it } from 'vitest';
import { postsSince, type HistoryDeps } from '../../../connectors/mattermost/history.js';
import type { MattermostApi } from '../../../connectors/mattermost/api.js';
import type { RemoteEvent } from '../../../src/connector/events.js';
import { ReactionTracker } from '../../../src/connector/reaction-snapshots.js';
import { replayOrder } from '../../../src/connector/replay-order.js';
import { memoryReactions } from '../../contract/fake-context.js';

const BOT = 'bot';
const SINCE = 5;
const link = { workspace: 'main', channel: 'c', linkedAt: 1 };

interface Shape {
  create: number;
  update: number;
  edit?: number;
  del?: number;
  user?: string;
  type?: string;
  reactions?: Array<[user: string, emoji: string, at: number]>;
}

const post = (id: string, s: Shape): Post =>
  ({
    id,
    channel_id: 'c',
    user_id: s.user ?? 'alice',
    message: id,
    type: s.type ?? '',
    create_at: s.create,
    update_at: s.update,
    edit_at: s.edit ?? 0,
    delete_at: s.del ?? 0,
    root_id: '',
    props: {},
    metadata: {
      reactions: (s.reactions ?? []).map(
        ([user_id, emoji_name, create_at]) =>
          ({ user_id, emoji_name, create_at, post_id: id }) as Reaction,
      ),
    },
  }) as unknown as Post;

const label = (e: RemoteEvent): string => {
  const id = 'messageId' in e ? e.messageId : '';
  const mark = { message: '+', edit: '~', delete: '-', reaction: 'r:', reaction_remove: 'u:' };
  return `${(mark as Record<string, string>)[e.kind] ?? e.kind}${id}`;
};

function world(posts: Post[], ownDeletes: string[] = []) {
  const api = {
    getPostsSince: async () => ({
      posts: Object.fromEntries(posts.map((p) => [p.id, p])),
      order: [],
    }),
    getProfilesByUsernames: async () => [],
  } as unknown as MattermostApi;
  const deps: HistoryDeps = {
    workspace: 'main',
    api,
    botUserId: () => BOT,
    reactions: new ReactionTracker(memoryReactions(new Map())),
    deletedByBridge: (id) => ownDeletes.includes(id),
  };
  return deps;
}

describe('postsSince', () => {
  it.each([
    {
      name: 'a post edited or reacted to after newer ones stays in its creation place',
      posts: [
        post('c', { create: 30, update: 30 }),
        post('a', { create: 10, update: 50, edit: 50 }),
        post('b', { create: 20, update: 40, reactions: [['alice', 'tada', 40]] }),
      ],
      order: ['+a', '+b', '+c', 'r:b', '~a'],
      cursor: 50,
    },
    {
      name: 'the same creation time is ordered by id, each message before its changes',
      posts: [post('y', { create: 10, update: 10 }), post('x', { create: 10, update: 10 })],
      order: ['+x', '+y'],
      cursor: 10,
    },
    {
      name: 'an older post changed after the cursor is a change only, at its time',
      posts: [
        post('new', { create: 20, update: 20 }),
        post('old', { create: 1, update: 15, edit: 15 }),
      ],
      order: ['~old', '+new'],
      cursor: 20,
    },
    {
      name: 'a post created and deleted while away is a deletion only',
      posts: [
        post('gone', { create: 20, update: 30, del: 30 }),
        post('kept', { create: 25, update: 25 }),
      ],
      order: ['+kept', '-gone'],
      cursor: 30,
    },
    {
      name: 'a thread root listed unchanged with its reply is not news and never moves the cursor back',
      posts: [post('reply', { create: 8, update: 8 }), post('root', { create: 1, update: 2 })],
      order: ['+reply'],
      cursor: 8,
    },
    {
      name: 'the bridge’s own posts and system posts are not news; reactions on its posts are',
      posts: [
        post('own', {
          create: 10,
          update: 12,
          edit: 11,
          user: BOT,
          reactions: [['alice', 'ok', 12]],
        }),
        post('sys', { create: 11, update: 11, type: 'system_join_channel' }),
        post('botreact', { create: 13, update: 14, reactions: [[BOT, 'ok', 14]] }),
      ],
      order: ['r:own', '+botreact'],
      cursor: 14,
    },
    {
      name: 'a deletion the bridge made itself is not news',
      posts: [post('mine', { create: 1, update: 9, del: 9 })],
      ownDeletes: ['mine'],
      order: [],
      cursor: 9,
    },
    {
      name: 'nothing listed leaves the cursor where it was',
      posts: [],
      order: [],
      cursor: SINCE,
    },
  ])('$name', async ({ posts, order, cursor, ownDeletes }) => {
    const page = await postsSince(world(posts, ownDeletes), link, String(SINCE), 200);
    expect(replayOrder(page.events).map(label)).toEqual(order);
    expect(page.nextCursor).toBe(String(cursor));
    expect(page.hasMore).toBe(false);
  });

  it('without a cursor reads from the link time', async () => {
    const posts = [
      post('before', { create: 0, update: 0 }),
      post('after', { create: 2, update: 2 }),
    ];
    const page = await postsSince(world(posts), link, undefined, 200);
    expect(page.events.map(label)).toEqual(['+after']);
  });

  it('says more follows when the answer is as long as the page', async () => {
    const posts = [post('a', { create: 6, update: 6 }), post('b', { create: 7, update: 7 })];
    expect((await postsSince(world(posts), link, String(SINCE), 2)).hasMore).toBe(true);
    expect((await postsSince(world(posts), link, String(SINCE), 3)).hasMore).toBe(false);
  });

  it('remembers reactions only once the page is recorded, then passes each change on once', async () => {
    const deps = world([post('p', { create: 1, update: 9, reactions: [['alice', 'tada', 9]] })]);
    const read = () => postsSince(deps, link, String(SINCE), 200);
    const first = await read();
    expect(first.events.map(label)).toEqual(['r:p']);
    // Not recorded (a crash): the same change again, under the same key.
    const again = await read();
    expect(again.events.map((e) => e.eventKey)).toEqual(first.events.map((e) => e.eventKey));
    await again.recorded?.();
    expect((await read()).events).toEqual([]);
  });

  it('a removed reaction comes at the post’s last change, keyed by it', async () => {
    const deps = world([post('p', { create: 1, update: 9, reactions: [['alice', 'tada', 9]] })]);
    await (await postsSince(deps, link, String(SINCE), 200)).recorded?.();
    const removed = world([post('p', { create: 1, update: 20 })]);
    const page = await postsSince({ ...removed, reactions: deps.reactions }, link, '9', 200);
    expect(page.events.map(label)).toEqual(['u:p']);
    expect(page.events[0]?.ts).toBe(20);
    expect(page.events[0]?.eventKey).toBe('unreact:p:alice:tada:resync:20');
  });
});
