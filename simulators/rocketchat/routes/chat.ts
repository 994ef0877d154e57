import { success, type Ctx, type Route } from '../context.js';
import { failure, meteorError } from '../errors.js';
import type { NewMessage } from '../messages.js';
import { renderMessage } from '../render.js';
import type { RoomRecord } from '../state.js';
import { findMessage, pagination } from './lookup.js';

const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function newMessage(source: Record<string, unknown>, textField: 'msg' | 'text'): NewMessage {
  const s = (k: string) => (typeof source[k] === 'string' ? (source[k] as string) : undefined);
  return {
    _id: s('_id'),
    msg: s(textField) ?? '',
    tmid: s('tmid'),
    alias: s('alias'),
    avatar: s('avatar'),
    emoji: s('emoji'),
    attachments: Array.isArray(source.attachments)
      ? (source.attachments as Array<Record<string, unknown>>)
      : undefined,
  };
}

function roomForSend(ctx: Ctx, rid: string): RoomRecord {
  const room = ctx.state.rooms.get(rid);
  if (!room || !ctx.state.canAccess(room, ctx.user))
    throw meteorError('error-not-allowed', 'Not allowed');
  return room;
}

function sendMessage(ctx: Ctx) {
  ctx.validate(ctx.sim.validators.chatSendMessage, ctx.body);
  const message = obj(ctx.body.message);
  const rid = ctx.required(message, 'rid');
  const m = ctx.sim.messages.create(ctx.user, roomForSend(ctx, rid), newMessage(message, 'msg'));
  return success({ message: renderMessage(m, 'rest') });
}

function postMessage(ctx: Ctx) {
  ctx.validate(ctx.sim.validators.chatPostMessage, ctx.body);
  const target = ctx.body.roomId ?? ctx.body.channel;
  const first = Array.isArray(target) ? target[0] : target;
  if (typeof first !== 'string' || first === '')
    throw failure('Invalid channel', 'invalid-channel');
  const room = first.startsWith('#')
    ? [...ctx.state.rooms.values()].find((r) => r.name === first.slice(1))
    : ctx.state.rooms.get(first);
  if (!room) throw failure('Invalid channel', 'invalid-channel');
  const m = ctx.sim.messages.create(
    ctx.user,
    roomForSend(ctx, room._id),
    newMessage(ctx.body, 'text'),
  );
  // processWebhookMessage answers with the channel as it was asked for (a string).
  return success({ ts: Date.now(), channel: first, message: renderMessage(m, 'rest') });
}

function roomMessage(ctx: Ctx, idField: 'msgId') {
  const msgId = ctx.required(ctx.body, idField);
  const m = ctx.state.messages.get(msgId);
  if (!m) throw failure(`No message found with the id of "${msgId}".`);
  if (ctx.body.roomId !== m.rid)
    throw failure('The room id provided does not match where the message is from.');
  return m;
}

function update(ctx: Ctx) {
  ctx.validate(ctx.sim.validators.chatUpdate, ctx.body);
  const m = roomMessage(ctx, 'msgId');
  const updated = ctx.sim.messages.update(ctx.user, m, String(ctx.body.text ?? ''));
  return success({ message: renderMessage(updated, 'rest') });
}

function remove(ctx: Ctx) {
  ctx.validate(ctx.sim.validators.chatDelete, ctx.body);
  const m = roomMessage(ctx, 'msgId');
  ctx.sim.messages.remove(ctx.user, m);
  return success({
    _id: m._id,
    ts: String(Date.now()),
    message: { _id: m._id, rid: m.rid, u: m.u },
  });
}

function react(ctx: Ctx) {
  ctx.validate(ctx.sim.validators.chatReact, ctx.body);
  const m = findMessage(ctx, ctx.required(ctx.body, 'messageId'));
  const emoji = ctx.str(ctx.body, 'emoji') ?? ctx.str(ctx.body, 'reaction');
  if (!emoji)
    throw meteorError('error-emoji-param-not-provided', 'The required "emoji" param is missing.');
  const should = ctx.body.shouldReact;
  ctx.sim.messages.react(ctx.user, m, emoji, typeof should === 'boolean' ? should : undefined);
  return success();
}

function getMessage(ctx: Ctx) {
  ctx.validate(ctx.sim.validators.chatGetMessage, ctx.query);
  const m = ctx.state.messages.get(ctx.required(ctx.query, 'msgId'));
  const room = m ? ctx.state.rooms.get(m.rid) : undefined;
  if (!m || !room || !ctx.state.canAccess(room, ctx.user))
    throw failure('Message not found', 'error-message-not-found');
  return success({ message: renderMessage(m, 'rest') });
}

function threadMessages(ctx: Ctx) {
  ctx.validate(ctx.sim.validators.chatGetThreadMessages, ctx.query);
  const root = findMessage(ctx, ctx.required(ctx.query, 'tmid'));
  const { count, offset } = pagination(ctx.query);
  const all = ctx.state.roomHistory(root.rid).filter((m) => m.tmid === root._id);
  return success({
    messages: all.slice(offset, offset + count).map((m) => renderMessage(m, 'rest')),
    count: Math.min(count, Math.max(0, all.length - offset)),
    offset,
    total: all.length,
  });
}

export const chatRoutes: Route[] = [
  { method: 'POST', path: 'chat.sendMessage', handler: sendMessage },
  { method: 'POST', path: 'chat.postMessage', handler: postMessage },
  { method: 'POST', path: 'chat.update', handler: update },
  { method: 'POST', path: 'chat.delete', handler: remove },
  { method: 'POST', path: 'chat.react', handler: react },
  { method: 'GET', path: 'chat.getMessage', handler: getMessage },
  { method: 'GET', path: 'chat.getThreadMessages', handler: threadMessages },
];
