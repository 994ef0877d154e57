import type { Channel, ChannelMembership } from '@mattermost/types/channels';
import type { FileInfo } from '@mattermost/types/files';
import type { Post } from '@mattermost/types/posts';
import type { Reaction } from '@mattermost/types/reactions';
import type { Team } from '@mattermost/types/teams';
import type { UserProfile } from '@mattermost/types/users';
import { Clock, newId } from './ids.js';

/** The fields a post has in the database; answers add metadata, reply counts and so on. */
export type StoredPost = Pick<
  Post,
  | 'id'
  | 'create_at'
  | 'update_at'
  | 'edit_at'
  | 'delete_at'
  | 'is_pinned'
  | 'user_id'
  | 'channel_id'
  | 'root_id'
  | 'original_id'
  | 'message'
  | 'type'
  | 'props'
  | 'hashtags'
  | 'pending_post_id'
> & { file_ids: string[]; has_reactions: boolean };

export type StoredReaction = Reaction & {
  update_at: number;
  delete_at: number;
  remote_id: string;
  channel_id: string;
};

export interface UserRecord {
  profile: UserProfile;
  avatar: Buffer | null;
  isAdmin: boolean;
}

export interface FileRecord {
  info: FileInfo;
  data: Buffer;
}

export type ChannelRecord = Channel & { total_msg_count: number; total_msg_count_root: number };

export interface Settings {
  enablePostUsernameOverride: boolean;
  enablePostIconOverride: boolean;
}

/** The whole in-memory server: plain maps, no behaviour beyond bookkeeping. */
export class SimState {
  readonly clock = new Clock();
  readonly users = new Map<string, UserRecord>();
  readonly usernames = new Map<string, string>();
  readonly tokens = new Map<string, string>();
  readonly teams = new Map<string, Team>();
  readonly teamMembers = new Map<string, Set<string>>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly channelMembers = new Map<string, Map<string, ChannelMembership>>();
  readonly posts = new Map<string, StoredPost>();
  /** Post ids per channel in creation order (create_at is strictly increasing). */
  readonly channelPosts = new Map<string, string[]>();
  /** Reply ids per root post, in creation order. */
  readonly replies = new Map<string, string[]>();
  readonly reactions = new Map<string, StoredReaction[]>();
  readonly files = new Map<string, FileRecord>();
  /** pending_post_id → post id ('' while the first create is in flight) and expiry. */
  readonly pendingPostIds = new Map<string, { postId: string; expires: number }>();

  constructor(readonly settings: Settings) {}

  userForToken(token: string): UserRecord | undefined {
    const userId = this.tokens.get(token);
    return userId === undefined ? undefined : this.users.get(userId);
  }

  issueToken(userId: string): string {
    const token = newId();
    this.tokens.set(token, userId);
    return token;
  }

  isTeamMember(teamId: string, userId: string): boolean {
    return this.teamMembers.get(teamId)?.has(userId) ?? false;
  }

  member(channelId: string, userId: string): ChannelMembership | undefined {
    return this.channelMembers.get(channelId)?.get(userId);
  }

  channelMemberIds(channelId: string): string[] {
    return [...(this.channelMembers.get(channelId)?.keys() ?? [])];
  }

  addTeamMember(teamId: string, userId: string): void {
    let set = this.teamMembers.get(teamId);
    if (!set) this.teamMembers.set(teamId, (set = new Set()));
    set.add(userId);
  }

  addChannelMember(channelId: string, userId: string): ChannelMembership {
    let members = this.channelMembers.get(channelId);
    if (!members) this.channelMembers.set(channelId, (members = new Map()));
    const existing = members.get(userId);
    if (existing) return existing;
    const now = this.clock.now();
    const member: ChannelMembership = {
      channel_id: channelId,
      user_id: userId,
      roles: 'channel_user',
      last_viewed_at: 0,
      msg_count: 0,
      msg_count_root: 0,
      mention_count: 0,
      mention_count_root: 0,
      urgent_mention_count: 0,
      notify_props: {
        desktop: 'default',
        email: 'default',
        ignore_channel_mentions: 'default',
        mark_unread: 'all',
        push: 'default',
        channel_auto_follow_threads: 'off',
      },
      last_update_at: now,
      scheme_user: true,
      scheme_admin: false,
    };
    members.set(userId, member);
    return member;
  }

  savePost(post: StoredPost): void {
    this.posts.set(post.id, post);
    let list = this.channelPosts.get(post.channel_id);
    if (!list) this.channelPosts.set(post.channel_id, (list = []));
    list.push(post.id);
    if (post.root_id) {
      let thread = this.replies.get(post.root_id);
      if (!thread) this.replies.set(post.root_id, (thread = []));
      thread.push(post.id);
    }
  }

  /** Live (not deleted) posts of a channel, oldest first. */
  livePosts(channelId: string): StoredPost[] {
    return this.allPosts(channelId).filter((p) => p.delete_at === 0);
  }

  allPosts(channelId: string): StoredPost[] {
    const ids = this.channelPosts.get(channelId) ?? [];
    return ids.map((id) => this.posts.get(id)).filter((p): p is StoredPost => p !== undefined);
  }

  liveReplies(rootId: string): StoredPost[] {
    return (this.replies.get(rootId) ?? [])
      .map((id) => this.posts.get(id))
      .filter((p): p is StoredPost => p !== undefined && p.delete_at === 0);
  }

  liveReactions(postId: string): StoredReaction[] {
    return this.reactions.get(postId) ?? [];
  }
}
