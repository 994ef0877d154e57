import { permissionError } from './errors.js';
import type { ChannelRecord, SimState, StoredPost, UserRecord } from './state.js';

// The default permission scheme, reduced to what the simulated endpoints need:
// system admins may do anything; channel members hold the channel_user role
// (create/edit/delete own posts, reactions, uploads, adding members); team members
// may read and join public channels of their team.

export function canReadChannel(state: SimState, user: UserRecord, channel: ChannelRecord): boolean {
  if (user.isAdmin) return true;
  if (state.member(channel.id, user.profile.id)) return true;
  return channel.type === 'O' && state.isTeamMember(channel.team_id, user.profile.id);
}

export function isChannelMemberOrAdmin(
  state: SimState,
  user: UserRecord,
  channelId: string,
): boolean {
  return user.isAdmin || state.member(channelId, user.profile.id) !== undefined;
}

export function requireRead(state: SimState, user: UserRecord, channel: ChannelRecord): void {
  if (!canReadChannel(state, user, channel)) throw permissionError();
}

export function requireMember(state: SimState, user: UserRecord, channelId: string): void {
  if (!isChannelMemberOrAdmin(state, user, channelId)) throw permissionError();
}

/** edit_post / delete_post for one's own posts (channel_user), *_others_posts only for admins. */
export function requirePostOwnerOrAdmin(state: SimState, user: UserRecord, post: StoredPost): void {
  if (user.isAdmin) return;
  if (post.user_id !== user.profile.id) throw permissionError();
  requireMember(state, user, post.channel_id);
}

export function requireTeamMember(state: SimState, user: UserRecord, teamId: string): void {
  if (!user.isAdmin && !state.isTeamMember(teamId, user.profile.id)) throw permissionError();
}

/** Routes about another user's data (teams, channel lists) need to be that user or an admin. */
export function requireSelfOrAdmin(user: UserRecord, userId: string): void {
  if (!user.isAdmin && user.profile.id !== userId) throw permissionError();
}
