import type { Ctx } from '../context.js';
import { failure, meteorError } from '../errors.js';
import type { MessageRecord, RoomRecord } from '../state.js';

/** A room the caller may read, by `roomId` or `roomName`, as channels.info/groups.info look it up. */
export function findRoom(
  ctx: Ctx,
  source: Record<string, unknown>,
  type: 'c' | 'p' | 'any',
): RoomRecord {
  const roomId = ctx.str(source, 'roomId');
  const roomName = ctx.str(source, 'roomName');
  if (!roomId && !roomName) {
    throw failure(
      'The parameter "roomId" or "roomName" is required',
      'error-roomid-param-not-provided',
    );
  }
  const room = roomId
    ? ctx.state.rooms.get(roomId)
    : [...ctx.state.rooms.values()].find((r) => r.name === roomName);
  const visible =
    room && (type === 'any' || room.t === type) && ctx.state.canAccess(room, ctx.user);
  if (!room || !visible) {
    if (type === 'p') {
      throw meteorError(
        'error-room-not-found',
        'The required "roomId" or "roomName" param provided does not match any group',
      );
    }
    throw meteorError(
      'error-room-not-found',
      'The required "roomId" or "roomName" param provided does not match any channel',
    );
  }
  return room;
}

/** A message the caller may read. */
export function findMessage(ctx: Ctx, id: string): MessageRecord {
  const m = ctx.state.messages.get(id);
  const room = m ? ctx.state.rooms.get(m.rid) : undefined;
  if (!m || !room || !ctx.state.canAccess(room, ctx.user)) {
    throw meteorError(
      'error-message-not-found',
      'The provided "messageId" does not match any existing message.',
    );
  }
  return m;
}

/** `count`/`offset` query parameters as getPaginationItems reads them (count ≤ 100 by default). */
export function pagination(
  source: Record<string, unknown>,
  defaultCount = 50,
): { count: number; offset: number } {
  const count = Number(source.count ?? defaultCount);
  const offset = Number(source.offset ?? 0);
  return {
    count: Number.isFinite(count) && count > 0 ? Math.min(count, 100) : defaultCount,
    offset: Number.isFinite(offset) && offset > 0 ? offset : 0,
  };
}
