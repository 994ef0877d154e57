import { invalidParam, invalidUrlParam, notFound } from '../errors.js';
import { defaultAvatar } from '../images.js';
import { requireSelfOrAdmin } from '../permissions.js';
import { renderTeam, renderUser } from '../render.js';
import { json, type Ctx, type Reply, type Route } from '../context.js';
import type { UserRecord } from '../state.js';

const USERNAME_RE = /^[a-z][a-z0-9.\-_]{2,21}$/;

function lookup(ctx: Ctx, userId: string): UserRecord {
  const rec = ctx.state.users.get(userId);
  if (!rec) throw notFound.user();
  return rec;
}

function getUser(ctx: Ctx): Reply {
  return json(renderUser(lookup(ctx, ctx.param('user_id')), ctx.user));
}

function getByUsername(ctx: Ctx): Reply {
  const name = ctx.param('username').toLowerCase();
  if (!USERNAME_RE.test(name)) throw invalidUrlParam('username');
  const id = ctx.state.usernames.get(name);
  if (!id) throw notFound.user();
  return json(renderUser(lookup(ctx, id), ctx.user));
}

async function readStringArray(ctx: Ctx, name: string): Promise<string[]> {
  const body = await ctx.readJson(name);
  if (!Array.isArray(body) || body.length === 0 || !body.every((v) => typeof v === 'string')) {
    throw invalidParam(name);
  }
  return [...new Set(body as string[])];
}

async function getByIds(ctx: Ctx): Promise<Reply> {
  const ids = await readStringArray(ctx, 'user_ids');
  const users = ids
    .map((id) => ctx.state.users.get(id))
    .filter((u): u is UserRecord => u !== undefined)
    .map((u) => renderUser(u, ctx.user));
  return json(users);
}

async function getByUsernames(ctx: Ctx): Promise<Reply> {
  const names = await readStringArray(ctx, 'usernames');
  const users = names
    .map((n) => ctx.state.usernames.get(n.toLowerCase()))
    .map((id) => (id === undefined ? undefined : ctx.state.users.get(id)))
    .filter((u): u is UserRecord => u !== undefined)
    .map((u) => renderUser(u, ctx.user));
  return json(users);
}

function getImage(ctx: Ctx): Reply {
  const rec = lookup(ctx, ctx.param('user_id'));
  const png = rec.avatar ?? defaultAvatar(rec.profile.id);
  const modified = rec.profile.last_picture_update || rec.profile.create_at;
  return {
    kind: 'bytes',
    status: 200,
    body: png,
    headers: {
      'Content-Type': 'image/png',
      'Cache-Control': 'max-age=86400, private',
      'Last-Modified': new Date(modified).toUTCString(),
    },
  };
}

function getTeamsForUser(ctx: Ctx): Reply {
  const userId = ctx.param('user_id');
  requireSelfOrAdmin(ctx.user, userId);
  const teams = [...ctx.state.teams.values()]
    .filter((t) => ctx.state.isTeamMember(t.id, userId))
    .map(renderTeam);
  return json(teams);
}

export const userRoutes: Route[] = [
  { method: 'GET', path: '/users/{user_id}', handler: getUser },
  { method: 'GET', path: '/users/username/{username}', handler: getByUsername },
  { method: 'POST', path: '/users/ids', handler: getByIds },
  { method: 'POST', path: '/users/usernames', handler: getByUsernames },
  { method: 'GET', path: '/users/{user_id}/image', handler: getImage },
  { method: 'GET', path: '/users/{user_id}/teams', handler: getTeamsForUser },
];

export { USERNAME_RE };
