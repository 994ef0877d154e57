import { AppError, invalidParam, notFound, permissionError } from '../errors.js';
import { broadcast } from '../events.js';
import { isValidId } from '../ids.js';
import { requireRead, requireSelfOrAdmin, requireTeamMember } from '../permissions.js';
import { insertPost } from '../posting.js';
import { renderChannel, renderMember, renderTeam } from '../render.js';
import { isObject, json, type Ctx, type Reply, type Route } from '../context.js';
import type { ChannelRecord } from '../state.js';

export function pageParams(ctx: Ctx, perPageDefault = 60): { page: number; perPage: number } {
  const page = Number.parseInt(ctx.query.get('page') ?? '', 10);
  const perPage = Number.parseInt(ctx.query.get('per_page') ?? '', 10);
  return {
    page: Number.isNaN(page) || page < 0 ? 0 : page,
    perPage: Number.isNaN(perPage) || perPage < 0 ? perPageDefault : Math.min(perPage, 200),
  };
}

export function channelOr404(ctx: Ctx, channelId: string): ChannelRecord {
  const channel = ctx.state.channels.get(channelId);
  if (!channel) throw notFound.channel();
  return channel;
}

function getTeam(ctx: Ctx): Reply {
  const team = ctx.state.teams.get(ctx.param('team_id'));
  if (!team) throw notFound.team();
  requireTeamMember(ctx.state, ctx.user, team.id);
  return json(renderTeam(team));
}

function byDisplayName(a: ChannelRecord, b: ChannelRecord): number {
  return a.display_name.localeCompare(b.display_name) || a.name.localeCompare(b.name);
}

function getPublicChannels(ctx: Ctx): Reply {
  const teamId = ctx.param('team_id');
  if (!ctx.state.teams.has(teamId)) throw notFound.team();
  requireTeamMember(ctx.state, ctx.user, teamId);
  const { page, perPage } = pageParams(ctx);
  const channels = [...ctx.state.channels.values()]
    .filter((c) => c.team_id === teamId && c.type === 'O' && c.delete_at === 0)
    .sort(byDisplayName)
    .slice(page * perPage, page * perPage + perPage)
    .map(renderChannel);
  return json(channels);
}

/**
 * `GET /users/{id}/teams/{tid}/channels`: every channel of the team the user is in (and, as
 * the real server does, their direct and group messages, which belong to no team), with
 * `last_post_at`/`last_root_post_at` (a client can tell which changed without reading posts);
 * archived ones only with `include_deleted=true` (and `last_delete_at`: archived after it).
 */
function getChannelsForUser(ctx: Ctx): Reply {
  const userId = ctx.param('user_id');
  const teamId = ctx.param('team_id');
  requireSelfOrAdmin(ctx.user, userId);
  if (!ctx.state.teams.has(teamId)) throw notFound.team();
  const includeDeleted = ctx.query.get('include_deleted') === 'true';
  const lastDeleteAt = Number.parseInt(ctx.query.get('last_delete_at') ?? '', 10) || 0;
  const channels = [...ctx.state.channels.values()]
    .filter((c) => c.team_id === teamId || c.team_id === '')
    .filter((c) => ctx.state.member(c.id, userId) !== undefined)
    .filter((c) => c.delete_at === 0 || (includeDeleted && c.delete_at > lastDeleteAt))
    .sort(byDisplayName)
    .map(renderChannel);
  return json(channels);
}

function getChannel(ctx: Ctx): Reply {
  const channel = channelOr404(ctx, ctx.param('channel_id'));
  requireRead(ctx.state, ctx.user, channel);
  return json(renderChannel(channel));
}

/** `POST /channels/{id}/members {user_id}`: join (self) or add someone; answers 201 ChannelMember. */
async function addMember(ctx: Ctx): Promise<Reply> {
  const channel = channelOr404(ctx, ctx.param('channel_id'));
  const body = await ctx.readJson('channel_member');
  if (!isObject(body)) throw invalidParam('channel_member');
  const userId = body.user_id;
  if (typeof userId !== 'string' || !isValidId(userId)) throw invalidParam('user_id');
  const { state } = ctx;
  const caller = ctx.user;
  const target = state.users.get(userId);
  if (!target) throw notFound.user();
  const existing = state.member(channel.id, userId);
  if (existing) return json(renderMember(existing), 201);
  const self = userId === caller.profile.id;
  // join_public_channels for oneself; manage_*_channel_members (channel_user) to add others.
  const allowed =
    caller.isAdmin ||
    (self
      ? channel.type === 'O' && state.isTeamMember(channel.team_id, userId)
      : state.member(channel.id, caller.profile.id) !== undefined);
  if (!allowed) throw permissionError();
  if (!state.isTeamMember(channel.team_id, userId)) {
    throw new AppError(
      403,
      'api.channel.add_user.to.channel.failed.deleted.app_error',
      'Failed to add user to channel because they have been removed from the team.',
    );
  }
  const member = state.addChannelMember(channel.id, userId);
  ctx.sim.hub.publish({
    event: 'user_added',
    data: { team_id: channel.team_id, user_id: userId },
    broadcast: broadcast({ channel_id: channel.id }),
  });
  const username = target.profile.username;
  insertPost(
    ctx.sim,
    self
      ? {
          channelId: channel.id,
          userId,
          type: 'system_join_channel',
          message: `@${username} joined the channel.`,
          props: { username },
        }
      : {
          channelId: channel.id,
          userId: caller.profile.id,
          type: 'system_add_to_channel',
          message: `@${username} added to the channel by @${caller.profile.username}.`,
          props: {
            userId: caller.profile.id,
            username: caller.profile.username,
            addedUserId: userId,
            addedUsername: username,
          },
        },
  );
  return json(renderMember(member), 201);
}

function getMember(ctx: Ctx): Reply {
  const channel = channelOr404(ctx, ctx.param('channel_id'));
  requireRead(ctx.state, ctx.user, channel);
  const member = ctx.state.member(channel.id, ctx.param('user_id'));
  if (!member) throw notFound.member();
  return json(renderMember(member));
}

export const channelRoutes: Route[] = [
  { method: 'GET', path: '/teams/{team_id}', handler: getTeam },
  { method: 'GET', path: '/teams/{team_id}/channels', handler: getPublicChannels },
  { method: 'GET', path: '/users/{user_id}/teams/{team_id}/channels', handler: getChannelsForUser },
  { method: 'GET', path: '/channels/{channel_id}', handler: getChannel },
  { method: 'POST', path: '/channels/{channel_id}/members', handler: addMember },
  { method: 'GET', path: '/channels/{channel_id}/members/{user_id}', handler: getMember },
];
