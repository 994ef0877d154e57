import { success, type Ctx, type Route } from '../context.js';
import { failure, meteorError } from '../errors.js';
import { renderMessage } from '../render.js';
import type { MessageRecord } from '../state.js';
import { findRoom, pagination } from './lookup.js';

function dateParam(ctx: Ctx, name: string): number | undefined {
  const v = ctx.str(ctx.query, name);
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw failure(`The "${name}" query parameter must be a valid date.`);
  return t;
}

/** channels.history / groups.history: newest first, between `oldest` and `latest`. */
function history(type: 'c' | 'p') {
  return (ctx: Ctx) => {
    ctx.validate(
      type === 'c' ? ctx.sim.validators.channelsHistory : ctx.sim.validators.groupsHistory,
      ctx.query,
    );
    const room = findRoom(ctx, ctx.query, type);
    const latest = dateParam(ctx, 'latest') ?? Date.now() + 1;
    const oldest = dateParam(ctx, 'oldest') ?? 0;
    const inclusive = ctx.query.inclusive === true || ctx.query.inclusive === 'true';
    const { count, offset } = pagination(ctx.query, 20);
    const inRange = (m: MessageRecord) =>
      inclusive ? m.ts >= oldest && m.ts <= latest : m.ts > oldest && m.ts < latest;
    const messages = ctx.state
      .roomHistory(room._id)
      .filter(inRange)
      .reverse()
      .slice(offset, offset + count)
      .map((m) => renderMessage(m, 'rest'));
    return success({ messages });
  };
}

interface Changed {
  time: number;
  rendered: Record<string, unknown>;
}

/** The cursor query of getMessageHistory: `_updatedAt`/`_deletedAt` after `next` or before `previous`. */
function cursorPage(items: Changed[], count: number, next?: string, previous?: string) {
  const parse = (c: string) => {
    const t = Number.parseInt(c, 10);
    if (Number.isNaN(t)) throw meteorError('error-invalid-date', 'Invalid Date');
    return t;
  };
  let page: Changed[];
  if (next) page = items.filter((i) => i.time > parse(next)).sort((a, b) => a.time - b.time);
  else if (previous)
    page = items.filter((i) => i.time < parse(previous)).sort((a, b) => b.time - a.time);
  else page = [...items].sort((a, b) => a.time - b.time);
  if (next || previous) page = page.slice(0, count + 1);
  const at = (i: number) => (page[i] ? String(page[i]!.time) : null);
  let nextCursor: string | null;
  let prevCursor: string | null;
  if (page.length === 0) nextCursor = prevCursor = null;
  else if (previous) {
    nextCursor = at(0);
    prevCursor = page.length > count ? at(page.length - 2) : null;
  } else {
    nextCursor = next ? (page.length > count ? at(page.length - 2) : null) : at(page.length - 1);
    prevCursor = at(0);
  }
  if (page.length > count) page.pop();
  return { page: page.map((i) => i.rendered), cursor: { next: nextCursor, previous: prevCursor } };
}

/** chat.syncMessages: by `lastUpdate`, or paged by `type` + `next`/`previous` cursors. */
function syncMessages(ctx: Ctx) {
  ctx.validate(ctx.sim.validators.chatSyncMessages, ctx.query);
  const rid = ctx.str(ctx.query, 'roomId');
  if (!rid)
    throw meteorError('error-param-required', 'The required "roomId" query param is missing');
  const { lastUpdate, next, previous, type } = ctx.query as Record<string, string | undefined>;
  if (!lastUpdate && !type) {
    throw meteorError(
      'error-param-required',
      'The "type" or "lastUpdate" parameters must be provided',
    );
  }
  if (lastUpdate && Number.isNaN(Date.parse(lastUpdate))) {
    throw meteorError(
      'error-lastUpdate-param-invalid',
      'The "lastUpdate" query parameter must be a valid date',
    );
  }
  const room = ctx.state.rooms.get(rid);
  if (!room || !ctx.state.canAccess(room, ctx.user))
    throw meteorError('error-not-allowed', 'Not allowed');
  if ((next || previous) && !type) {
    throw meteorError(
      'error-type-param-required',
      'The "type" parameter is required when using the "next" or "previous" parameters',
    );
  }
  if (next && previous)
    throw meteorError(
      'error-cursor-conflict',
      'You cannot provide both "next" and "previous" parameters',
    );
  if ((next || previous) && lastUpdate) {
    throw meteorError(
      'error-cursor-and-lastUpdate-conflict',
      'The attributes "next", "previous" and "lastUpdate" cannot be used together',
    );
  }
  const updated = (): Changed[] =>
    ctx.state
      .roomHistory(rid)
      .map((m) => ({ time: m.updatedAt, rendered: renderMessage(m, 'rest') }));
  const deleted = (): Changed[] =>
    [...ctx.state.trash.values()]
      .filter((d) => d.rid === rid)
      .map((d) => ({
        time: d.deletedAt,
        rendered: { _id: d._id, _deletedAt: new Date(d.deletedAt).toISOString() },
      }));
  if (lastUpdate) {
    const since = Date.parse(lastUpdate);
    const newestFirst = (a: Changed, b: Changed) => b.time - a.time;
    return success({
      result: {
        updated: updated()
          .filter((c) => c.time > since)
          .sort(newestFirst)
          .map((c) => c.rendered),
        deleted: deleted()
          .filter((c) => c.time > since)
          .sort(newestFirst)
          .map((c) => c.rendered),
      },
    });
  }
  if (type !== 'UPDATED' && type !== 'DELETED') {
    throw meteorError(
      'error-type-param-not-supported',
      'The "type" parameter must be either "UPDATED" or "DELETED"',
    );
  }
  if (!next && !previous) {
    // getMessageHistory falls back to plain channel history here, which the REST answer drops.
    return success({ result: { updated: [], deleted: [] } });
  }
  const count = Number(ctx.query.count ?? 20) || 20;
  const { page, cursor } = cursorPage(
    type === 'UPDATED' ? updated() : deleted(),
    count,
    next,
    previous,
  );
  return success({
    result: {
      updated: type === 'UPDATED' ? page : [],
      deleted: type === 'DELETED' ? page : [],
      cursor,
    },
  });
}

export const historyRoutes: Route[] = [
  { method: 'GET', path: 'channels.history', handler: history('c') },
  { method: 'GET', path: 'groups.history', handler: history('p') },
  { method: 'GET', path: 'chat.syncMessages', handler: syncMessages },
];
