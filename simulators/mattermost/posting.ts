import type { PostType } from '@mattermost/types/posts';
import { channelEvent } from './events.js';
import { newId } from './ids.js';
import { renderPost } from './render.js';
import type { Sim } from './context.js';
import type { StoredPost } from './state.js';

export interface NewPost {
  channelId: string;
  userId: string;
  message: string;
  rootId?: string;
  type?: PostType;
  props?: Record<string, unknown>;
  fileIds?: string[];
  pendingPostId?: string;
}

const HASHTAG_RE = /(?:^|[\s(])(#[\p{L}][\p{L}\p{N}_.-]{2,})/gu;

export function parseHashtags(message: string): string {
  return [...message.matchAll(HASHTAG_RE)]
    .map((m) => (m[1] as string).replace(/[.-]+$/, ''))
    .join(' ');
}

/** Attaches the caller's own, unattached uploads from this channel; others are dropped silently. */
export function attachFiles(sim: Sim, post: StoredPost, fileIds: string[]): string[] {
  const attached: string[] = [];
  for (const id of fileIds) {
    const rec = sim.state.files.get(id);
    if (!rec || rec.info.delete_at !== 0) continue;
    const info = rec.info;
    if (info.post_id === post.id) {
      attached.push(id);
      continue;
    }
    if (info.post_id || info.user_id !== post.user_id || info.channel_id !== post.channel_id)
      continue;
    info.post_id = post.id;
    info.update_at = sim.state.clock.now();
    attached.push(id);
  }
  return attached;
}

/** Saves a post, updates channel counters and broadcasts `posted` (state change, then event). */
export function insertPost(sim: Sim, input: NewPost, setOnline = true): StoredPost {
  const { state } = sim;
  const now = state.clock.now();
  const post: StoredPost = {
    id: newId(),
    create_at: now,
    update_at: now,
    edit_at: 0,
    delete_at: 0,
    is_pinned: false,
    user_id: input.userId,
    channel_id: input.channelId,
    root_id: input.rootId ?? '',
    original_id: '',
    message: input.message,
    type: input.type ?? '',
    props: { ...(input.props ?? {}) },
    hashtags: parseHashtags(input.message),
    pending_post_id: input.pendingPostId ?? '',
    file_ids: [],
    has_reactions: false,
  };
  if (state.users.get(input.userId)?.profile.is_bot) post.props.from_bot = 'true';
  post.file_ids = attachFiles(sim, post, input.fileIds ?? []);
  state.savePost(post);
  const channel = state.channels.get(post.channel_id);
  if (channel) {
    channel.last_post_at = now;
    channel.total_msg_count += 1;
    if (!post.root_id) {
      channel.last_root_post_at = now;
      channel.total_msg_count_root += 1;
    }
    const member = state.member(channel.id, post.user_id);
    if (member && post.props.from_webhook === undefined) {
      member.last_viewed_at = now;
      member.msg_count = channel.total_msg_count;
      member.msg_count_root = channel.total_msg_count_root;
    }
  }
  publishPosted(sim, post, setOnline);
  return post;
}

function senderName(sim: Sim, post: StoredPost): string {
  if (post.type.startsWith('system_')) return 'System';
  const override = post.props.override_username;
  if (
    sim.state.settings.enablePostUsernameOverride &&
    post.props.from_webhook === 'true' &&
    typeof override === 'string'
  ) {
    return override;
  }
  return '@' + (sim.state.users.get(post.user_id)?.profile.username ?? '');
}

function mentionedUserIds(sim: Sim, post: StoredPost): string[] {
  const members = sim.state.channelMemberIds(post.channel_id).filter((id) => id !== post.user_id);
  const words = new Set(
    [...post.message.matchAll(/@([a-z0-9.\-_]+)/gi)].map((m) =>
      (m[1] as string).toLowerCase().replace(/\.$/, ''),
    ),
  );
  if (words.has('channel') || words.has('all') || words.has('here')) return members;
  return members.filter((id) => words.has(sim.state.users.get(id)?.profile.username ?? ''));
}

export function publishPosted(sim: Sim, post: StoredPost, setOnline: boolean): void {
  const channel = sim.state.channels.get(post.channel_id);
  if (!channel) return;
  // Go encodes map keys sorted, so the data object is built in that order.
  const data: Record<string, unknown> = {
    channel_display_name: channel.display_name,
    channel_name: channel.name,
    channel_type: channel.type,
  };
  const files = post.file_ids.map((id) => sim.state.files.get(id)?.info);
  if (files.some((f) => f?.mime_type.startsWith('image'))) data.image = 'true';
  const mentions = mentionedUserIds(sim, post);
  if (mentions.length > 0) data.mentions = JSON.stringify(mentions);
  if (files.length > 0) data.otherFile = 'true';
  data.post = JSON.stringify(renderPost(sim.state, post));
  data.sender_name = senderName(sim, post);
  data.set_online = setOnline;
  data.team_id = channel.team_id;
  sim.hub.publish(channelEvent('posted', post.channel_id, data));
}

export function publishEdited(sim: Sim, post: StoredPost): void {
  const data = { post: JSON.stringify(renderPost(sim.state, post)) };
  sim.hub.publish(channelEvent('post_edited', post.channel_id, data));
}

export function publishDeleted(sim: Sim, post: StoredPost): void {
  const data = { post: JSON.stringify(renderPost(sim.state, post)) };
  sim.hub.publish(channelEvent('post_deleted', post.channel_id, data));
}
