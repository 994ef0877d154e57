import type { Post } from '@mattermost/types/posts';
import {
  type KnownReaction,
  type LinkedChannel,
  type MessagesPage,
  PageBuilder,
  type ReactionTracker,
  type RemoteEvent,
} from '../../src/connector/index.js';
import type { MattermostApi } from './api.js';
import { deleteEvent, editEvent, isSystemPost, messageEvent } from './inbound.js';
import { resyncedReaction } from './socket-events.js';

export interface HistoryDeps {
  workspace: string;
  api: MattermostApi;
  botUserId(): string;
  reactions: ReactionTracker;
  /** Whether the bridge deleted the post itself (its deletion is no news to other sides). */
  deletedByBridge(postId: string): boolean;
}

/** A channel's cursor is the newest `update_at` recorded (ms); without one, its link time. */
function sinceOf(link: LinkedChannel, cursor: string | undefined): number {
  const after = cursor === undefined ? Number.NaN : Number(cursor);
  return Number.isFinite(after) ? after : link.linkedAt;
}

const byCreation = (a: Post, b: Post): number =>
  a.create_at - b.create_at || (a.id === b.id ? 0 : a.id < b.id ? -1 : 1);

/**
 * One read of the core's catch-up: `posts?since=` lists every post created, edited, deleted
 * or reacted to after the cursor, by last change. Each becomes the events of what happened
 * to it, each at its own time (a post created while away at its creation, its edit at the
 * edit), so the core records them in the order they were written. The cursor moves to the
 * newest change only once the whole answer is recorded, and reaction snapshots are kept
 * only then (`recorded`), so a crash part-way replays the same changes under the same keys.
 */
export async function postsSince(
  d: HistoryDeps,
  link: LinkedChannel,
  cursor: string | undefined,
  limit: number,
): Promise<MessagesPage> {
  const since = sinceOf(link, cursor);
  const list = await d.api.getPostsSince(link.channel, since, false);
  // Thread roots come along unchanged: they are not news.
  const posts = Object.values(list.posts)
    .filter((p) => p.update_at > since)
    .sort(byCreation);
  const ref = { workspace: d.workspace, channel: link.channel };
  const known = await d.reactions.recall(
    ref,
    posts.map((p) => p.id),
  );
  const page = new PageBuilder();
  for (const post of posts) await changesOf(d, post, since, known.get(post.id) ?? [], page);
  return page.page(
    String(posts.reduce((newest, p) => Math.max(newest, p.update_at), since)),
    Object.keys(list.posts).length >= limit,
  );
}

/**
 * What happened to one post after `since`: its deletion; or its message (when created
 * after `since`), its edit and the reactions added or removed. The edit comes also for a
 * post created after `since`: after a crash the cursor lags, and the post may have crossed
 * with its first text already (its message event is then dropped by key).
 */
async function changesOf(
  d: HistoryDeps,
  post: Post,
  since: number,
  known: readonly KnownReaction[],
  page: PageBuilder,
): Promise<void> {
  if (post.delete_at > 0) {
    if (!d.deletedByBridge(post.id)) page.add([deleteEvent(post, d.workspace)]);
    return;
  }
  if (isSystemPost(post)) return;
  const events: RemoteEvent[] = [];
  // The bridge's own posts are not news; reactions on them are.
  if (post.user_id !== d.botUserId()) {
    if (post.create_at > since) events.push(await messageEvent(post, d.workspace, d.api));
    if (post.edit_at > 0) events.push(await editEvent(post, d.workspace, d.api));
  }
  const current = (post.metadata?.reactions ?? []).filter((r) => r.user_id !== d.botUserId());
  const { changes, commit } = await d.reactions.compare(
    { workspace: d.workspace, channel: post.channel_id },
    post.id,
    current.map((r) => ({ user: r.user_id, reaction: r.emoji_name })),
    { known },
  );
  events.push(...changes.map((c) => resyncedReaction(post, c, current, d.workspace)));
  page.add(events, changes.length > 0 ? commit : undefined);
}

/** Which linked channels a (re)connection catches up first, and which later. */
export interface ChannelActivity {
  /** A post newer than the cursor (or the channel is not in the bot's lists). */
  changed: string[];
  /**
   * Bridged before, no new post: edits, deletions and reactions do not move a channel's
   * last post time, so these are read too, but need not hold up the connection.
   */
  quiet: string[];
  /** Never caught up and no post since linked: nothing to read. */
  idle: number;
}

/**
 * Sorts linked channels by the bot's channel lists (one request per team): `last_post_at`
 * newer than the cursor (or the link time, for a channel never caught up) means new posts.
 */
export async function channelActivity(
  api: MattermostApi,
  links: readonly LinkedChannel[],
  cursorOf: (channel: string) => Promise<string | undefined>,
): Promise<ChannelActivity> {
  const activity: ChannelActivity = { changed: [], quiet: [], idle: 0 };
  if (links.length === 0) return activity;
  const lastPosts = await lastPostTimes(api);
  for (const link of links) {
    const last = lastPosts.get(link.channel);
    const cursor = await cursorOf(link.channel);
    if (last === undefined || last > sinceOf(link, cursor)) activity.changed.push(link.channel);
    else if (cursor !== undefined) activity.quiet.push(link.channel);
    else activity.idle++;
  }
  return activity;
}

/** Newest post time of every channel the bot is in, one request per team. */
async function lastPostTimes(api: MattermostApi): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const team of await api.getMyTeams()) {
    // Archived channels too: a linked channel that was archived still has its posts.
    for (const ch of await api.getMyChannels(team.id, true)) {
      out.set(ch.id, Math.max(ch.last_post_at ?? 0, ch.last_root_post_at ?? 0));
    }
  }
  return out;
}
