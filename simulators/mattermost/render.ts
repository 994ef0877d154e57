import type { ChannelMembership } from '@mattermost/types/channels';
import type { FileInfo } from '@mattermost/types/files';
import type { Post, PostMetadata } from '@mattermost/types/posts';
import type { Team } from '@mattermost/types/teams';
import type { UserProfile } from '@mattermost/types/users';
import type { ChannelRecord, SimState, StoredPost, StoredReaction, UserRecord } from './state.js';

// Wire shapes, with the server's field order and its omitempty / null habits.

/** A user as `viewer` sees it: self and admins get private fields, others a sanitized profile. */
export function renderUser(rec: UserRecord, viewer: UserRecord | null): UserProfile {
  const u = rec.profile;
  const full = viewer !== null && (viewer.isAdmin || viewer.profile.id === u.id);
  const out: Record<string, unknown> = {
    id: u.id,
    create_at: u.create_at,
    update_at: u.update_at,
    delete_at: u.delete_at,
    username: u.username,
    auth_service: u.auth_service,
    email: u.email,
    nickname: u.nickname,
    first_name: u.first_name,
    last_name: u.last_name,
    position: u.position,
    roles: u.roles,
  };
  if (full) {
    out.notify_props = u.notify_props;
    out.last_password_update = u.last_password_update;
  }
  if (u.last_picture_update) out.last_picture_update = u.last_picture_update;
  out.locale = u.locale;
  out.timezone = u.timezone;
  if (u.is_bot) {
    out.is_bot = true;
    out.bot_description = u.bot_description;
  }
  out.disable_welcome_email = false;
  return out as unknown as UserProfile;
}

export function renderTeam(t: Team): Team {
  return { ...t, scheme_id: null, group_constrained: null, policy_id: null } as unknown as Team;
}

export function renderChannel(c: ChannelRecord): ChannelRecord {
  return {
    id: c.id,
    create_at: c.create_at,
    update_at: c.update_at,
    delete_at: c.delete_at,
    team_id: c.team_id,
    type: c.type,
    display_name: c.display_name,
    name: c.name,
    header: c.header,
    purpose: c.purpose,
    last_post_at: c.last_post_at,
    total_msg_count: c.total_msg_count,
    extra_update_at: 0,
    creator_id: c.creator_id,
    scheme_id: null,
    props: null,
    group_constrained: null,
    shared: null,
    total_msg_count_root: c.total_msg_count_root,
    policy_id: null,
    last_root_post_at: c.last_root_post_at,
  } as unknown as ChannelRecord;
}

export function renderMember(m: ChannelMembership): ChannelMembership {
  return { ...m, explicit_roles: '', scheme_guest: false } as ChannelMembership;
}

export function renderFileInfo(info: FileInfo): FileInfo {
  const out: Record<string, unknown> = {
    id: info.id,
    user_id: info.user_id,
    channel_id: info.channel_id,
    post_id: info.post_id ?? '',
    create_at: info.create_at,
    update_at: info.update_at,
    delete_at: info.delete_at,
    name: info.name,
    extension: info.extension,
    size: info.size,
    mime_type: info.mime_type,
  };
  if (info.width) out.width = info.width;
  if (info.height) out.height = info.height;
  if (info.has_preview_image) out.has_preview_image = true;
  out.archived = false;
  return out as unknown as FileInfo;
}

export function renderReaction(r: StoredReaction): StoredReaction {
  return { ...r };
}

export function renderPost(state: SimState, p: StoredPost): Post {
  const rootId = p.root_id || p.id;
  const replies = state.liveReplies(rootId);
  const metadata: Partial<PostMetadata> = {};
  const files = p.file_ids
    .map((id) => state.files.get(id)?.info)
    .filter((f): f is FileInfo => f !== undefined);
  if (files.length > 0) metadata.files = files.map(renderFileInfo);
  const reactions = state.liveReactions(p.id);
  if (reactions.length > 0) metadata.reactions = reactions.map(renderReaction);
  const out: Record<string, unknown> = {
    id: p.id,
    create_at: p.create_at,
    update_at: p.update_at,
    edit_at: p.edit_at,
    delete_at: p.delete_at,
    is_pinned: p.is_pinned,
    user_id: p.user_id,
    channel_id: p.channel_id,
    root_id: p.root_id,
    original_id: p.original_id,
    message: p.message,
    type: p.type,
    props: { ...p.props },
    hashtags: p.hashtags,
  };
  if (p.file_ids.length > 0) out.file_ids = [...p.file_ids];
  out.pending_post_id = p.pending_post_id;
  if (p.has_reactions) out.has_reactions = true;
  out.reply_count = replies.length;
  out.last_reply_at = p.root_id === '' ? (replies.at(-1)?.create_at ?? 0) : 0;
  out.participants = null;
  out.metadata = metadata;
  return out as unknown as Post;
}
