import { success, type Ctx, type Route } from '../context.js';
import { forbidden } from '../errors.js';
import { renderRoom } from '../render.js';
import { findRoom, pagination } from './lookup.js';

function info(type: 'c' | 'p' | 'any') {
  return (ctx: Ctx) => {
    if (type === 'p') ctx.validate(ctx.sim.validators.groupsInfo, ctx.query);
    if (type === 'any') ctx.validate(ctx.sim.validators.roomsInfo, ctx.query);
    const room = findRoom(ctx, ctx.query, type);
    const rendered = renderRoom(room, ctx.state);
    return success(
      type === 'c'
        ? { channel: rendered }
        : type === 'p'
          ? { group: rendered }
          : { room: rendered },
    );
  };
}

function list(type: 'c' | 'p') {
  return (ctx: Ctx) => {
    ctx.validate(
      type === 'c' ? ctx.sim.validators.channelsList : ctx.sim.validators.groupsList,
      ctx.query,
    );
    if (!ctx.state.hasPermission(ctx.user, type === 'c' ? 'view-c-room' : 'view-p-room'))
      throw forbidden();
    const { count, offset } = pagination(ctx.query);
    const rooms = [...ctx.state.rooms.values()].filter(
      (r) => r.t === type && (type === 'c' || ctx.state.isMember(r._id, ctx.user._id)),
    );
    const page = rooms.slice(offset, offset + count).map((r) => renderRoom(r, ctx.state));
    return success({
      [type === 'c' ? 'channels' : 'groups']: page,
      count: page.length,
      offset,
      total: rooms.length,
    });
  };
}

/** channels.list.joined: the public channels the caller is a member of. */
function joined(ctx: Ctx) {
  const { count, offset } = pagination(ctx.query);
  const rooms = [...ctx.state.rooms.values()].filter(
    (r) => r.t === 'c' && ctx.state.isMember(r._id, ctx.user._id),
  );
  const page = rooms.slice(offset, offset + count).map((r) => renderRoom(r, ctx.state));
  return success({ channels: page, count: page.length, offset, total: rooms.length });
}

/** im.list: the caller's direct-message rooms. */
function ims(ctx: Ctx) {
  const { count, offset } = pagination(ctx.query);
  const rooms = [...ctx.state.rooms.values()].filter(
    (r) => r.t === 'd' && ctx.state.isMember(r._id, ctx.user._id),
  );
  const page = rooms.slice(offset, offset + count).map((r) => renderRoom(r, ctx.state));
  return success({ ims: page, count: page.length, offset, total: rooms.length });
}

export const roomRoutes: Route[] = [
  { method: 'GET', path: 'im.list', handler: ims },
  { method: 'GET', path: 'channels.list.joined', handler: joined },
  { method: 'GET', path: 'channels.info', handler: info('c') },
  { method: 'GET', path: 'groups.info', handler: info('p') },
  { method: 'GET', path: 'rooms.info', handler: info('any') },
  { method: 'GET', path: 'channels.list', handler: list('c') },
  { method: 'GET', path: 'groups.list', handler: list('p') },
];
