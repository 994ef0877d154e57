import { success, type Ctx, type Reply, type Route } from '../context.js';
import { failure } from '../errors.js';
import { renderUser } from '../render.js';
import type { SimState, UserRecord } from '../state.js';

function findUser(ctx: Ctx): UserRecord {
  const userId = ctx.str(ctx.query, 'userId');
  const username = ctx.str(ctx.query, 'username');
  const user = userId
    ? ctx.state.users.get(userId)
    : username
      ? ctx.state.userByName(username)
      : undefined;
  if (!user) throw failure('User not found.', 'error-invalid-user');
  return user;
}

function me(ctx: Ctx) {
  return success(renderUser(ctx.user, ctx.state, true));
}

function usersInfo(ctx: Ctx) {
  ctx.validate(ctx.sim.validators.usersInfo, ctx.query);
  return success({ user: renderUser(findUser(ctx), ctx.state) });
}

/** users.getAvatar redirects to the avatar route, as the server does. */
function getAvatar(ctx: Ctx): Reply {
  ctx.validate(ctx.sim.validators.usersGetAvatar, ctx.query);
  const user = findUser(ctx);
  return {
    kind: 'bytes',
    status: 307,
    body: Buffer.alloc(0),
    headers: { Location: `/avatar/${encodeURIComponent(user.username)}` },
  };
}

function permissionsList(ctx: Ctx) {
  const update = [...ctx.state.permissions.entries()].map(([id, roles]) => ({
    _id: id,
    roles: [...roles],
    _updatedAt: new Date(ctx.state.permissionsUpdatedAt.get(id) ?? 0).toISOString(),
  }));
  return success({ update, remove: [] });
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `/avatar/:username`: the uploaded image, or the server's generated initial (SVG). */
export function avatarReply(state: SimState, username: string): Reply {
  const user = state.userByName(username);
  if (user?.avatar) {
    return {
      kind: 'bytes',
      status: 200,
      body: user.avatar.data,
      headers: {
        'Content-Type': user.avatar.type,
        ETag: `"${user.avatar.etag}"`,
        'Cache-Control': 'public, max-age=0',
      },
    };
  }
  const initial = escapeXml((username[0] ?? '?').toUpperCase());
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><rect width="100%" height="100%" fill="#5c6bc0"/><text x="50%" y="50%" dy="0.36em" text-anchor="middle" font-size="128" fill="#fff">${initial}</text></svg>`;
  return {
    kind: 'bytes',
    status: 200,
    body: Buffer.from(svg),
    headers: { 'Content-Type': 'image/svg+xml' },
  };
}

export const userRoutes: Route[] = [
  { method: 'GET', path: 'me', handler: me },
  { method: 'GET', path: 'users.info', handler: usersInfo },
  { method: 'GET', path: 'users.getAvatar', handler: getAvatar },
  { method: 'GET', path: 'permissions.listAll', handler: permissionsList },
];
