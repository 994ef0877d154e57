import type { Post } from '@mattermost/types/posts';
import type { Team } from '@mattermost/types/teams';
import type { UserProfile } from '@mattermost/types/users';
import { newId } from './ids.js';
import { renderPost } from './render.js';
import { USERNAME_RE } from './routes/users.js';
import type { ChannelRecord, SimState } from './state.js';

const NAME_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export interface CreateUserOptions {
  username: string;
  firstName?: string;
  lastName?: string;
  nickname?: string;
  email?: string;
  isBot?: boolean;
  /** System admin (may edit/delete others' posts, read every channel). */
  isAdmin?: boolean;
  avatarPng?: Buffer;
}

/** Direct (non-HTTP) setup of the in-memory server, used by tests and the demo. */
export class Control {
  constructor(private readonly state: SimState) {}

  createTeam(name: string, displayName?: string): Team {
    if (!NAME_RE.test(name)) throw new Error(`invalid team name: ${name}`);
    if ([...this.state.teams.values()].some((t) => t.name === name))
      throw new Error(`team exists: ${name}`);
    const now = this.state.clock.now();
    const team: Team = {
      id: newId(),
      create_at: now,
      update_at: now,
      delete_at: 0,
      display_name: displayName ?? name,
      name,
      description: '',
      email: '',
      type: 'O',
      company_name: '',
      allowed_domains: '',
      invite_id: newId(),
      allow_open_invite: false,
      scheme_id: '',
      group_constrained: false,
    };
    this.state.teams.set(team.id, team);
    return { ...team };
  }

  createUser(opts: CreateUserOptions): UserProfile & { token: string } {
    const username = opts.username.toLowerCase();
    if (!USERNAME_RE.test(username)) throw new Error(`invalid username: ${opts.username}`);
    if (this.state.usernames.has(username)) throw new Error(`username taken: ${username}`);
    const now = this.state.clock.now();
    const id = newId();
    const profile: UserProfile = {
      id,
      create_at: now,
      update_at: now,
      delete_at: 0,
      username,
      password: '',
      auth_service: '',
      email: opts.email ?? `${username}@${opts.isBot ? 'localhost' : 'example.com'}`,
      nickname: opts.nickname ?? '',
      first_name: opts.firstName ?? '',
      last_name: opts.lastName ?? '',
      position: '',
      roles: opts.isAdmin ? 'system_admin system_user' : 'system_user',
      props: {},
      notify_props: {
        desktop: 'mention',
        desktop_sound: 'true',
        calls_desktop_sound: 'true',
        email: 'true',
        mark_unread: 'all',
        push: 'mention',
        push_status: 'away',
        comments: 'never',
        first_name: 'false',
        channel: 'true',
        mention_keys: '',
        highlight_keys: '',
      },
      last_password_update: now,
      last_picture_update: opts.avatarPng ? now : 0,
      locale: 'en',
      timezone: { useAutomaticTimezone: 'true', automaticTimezone: '', manualTimezone: '' },
      mfa_active: false,
      last_activity_at: 0,
      is_bot: opts.isBot ?? false,
      bot_description: '',
      terms_of_service_id: '',
      terms_of_service_create_at: 0,
    };
    this.state.users.set(id, {
      profile,
      avatar: opts.avatarPng ?? null,
      isAdmin: opts.isAdmin ?? false,
    });
    this.state.usernames.set(username, id);
    return { ...profile, token: this.state.issueToken(id) };
  }

  createChannel(
    teamId: string,
    name: string,
    opts: { displayName?: string; type?: 'O' | 'P' } = {},
  ): ChannelRecord {
    if (!this.state.teams.has(teamId)) throw new Error(`no such team: ${teamId}`);
    if (!NAME_RE.test(name)) throw new Error(`invalid channel name: ${name}`);
    const taken = [...this.state.channels.values()].some(
      (c) => c.team_id === teamId && c.name === name,
    );
    if (taken) throw new Error(`channel exists: ${name}`);
    const now = this.state.clock.now();
    const channel: ChannelRecord = {
      id: newId(),
      create_at: now,
      update_at: now,
      delete_at: 0,
      team_id: teamId,
      type: opts.type ?? 'O',
      display_name: opts.displayName ?? name,
      name,
      header: '',
      purpose: '',
      last_post_at: 0,
      last_root_post_at: 0,
      creator_id: '',
      scheme_id: '',
      group_constrained: false,
      total_msg_count: 0,
      total_msg_count_root: 0,
    };
    this.state.channels.set(channel.id, channel);
    return { ...channel };
  }

  addToTeam(teamId: string, userId: string): void {
    if (!this.state.teams.has(teamId)) throw new Error(`no such team: ${teamId}`);
    if (!this.state.users.has(userId)) throw new Error(`no such user: ${userId}`);
    this.state.addTeamMember(teamId, userId);
  }

  /**
   * A direct (two users) or group message channel (three to eight): type `D` or `G`, no
   * team, named by its members' ids as the real server does, and only they are members.
   */
  createDirectChannel(userIds: string[]): ChannelRecord {
    if (userIds.length < 2 || userIds.length > 8) throw new Error('2 to 8 members');
    for (const id of userIds) if (!this.state.users.has(id)) throw new Error(`no such user: ${id}`);
    const now = this.state.clock.now();
    const name = [...userIds].sort().join('__');
    const channel: ChannelRecord = {
      id: newId(),
      create_at: now,
      update_at: now,
      delete_at: 0,
      team_id: '',
      type: userIds.length === 2 ? 'D' : 'G',
      display_name: '',
      name,
      header: '',
      purpose: '',
      last_post_at: 0,
      last_root_post_at: 0,
      creator_id: '',
      scheme_id: '',
      group_constrained: false,
      total_msg_count: 0,
      total_msg_count_root: 0,
    };
    this.state.channels.set(channel.id, channel);
    for (const id of userIds) this.state.addChannelMember(channel.id, id);
    return { ...channel };
  }

  /** Adds silently (no system post, no event); also makes the user a member of the team. */
  addToChannel(channelId: string, userId: string): void {
    const channel = this.state.channels.get(channelId);
    if (!channel) throw new Error(`no such channel: ${channelId}`);
    this.addToTeam(channel.team_id, userId);
    this.state.addChannelMember(channelId, userId);
  }

  posts(channelId: string): Post[] {
    return this.state.livePosts(channelId).map((p) => renderPost(this.state, p));
  }
}
